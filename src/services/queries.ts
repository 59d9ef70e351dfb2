/**
 * Incident queries shared by the CLI and (later) the API: one place validates the user's filters
 * (local days, district codes, categories) against the study area, then the store does the work.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import {
  type AggregateView,
  countsRestricted,
  type IncidentView as IncidentViewKind,
  SMALL_COUNT_THRESHOLD,
} from '../core/access.ts';
import { ForbiddenError, ValidationError } from '../core/errors.ts';
import { CATEGORY_CODES, CRIME_CATEGORIES, isCategory } from '../core/taxonomy.ts';
import { parseDay } from '../core/time.ts';
import type { StudyArea } from '../geo/study-area.ts';
import { appSecrets } from '../storage/accounts.ts';
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
import { cachedStats, cachedTurnoCounts } from './aggregate-cache.ts';
import { getStudyArea } from './areas.ts';
import { groupCategories } from './backtest.ts';

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
  /** A crime group (property, extorsion, violent, all); combined with categories by intersection. */
  group?: string;
  /** "minLon,minLat,maxLon,maxLat" (WGS84): a small area such as one map cell. */
  bbox?: string;
}

/** Parses "minLon,minLat,maxLon,maxLat". @throws ValidationError naming `field` */
export function parseBbox(text: string, field: string): [number, number, number, number] {
  const v = text.split(',').map((x) => Number(x.trim()));
  const [a, b, c, d] = v as [number, number, number, number];
  if (
    v.length !== 4 ||
    v.some((x) => !Number.isFinite(x)) ||
    a >= c ||
    b >= d ||
    a < -180 ||
    c > 180 ||
    b < -90 ||
    d > 90
  )
    throw new ValidationError(
      field,
      `caja inválida "${text.slice(0, 80)}" (use minLon,minLat,maxLon,maxLat en grados)`,
    );
  return [a, b, c, d];
}

/**
 * Validates user filters against the study area.
 * @throws ValidationError naming the parameter (--from, --district, …) and the valid values
 */
