/**
 * Incident queries shared by the CLI and (later) the API: one place validates the user's filters
 * (local days, district codes, categories) against the study area, then the store does the work.
 */
import { ValidationError } from '../core/errors.ts';
import { CATEGORY_CODES, isCategory } from '../core/taxonomy.ts';
import { isRealDate, localToUtc } from '../core/time.ts';
import type { StudyArea } from '../geo/study-area.ts';
import type { Db } from '../storage/db.ts';
import {
  type AreaSummary,
  areaSummary,
  countIncidents,
  type IncidentFilter,
  type IncidentView,
  incidentStats,
  listIncidents,
  type StatsRow,
} from '../storage/incidents.ts';
import { getStudyArea } from './areas.ts';

/** Filters as a user writes them (CLI options, query strings). */
export interface FilterParams {
  area: string;
  /** First local day, YYYY-MM-DD (inclusive). */
  from?: string;
  /** Last local day, YYYY-MM-DD (inclusive). */
  to?: string;
  /** District codes; a 5-digit ubigeo gets its leading zero back. */
  districts?: readonly string[];
  categories?: readonly string[];
  /** Text in tipo, subtipo or modalidad. */
  type?: string;
  source?: string;
}

/**
 * YYYY-MM-DD (a local day in `tz`) → instant; `endOfDay` gives the next local midnight.
 * @throws ValidationError naming `field`
 */
export function parseDay(value: string, tz: string, field: string, endOfDay = false): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const f = m
    ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: 0, minute: 0, second: 0 }
    : null;
  if (!f || !isRealDate(f))
    throw new ValidationError(field, `fecha inválida "${value}" (formato AAAA-MM-DD, ej. 2025-01-31)`);
  if (endOfDay) {
    const next = new Date(Date.UTC(f.year, f.month - 1, f.day + 1));
    f.year = next.getUTCFullYear();
    f.month = next.getUTCMonth() + 1;
    f.day = next.getUTCDate();
  }
  return new Date(localToUtc(f, tz));
}

/**
 * Validates user filters against the study area.
 * @throws ValidationError naming the parameter (--from, --district, …) and the valid values
 */
export function buildFilter(p: FilterParams, area: StudyArea): IncidentFilter {
  const tz = area.def.timeZone;
  for (const c of p.categories ?? [])
    if (!isCategory(c))
      throw new ValidationError(
        '--category',
        `categoría desconocida "${c}" (use: ${CATEGORY_CODES.join(', ')})`,
      );
  const known = area.def.districts.map((d) => d.code);
  const districts = p.districts?.map((d) => (/^\d{5}$/.test(d) ? `0${d}` : d));
  for (const d of districts ?? [])
    if (!known.includes(d))
      throw new ValidationError(
        '--district',
        known.length
          ? `distrito "${d}" no existe en el área ${area.def.id} (use: ${known.join(', ')})`
          : `el área ${area.def.id} no tiene distritos`,
      );
  const from = p.from ? parseDay(p.from, tz, '--from') : undefined;
  const to = p.to ? parseDay(p.to, tz, '--to', true) : undefined;
  if (from && to && from >= to)
    throw new ValidationError('--from', '--from debe ser anterior o igual a --to');
  return {
    area: area.def.id,
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(districts?.length ? { districts } : {}),
    ...(p.categories?.length ? { categories: p.categories } : {}),
    ...(p.type ? { type: p.type } : {}),
    ...(p.source ? { source: p.source } : {}),
  };
}

/**
 * Incidents matching the filters, newest first; protected categories redacted unless allowed.
 * @throws ValidationError for bad filters or a limit outside 1–100,000
 */
export async function queryIncidents(
  db: Db,
  p: FilterParams & { limit: number; showRestricted?: boolean },
): Promise<{ area: StudyArea; rows: IncidentView[]; total: number }> {
  if (!Number.isInteger(p.limit) || p.limit < 1 || p.limit > 100_000)
    throw new ValidationError('--limit', 'debe ser un entero entre 1 y 100000');
  const area = await getStudyArea(db, p.area);
  const filter = buildFilter(p, area);
  const rows = await listIncidents(db, filter, { limit: p.limit, showRestricted: p.showRestricted ?? false });
  const total = rows.length < p.limit ? rows.length : await countIncidents(db, filter);
  return { area, rows, total };
}

/** Counts by district × local month × category. */
export async function queryStats(db: Db, p: FilterParams): Promise<{ area: StudyArea; rows: StatsRow[] }> {
  const area = await getStudyArea(db, p.area);
  return { area, rows: await incidentStats(db, buildFilter(p, area), area.def.timeZone) };
}

/** Totals for a study area. */
export async function summarizeArea(
  db: Db,
  areaId: string,
): Promise<{ area: StudyArea; summary: AreaSummary }> {
  const area = await getStudyArea(db, areaId);
  return { area, summary: await areaSummary(db, area.def.id) };
}
