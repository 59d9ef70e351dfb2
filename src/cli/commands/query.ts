/** `vigia incidents` and `vigia stats`. */
import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.ts';
import { CATEGORY_CODES, isCategory } from '../../core/taxonomy.ts';
import { isRealDate, localToUtc } from '../../core/time.ts';
import { getStudyArea } from '../../services/areas.ts';
import {
  areaSummary,
  countIncidents,
  type IncidentFilter,
  incidentStats,
  listIncidents,
} from '../../storage/incidents.ts';
import { list, withStore } from '../context.ts';
import { n, table } from '../output.ts';

/** YYYY-MM-DD (local day in `tz`) → instant; `endOfDay` gives the next local midnight (inclusive --to). */
export function parseDay(value: string, tz: string, option: string, endOfDay = false): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const f = m
    ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: 0, minute: 0, second: 0 }
    : null;
  if (!f || !isRealDate(f))
    throw new ValidationError(option, `fecha inválida "${value}" (formato AAAA-MM-DD, ej. 2025-01-31)`);
  if (endOfDay) {
    const next = new Date(Date.UTC(f.year, f.month - 1, f.day + 1));
    f.year = next.getUTCFullYear();
    f.month = next.getUTCMonth() + 1;
    f.day = next.getUTCDate();
  }
  return new Date(localToUtc(f, tz));
}

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

function buildFilter(
  o: FilterOptions,
  area: string,
  tz: string,
  districts: readonly string[],
): IncidentFilter {
  const cats = list(o.category);
  for (const c of cats ?? [])
    if (!isCategory(c))
      throw new ValidationError(
        '--category',
        `categoría desconocida "${c}" (use: ${CATEGORY_CODES.join(', ')})`,
      );
  const ds = list(o.district)?.map((d) => (/^\d{5}$/.test(d) ? `0${d}` : d));
  for (const d of ds ?? [])
    if (districts.length > 0 && !districts.includes(d))
      throw new ValidationError(
        '--district',
        `distrito "${d}" no existe en el área ${area} (use: ${districts.join(', ')})`,
      );
  const from = o.from ? parseDay(o.from, tz, '--from') : undefined;
  const to = o.to ? parseDay(o.to, tz, '--to', true) : undefined;
  if (from && to && from >= to)
    throw new ValidationError('--from', '--from debe ser anterior o igual a --to');
  return {
    area,
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(ds ? { districts: ds } : {}),
    ...(cats ? { categories: cats } : {}),
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
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
        throw new ValidationError('--limit', 'debe ser un entero entre 1 y 100000');
      await withStore(async (db, config) => {
        const area = await getStudyArea(db, o.area ?? config.studyArea);
        const filter = buildFilter(
          o,
          area.def.id,
          area.def.timeZone,
          area.def.districts.map((d) => d.code),
        );
        const rows = await listIncidents(db, filter, { limit });
        if (o.json) {
          process.stdout.write(`${JSON.stringify(rows)}\n`);
          return;
        }
        const total = await countIncidents(db, filter);
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
        const area = await getStudyArea(db, o.area ?? config.studyArea);
        if (o.summary) {
          const s = await areaSummary(db, area.def.id);
          process.stdout.write(o.json ? `${JSON.stringify(s)}\n` : `${JSON.stringify(s, null, 2)}\n`);
          return;
        }
        const filter = buildFilter(
          o,
          area.def.id,
          area.def.timeZone,
          area.def.districts.map((d) => d.code),
        );
        const rows = await incidentStats(db, filter, area.def.timeZone);
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