export function buildFilter(p: FilterParams, area: StudyArea, prefix: '--' | '' = '--'): IncidentFilter {
  const tz = area.def.timeZone;
  for (const c of p.categories ?? [])
    if (!isCategory(c))
      throw new ValidationError(
        `${prefix}category`,
        `categoría desconocida "${c}" (use: ${CATEGORY_CODES.join(', ')})`,
      );
  const known = area.def.districts.map((d) => d.code);
  const districts = p.districts?.map((d) => (/^\d{5}$/.test(d) ? `0${d}` : d));
  for (const d of districts ?? [])
    if (!known.includes(d))
      throw new ValidationError(
        `${prefix}district`,
        known.length
          ? `distrito "${d}" no existe en el área ${area.def.id} (use: ${known.join(', ')})`
          : `el área ${area.def.id} no tiene distritos`,
      );
  let categories = p.categories?.length ? [...p.categories] : undefined;
  if (p.group) {
    const members = groupCategories(p.group, `${prefix}group`) as readonly string[];
    categories = categories ? categories.filter((c) => members.includes(c)) : [...members];
    if (categories.length === 0) categories = ['(ninguna)'];
  }
  const bbox = p.bbox ? parseBbox(p.bbox, `${prefix}bbox`) : undefined;
  const from = p.from ? parseDay(p.from, tz, `${prefix}from`) : undefined;
  const to = p.to ? parseDay(p.to, tz, `${prefix}to`, true) : undefined;
  if (from && to && from >= to)
    throw new ValidationError(`${prefix}from`, `${prefix}from debe ser anterior o igual a ${prefix}to`);
  return {
    area: area.def.id,
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(districts?.length ? { districts } : {}),
    ...(categories ? { categories } : {}),
    ...(bbox ? { bbox } : {}),
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
export async function queryStats(
  db: Db,
  p: FilterParams,
  prefix: '--' | '' = '--',
): Promise<{ area: StudyArea; rows: StatsRow[] }> {
  const area = await getStudyArea(db, p.area);
  // Small-area counts never include protected categories (they would show where victims are).
  const filter = { ...buildFilter(p, area, prefix), ...(p.bbox ? { excludeRestricted: true } : {}) };
  return { area, rows: await incidentStats(db, filter, area.def.timeZone) };
}

/** Totals for a study area. */
export async function summarizeArea(
  db: Db,
  areaId: string,
): Promise<{ area: StudyArea; summary: AreaSummary }> {
  const area = await getStudyArea(db, areaId);
  return { area, summary: await areaSummary(db, area.def.id) };
}

/** Keys of the server's opaque cursors and researcher pseudonyms (from the store's app_secrets). */
export interface QueryKeys {
  /** AES-256 key of the paging cursors (SHA-256 of the stored secret). */
  cursorKey: Buffer;
  pseudonymKey: string;
}

const keyCache = new WeakMap<Db, Promise<QueryKeys>>();

/** The store's query keys (read once per process). */
export function queryKeys(db: Db): Promise<QueryKeys> {
  let k = keyCache.get(db);
  if (!k) {
    k = appSecrets(db).then((s) => ({
      cursorKey: createHash('sha256').update(s.cursorKey).digest(),
      pseudonymKey: s.pseudonymKey,
    }));
    keyCache.set(db, k);
    k.catch(() => keyCache.delete(db));
  }
  return k;
}

/** Cursors are encrypted and authenticated (AES-256-GCM): opaque, unforgeable, and reveal no id. */
function sealCursor(after: { occurredAt: Date; id: string }, key: Buffer): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(JSON.stringify([after.occurredAt.getTime(), after.id])), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
}

function openCursor(cursor: string, key: Buffer): { occurredAt: Date; id: string } {
  try {
    const raw = Buffer.from(cursor, 'base64url');
    const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    const [t, id] = JSON.parse(Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString()) as [
      number,
      string,
    ];
    if (typeof t !== 'number' || typeof id !== 'string') throw new Error('shape');
    return { occurredAt: new Date(t), id };
  } catch {
    throw new ValidationError('cursor', 'cursor inválido (use el valor nextCursor de la página anterior)');
  }
}

/** Coarse lattice for researchers: 0.0025° (≈ 275 m in Callao). */
const COARSE_DEGREES = 0.0025;
const snap = (v: number): number =>
  Math.round((Math.floor(v / COARSE_DEGREES) + 0.5) * COARSE_DEGREES * 1e6) / 1e6;

/**
 * De-identifies an incident for research: a keyed pseudonym instead of the id, no external id,
 * report time or narrative, occurrence time to the hour, location to the centre of a ≈275 m lattice
 * cell. Restricted rows never reach research extracts (incidentPage leaves them out); were one to,
 * it would carry no location.
 */
export function coarsenIncident(r: IncidentView, pseudonymKey: string): IncidentView {
  const pseudo = `p_${createHmac('sha256', pseudonymKey).update(r.id).digest('hex').slice(0, 20)}`;
  const hour = new Date(Math.floor(r.occurredAt.getTime() / 3_600_000) * 3_600_000);
  const located = !r.restricted && r.lat !== null && r.lon !== null;
  return {
    ...r,
    id: pseudo,
    externalId: '',
    occurredAt: hour,
    reportedAt: null,
    geoQuality: r.restricted ? 'redacted' : located ? 'coarse' : r.geoQuality,
    lat: located ? snap(r.lat as number) : null,
    lon: located ? snap(r.lon as number) : null,
    narrative: null,
    narrativeRedacted: null,
  };
}

/** One page of incidents. */
export interface IncidentPage {
  area: string;
  view: IncidentViewKind;
  items: IncidentView[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  /** Matching incidents in all pages (first page, when asked: counting reads every match). */
  total: number | null;
}

/**
 * A page of incidents, newest first, shaped by the caller's view (see core/access.ts).
 * @throws ValidationError for bad filters, limit or cursor
 */
export async function incidentPage(
  db: Db,
  p: FilterParams & { limit: number; cursor?: string; view: IncidentViewKind; withTotal?: boolean },
): Promise<IncidentPage> {
  if (!Number.isInteger(p.limit) || p.limit < 1 || p.limit > 1000)
    throw new ValidationError('limit', 'debe ser un entero entre 1 y 1000');
  const keys = await queryKeys(db);
  const after = p.cursor ? openCursor(p.cursor, keys.cursorKey) : undefined;
  const area = await getStudyArea(db, p.area);
  if (p.bbox && p.view === 'coarse')
    throw new ValidationError('bbox', 'no disponible en la vista anonimizada (filtre por distrito)');
  // Research extracts hold no restricted row at all: counting their rows would be a statistic of
  // protected incidents (core/access.ts). Elsewhere a small box would place protected incidents for
  // callers who may not see their location.
  if (p.view === 'coarse') refuseProtectedCategories(p.categories);
  const filter = {
    ...buildFilter(p, area, ''),
    ...(p.view === 'coarse' || (p.bbox && p.view !== 'full') ? { excludeRestricted: true } : {}),
  };
  const rows = await listIncidents(db, filter, {
    limit: p.limit + 1,
    ...(after ? { after } : {}),
    showRestricted: p.view === 'full',
  });
  const more = rows.length > p.limit;
  const page = more ? rows.slice(0, p.limit) : rows;
  const last = page[page.length - 1];
  return {
    area: area.def.id,
    view: p.view,
    items: p.view === 'coarse' ? page.map((r) => coarsenIncident(r, keys.pseudonymKey)) : page,
    nextCursor:
      more && last ? sealCursor({ occurredAt: last.occurredAt, id: last.id }, keys.cursorKey) : null,
    total: !p.withTotal || after ? null : more ? await countIncidents(db, filter) : page.length,
  };
}

/**
 * A count as a view shows it. In the full and exact views, the exact count. In the suppressed view,
 * the sum of the published cells it covers (cells of the district × month × category table holding
 * 0 or at least SMALL_COUNT_THRESHOLD incidents); null when none of its cells is published but some
 * hold incidents.
 */
export interface ShownCount {
  count: number | null;
  /** Suppressed view: some cell it covers holds 1–4 incidents and is left out of `count`. */
  suppressed: boolean;
}

/**
 * Sums cells of the published table as a view may show them. Withheld cells add nothing, so every
 * number of the suppressed view is a sum of published cells, and no difference of two numbers can
 * reveal a withheld one.
 */
export function shownSum(cells: readonly number[], view: AggregateView): ShownCount {
  let sum = 0;
  let withheld = false;
  for (const n of cells) {
    if (view !== 'suppressed' || n === 0 || n >= SMALL_COUNT_THRESHOLD) sum += n;
    else withheld = true;
  }
  return withheld && sum === 0 ? { count: null, suppressed: true } : { count: sum, suppressed: withheld };
}

/** Whether a YYYY-MM-DD day is the last of its month. */
function lastOfMonth(day: string): boolean {
  const [y, m, d] = day.trim().split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).getUTCDate() === 1;
}

/** Below the full views a protected category cannot be asked for (its rows are left out there). */
function refuseProtectedCategories(categories: readonly string[] | undefined): void {
  for (const c of categories ?? [])
    if (isCategory(c) && CRIME_CATEGORIES[c].restricted)
      throw new ValidationError(
        'category',
        `"${c}" es una categoría protegida: sus datos solo están en la vista completa (analistas)`,
      );
}

/**
 * The incident filter of an aggregate in the caller's view (the disclosure rules, docs/api.md):
 * restricted rows only in the full view (core/access.ts) and never in a small area (bbox); below the
 * full view a protected category cannot be asked for; the suppressed view selects only whole cells
 * of the published table (districts, categories or a group, whole months), never part of one.
 * @throws ValidationError naming the parameter that breaks a rule
 */
export async function aggregateFilter(
  db: Db,
  p: FilterParams,
  view: AggregateView,
): Promise<{ area: StudyArea; filter: IncidentFilter }> {
  const area = await getStudyArea(db, p.area);
  const filter = buildFilter(p, area, '');
  if (!countsRestricted(view)) refuseProtectedCategories(p.categories);
  if (view === 'suppressed') {
    for (const field of ['bbox', 'type', 'source'] as const)
      if (p[field])
        throw new ValidationError(
          field,
          'la vista comunitaria solo ofrece conteos por distrito, mes y categoría (o grupo)',
        );
    if (p.from && !p.from.trim().endsWith('-01'))
      throw new ValidationError('from', 'en la vista comunitaria use el primer día de un mes (AAAA-MM-01)');
    if (p.to && !lastOfMonth(p.to))
      throw new ValidationError('to', 'en la vista comunitaria use el último día de un mes (ej. 2025-01-31)');
  }
  return {
    area,
    filter: { ...filter, ...(p.bbox || !countsRestricted(view) ? { excludeRestricted: true } : {}) },
  };
}

/** The district × month × category table, each cell shown per view. */
export async function statsTable(
  db: Db,
  p: FilterParams,
  view: AggregateView,
): Promise<{ area: string; view: AggregateView; rows: (Omit<StatsRow, 'count'> & ShownCount)[] }> {
  const { area, filter } = await aggregateFilter(db, p, view);
  const rows = await cachedStats(db, filter, area.def.timeZone);
  return { area: area.def.id, view, rows: rows.map((r) => ({ ...r, ...shownSum([r.count], view) })) };
}

/** One month of a district's (or the whole area's) series. */
export interface TrendPoint {
  month: string;
  count: number | null;
  suppressed: boolean;
  /** Same month a year earlier, and the relative change (null when unknown or suppressed). */
  previousYear: number | null;
  change: number | null;
  /** False for the month the data is still arriving in (its count is partial). */
  complete: boolean;
}

/** Monthly series per district and for the whole area, with year-on-year change. */
export async function trends(
  db: Db,
  p: FilterParams,
  view: AggregateView,
): Promise<{
  area: string;
  view: AggregateView;
  series: { district: string | null; name: string; points: TrendPoint[] }[];
}> {
  const { area, filter } = await aggregateFilter(db, p, view);
  const rows = await cachedStats(db, filter, area.def.timeZone);
  const months = [...new Set(rows.map((r) => r.month))].sort();
  // The month of the newest incident the view counts is still being filled.
  const [latest] = await db.query<{ m: string | null }>(
    `select to_char(max(occurred_at) at time zone $2, 'YYYY-MM') as m from incidents
     where study_area = $1 and ($3 or not restricted)`,
    [area.def.id, area.def.timeZone, countsRestricted(view)],
  );
  // The cells of each series and month (null: the whole area).
  const cells = new Map<string | null, Map<string, number[]>>();
  const names = new Map<string | null, string>([[null, area.def.name]]);
  const add = (key: string | null, month: string, n: number): void => {
    const m = cells.get(key) ?? new Map<string, number[]>();
    cells.set(key, m);
    m.set(month, [...(m.get(month) ?? []), n]);
  };
  for (const r of rows) {
    const key = r.districtCode ?? '(sin distrito)';
    names.set(key, r.districtName ?? 'sin distrito');
    add(key, r.month, r.count);
    add(null, r.month, r.count);
  }
  const series = [...cells.entries()].map(([district, byMonth]) => ({
    district,
    name: names.get(district) ?? String(district),
    points: months.map((month): TrendPoint => {
      const s = shownSum(byMonth.get(month) ?? [], view);
      const prev = byMonth.get(`${Number(month.slice(0, 4)) - 1}${month.slice(4)}`);
      const prevShown = prev === undefined ? null : shownSum(prev, view).count;
      return {
        month,
        ...s,
        previousYear: prevShown,
        change: s.count !== null && prevShown ? (s.count - prevShown) / prevShown : null,
        complete: latest?.m ? month < latest.m : true,
      };
    }),
  }));
  return { area: area.def.id, view, series };
}

/**
 * Incidents per turno (shift), in shift order; records without a time are counted apart. Not for
 * the suppressed view: a turno splits published cells, and the parts would difference out.
 * @throws ForbiddenError for the suppressed view
 */
export async function turnoProfile(
  db: Db,
  p: FilterParams,
  view: AggregateView,
): Promise<{ area: string; view: AggregateView; turnos: ({ turno: string | null } & ShownCount)[] }> {
  if (view === 'suppressed')
    throw new ForbiddenError('El perfil por turno no está disponible en la vista comunitaria');
  const { area, filter } = await aggregateFilter(db, p, view);
  const rows = await cachedTurnoCounts(db, filter);
  const order = ['madrugada', 'mañana', 'tarde', 'noche'];
  const by = new Map(rows.map((r) => [r.turno, r.count]));
  const turnos = [...order, null].map((turno) => ({ turno, ...shownSum([by.get(turno) ?? 0], view) }));
  return { area: area.def.id, view, turnos };
}
