/** `vigia hotspots emerging`: the planners' emerging hot spot classes per class and district. */
import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.ts';
import { CRIME_GROUPS } from '../../core/taxonomy.ts';
import { EMERGING_MONTHS, emergingAnalysis, emergingSummary } from '../../services/emerging.ts';
import { withStore } from '../context.ts';
import { table } from '../output.ts';

/** The service names parameters; the CLI names its options. */
const OPTION: Readonly<Record<string, string>> = {
  months: '--months',
  group: '--group',
  cellSize: '--cell-size',
};

function whole(value: string, option: string): number {
  if (!/^\s*\d{1,9}\s*$/.test(value))
    throw new ValidationError(option, `se espera un número entero, se recibió "${value}"`);
  return Number(value);
}

export function registerHotspotsCommand(program: Command): void {
  const hotspots = program.command('hotspots').description('zonas calientes para planificación');
  hotspots
    .command('emerging')
    .description(
      'zonas calientes emergentes (Gi* por celda y mes + tendencia de Mann-Kendall): celdas por clase y distrito',
    )
    .option('-a, --area <id>', 'área de estudio (por defecto VIGIA_STUDY_AREA)')
    .option('--group <grupo>', `grupo de delitos: ${Object.keys(CRIME_GROUPS).join(', ')}`, 'property')
    .option(
      '--months <n>',
      `meses completos analizados (${EMERGING_MONTHS.min}–${EMERGING_MONTHS.max})`,
      String(EMERGING_MONTHS.default),
    )
    .option('--cell-size <m>', 'lado de la celda en metros (75–500)', '150')
    .option('--fdr', 'corrección de la tasa de falsos descubrimientos (Benjamini-Hochberg)')
    .option('--json', 'salida JSON')
    .action(
      async (o: {
        area?: string;
        group: string;
        months: string;
        cellSize: string;
        fdr?: boolean;
        json?: boolean;
      }) => {
        const months = whole(o.months, '--months');
        const cellSize = whole(o.cellSize, '--cell-size');
        await withStore(async (db, config) => {
          let s: ReturnType<typeof emergingSummary>;
          try {
            s = emergingSummary(
              await emergingAnalysis(db, {
                area: o.area ?? config.studyArea,
                group: o.group,
                months,
                cellSize,
                fdr: o.fdr === true,
              }),
            );
          } catch (err) {
            const option = err instanceof ValidationError ? OPTION[err.field] : undefined;
            if (err instanceof ValidationError && option)
              throw new ValidationError(option, err.message.slice(err.field.length + 2));
            throw err;
          }
          if (o.json) {
            process.stdout.write(`${JSON.stringify(s)}\n`);
            return;
          }
          const shown = s.classes.filter((c) => c.cells > 0);
          const lines = [
            `Zonas calientes emergentes — área ${s.area}, grupo ${s.group}, ${s.months} meses (${s.from} a ${s.to}), celdas de ${s.cellSize} m, ${s.eventsUsed} incidentes ubicados${s.fdr ? ', con corrección FDR' : ''}`,
            '',
            table(
              ['clase', 'celdas'],
              shown.map((c) => [c.label, String(c.cells)]),
            ),
            '',
            'Por distrito:',
            table(
              ['distrito', ...shown.map((c) => c.label)],
              s.districts.map((d) => [d.name, ...shown.map((c) => String(d.cells[c.code] ?? 0))]),
            ),
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        });
      },
    );
}
