/** `vigia incidents` and `vigia stats`. */
import type { Command } from 'commander';
import { CATEGORY_CODES, CHANNEL_LABELS, type Channel } from '../../core/taxonomy.ts';
import { type FilterParams, queryIncidents, queryStats, summarizeArea } from '../../services/queries.ts';
import { list, withStore } from '../context.ts';
import { n, table } from '../output.ts';

interface FilterOptions {
  area?: string;
  from?: string;
  to?: string;
  district?: string;
  category?: string;
  type?: string;
  source?: string;
}

function addFilterOptions(cmd: Command): Command {
  return cmd
    .option('-a, --area <id>', 'área de estudio (por defecto VIGIA_STUDY_AREA)')
    .option('--from <AAAA-MM-DD>', 'desde este día (hora local, inclusive)')
    .option('--to <AAAA-MM-DD>', 'hasta este día (hora local, inclusive)')
    .option('-d, --district <códigos>', 'distritos (ubigeo), separados por coma: 070101,070102')
    .option('-c, --category <categorías>', `categorías: ${CATEGORY_CODES.join(', ')}`)
    .option('-t, --type <texto>', 'texto en tipo, subtipo o modalidad (ej. "robo agravado")')
    .option('--source <fuente>', 'fuente (sidpol-geo, synthetic, …)');
}

function filterParams(o: FilterOptions, defaultArea: string): FilterParams {
  const districts = list(o.district);
  const categories = list(o.category);
  return {
    area: o.area ?? defaultArea,
    ...(o.from ? { from: o.from } : {}),
    ...(o.to ? { to: o.to } : {}),
    ...(districts ? { districts } : {}),
    ...(categories ? { categories } : {}),
    ...(o.type ? { type: o.type } : {}),
    ...(o.source ? { source: o.source } : {}),
  };
}

const localFmt = (tz: string) =>
  new Intl.DateTimeFormat('sv-SE', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });

export function registerQueryCommands(program: Command): void {
  addFilterOptions(
    program
      .command('incidents')
      .description('consulta incidentes (los de categorías protegidas salen sin ubicación ni relato)'),
  )
    .option('-n, --limit <n>', 'máximo de filas', '50')
    .option('--json', 'salida JSON (una lista)')
    .addHelpText(
      'after',
      '\nEjemplo: vigia incidents --from 2025-01-01 --to 2025-01-31 -d 070102 -c robo,hurto',
    )
    .action(async (o: FilterOptions & { limit: string; json?: boolean }) => {
      await withStore(async (db, config) => {
        const { area, rows, total } = await queryIncidents(db, {
          ...filterParams(o, config.studyArea),
          limit: Number(o.limit),
        });
        if (o.json) {
          process.stdout.write(`${JSON.stringify(rows)}\n`);
          return;
        }
        const fmt = localFmt(area.def.timeZone);
        process.stdout.write(
          `${table(
            [
              'fecha (local)',
              'prec.',
              'distrito',
              'categoría',
              'modalidad',
              'turno',
              'cómo se conoció',
              'ubicación',
              'lat',
              'lon',
            ],
            rows.map((r) => [
              fmt.format(r.occurredAt),
              r.timePrecision,
              r.districtName ?? r.districtCode,
              r.category,
              r.modalidad,
              r.turno,
              CHANNEL_LABELS[r.channel as Channel] ?? r.channel,
              r.geoQuality,
              r.lat?.toFixed(5),
              r.lon?.toFixed(5),
            ]),
          )}\n${n(rows.length)} de ${n(total)} incidentes${total > rows.length ? ' (use --limit o filtros para ver más)' : ''}\n`,
        );
      });
    });

  addFilterOptions(program.command('stats').description('conteos por distrito × mes × categoría'))
    .option('--summary', 'solo el resumen del área')
    .option('--json', 'salida JSON')
    .action(async (o: FilterOptions & { summary?: boolean; json?: boolean }) => {
      await withStore(async (db, config) => {
        if (o.summary) {
          const { summary } = await summarizeArea(db, o.area ?? config.studyArea);
          process.stdout.write(
            o.json ? `${JSON.stringify(summary)}\n` : `${JSON.stringify(summary, null, 2)}\n`,
          );
          return;
        }
        const { rows } = await queryStats(db, filterParams(o, config.studyArea));
        if (o.json) {
          process.stdout.write(`${JSON.stringify(rows)}\n`);
          return;
        }
        // Wide table: one row per district × month, one column per category present.
        const cats = [...new Set(rows.map((r) => r.category))].sort();
        const keyed = new Map<string, { district: string; month: string; counts: Map<string, number> }>();
        for (const r of rows) {
          const district = r.districtName ?? r.districtCode ?? '(sin distrito)';
          const k = `${r.month}|${district}`;
          let e = keyed.get(k);
          if (!e) {
            e = { district, month: r.month, counts: new Map() };
            keyed.set(k, e);
          }
          e.counts.set(r.category, r.count);
        }
        const body = [...keyed.values()].map((e) => [
          e.month,
          e.district,
          ...cats.map((c) => e.counts.get(c) ?? 0),
          [...e.counts.values()].reduce((a, b) => a + b, 0),
        ]);
        process.stdout.write(`${table(['mes', 'distrito', ...cats, 'total'], body)}\n`);
      });
    });
}
