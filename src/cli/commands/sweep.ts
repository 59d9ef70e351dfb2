/** `vigia sweep`: pick model settings on a validation period, in parallel, then test the winners. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { writeReport } from '../../services/backtest.ts';
import { sweep } from '../../services/sweep.ts';
import { withStore } from '../context.ts';
import { evaluationGrid, evaluationGridOptions } from '../model-options.ts';
import { progressBar, table } from '../output.ts';
import { parseSets } from '../settings.ts';
import { printSummary } from './backtest.ts';

export function registerSweepCommand(program: Command): void {
  evaluationGridOptions(program.command('sweep'))
    .description('barrido de parámetros en paralelo: elige ajustes en validación y los prueba después')
    .requiredOption(
      '--set <modelo.opción=valores>',
      'valores a probar (repetible)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .requiredOption('--validate-from <AAAA-MM-DD>', 'inicio del periodo de validación')
    .requiredOption('--validate-to <AAAA-MM-DD>', 'fin (exclusivo) de la validación; no después de --from')
    .requiredOption('--from <AAAA-MM-DD>', 'inicio del periodo de prueba')
    .requiredOption('--to <AAAA-MM-DD>', 'fin (exclusivo) del periodo de prueba')
    .option('--group <g>', 'grupo de delitos', 'property')
    .option('--cell-size <m>', 'lado de celda en metros', '150')
    .option('--workers <n>', 'hilos de trabajo (por defecto, uno por núcleo)')
    .option('-a, --area <id>', 'área de estudio (por defecto VIGIA_STUDY_AREA)')
    .option('--out <dir>', 'carpeta de los reportes (por defecto <datos>/reports)')
    .option('--json', 'salida JSON')
    .addHelpText(
      'after',
      '\nEjemplo: vigia sweep --set pro-hotspot.bandwidth=150,300,400 --set pro-hotspot.weeks=8,26,52 \\\n  --validate-from 2025-01-01 --validate-to 2025-07-01 --from 2025-07-01 --to 2026-01-01',
    )
    .action(
      async (o: {
        set: string[];
        validateFrom: string;
        validateTo: string;
        from: string;
        to: string;
        group: string;
        cellSize: string;
        workers?: string;
        area?: string;
        out?: string;
        gridOrigin?: string;
        tieRule: string;
        json?: boolean;
      }) => {
        const grids = parseSets(o.set);
        const placement = evaluationGrid(o);
        await withStore(async (db, config) => {
          // The bar is made on the first report, when the number of settings is known.
          let bar = null as ReturnType<typeof progressBar> | null;
          const report = await sweep(db, {
            area: o.area ?? config.studyArea,
            group: o.group,
            grids,
            validateFrom: o.validateFrom,
            validateTo: o.validateTo,
            testFrom: o.from,
            testTo: o.to,
            cellSize: Number(o.cellSize),
            ...placement,
            ...(o.workers ? { workers: Number(o.workers) } : {}),
            onProgress: (done, total) => {
              if (o.json) return;
              bar ??= progressBar('barrido', total, 'ajustes');
              bar.update(done);
            },
          });
          bar?.stop();
          const paths = writeReport(report.test, o.out ?? join(config.dataDir, 'reports'));
          if (o.json) {
            process.stdout.write(`${JSON.stringify(report)}\n`);
            return;
          }
          const ranked = [...report.validation.candidates].sort((a, b) => b.hitRate - a.hitRate);
          process.stdout.write(
            `Validación ${report.validation.from} → ${report.validation.to}: ${ranked.length} ajustes en ${report.workers} hilos, ${report.seconds.toFixed(1)} s\n` +
              `${table(
                ['modelo', 'ajuste', `acierto ${Math.round(report.validation.coverage * 100)} %`, 'tiempo'],
                ranked.map((c) => [
                  c.kind,
                  JSON.stringify(c.config),
                  c.error ? `error: ${c.error}` : `${(100 * c.hitRate).toFixed(1)} %`,
                  `${c.seconds.toFixed(1)} s`,
                ]),
              )}\n\nElegidos: ${JSON.stringify(report.selected)}\n\n`,
          );
          printSummary(report.test, paths);
        });
      },
    );
}
