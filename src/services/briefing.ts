/**
 * The numbers of a district security committee (CODISEC) briefing (issue 14, item 6): for one
 * district and a period, the trends per crime group (this period against the previous one, with
 * the small-number rule), what changed most per crime type, the current forecast's hotspots named
 * as people know them, the persistent zones, the emerging hot-spot classes, the patrol coverage when
 * plans or patrol logs exist, and the caveats. Every number a writer may cite is also a
 * `Statistic` with an id (`E1`, `E2`, …) in the briefing's `Grounding` (src/text/grounding.ts).
 *
 * Counts follow the caller's aggregate view (services/queries.ts): protected categories only in
 * the full view. The PDF is services/briefing-pdf.ts; docs/text.md, "Informes y boletines".
 */
import type { AggregateView } from '../core/access.ts';
import { countsRestricted } from '../core/access.ts';
import { ForbiddenError, ValidationError } from '../core/errors.ts';
import { cellCenter, type GridSpec } from '../core/grid.ts';
import { monthName } from '../core/spanish.ts';
import {
  CATEGORY_CODES,
  CRIME_CATEGORIES,
  CRIME_GROUP_LABELS,
  CRIME_GROUPS,
  type CrimeCategory,
} from '../core/taxonomy.ts';
import { parseDay } from '../core/time.ts';
import type { StudyArea } from '../geo/study-area.ts';
import type { Db } from '../storage/db.ts';
import { getForecast, latestForecastMeta } from '../storage/forecasts.ts';
import type { Grounding, Statistic } from '../text/grounding.ts';
import { cachedStats } from './aggregate-cache.ts';
import { getStudyArea } from './areas.ts';
import type { AuditContext } from './audit.ts';
import { addDays } from './data-age.ts';
import { emergingAnalysis, emergingSummary } from './emerging.ts';
import { namedHotspots } from './hotspots.ts';
import { FEW_CASES, poissonChange } from './indicators.ts';
import { patrolDisparity } from './patrol-accountability.ts';
import { persistence } from './persistence.ts';
import { type NamedPlace, namePlace } from './places.ts';
import { aggregateFilter, shownSum } from './queries.ts';

/** Hotspots and persistent zones a briefing names. */
export const BRIEFING_PLACES = 5;
/** Months of the persistence and emerging analyses (ending with the period's month). */
export const BRIEFING_MONTHS = 12;
/** A persistent zone: among the area's top 5 % in at least this share of the months. */
export const PERSISTENT_SHARE = 0.5;
/** Longest period of a briefing, in days. */
export const BRIEFING_MAX_DAYS = 366;

/** How a change reads: a rise or a fall the counts support, or not enough to say. */
export type Verdict = 'aumento' | 'disminución' | 'variación no concluyente';

/**
 * The verdict of a count `a` against an earlier `b`: "variación no concluyente" when either is
 * below FEW_CASES (or withheld), or when the exact 95 % interval of the change includes no change.
 */
export function verdict(a: number | null, b: number | null): Verdict {
  if (a === null || b === null || a < FEW_CASES || b < FEW_CASES) return 'variación no concluyente';
  const c = poissonChange(a, b);
  if (c.lower !== null && c.lower > 0) return 'aumento';
  if (c.upper !== null && c.upper < 0) return 'disminución';
  return 'variación no concluyente';
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function ymd(day: string, field: string): [number, number, number] {
  const m = DAY.exec(day.trim());
  if (!m) throw new ValidationError(field, `fecha inválida "${day}" (use AAAA-MM-DD)`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

const iso = (d: Date): string => d.toISOString().slice(0, 10);

/**
 * The period a briefing compares with: when `from`…`to` are whole months, the same number of whole
 * months just before; otherwise the same number of days just before.
 */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const [y1, m1, d1] = ymd(from, 'from');
  const [y2, m2, d2] = ymd(to, 'to');
  const lastDay = new Date(Date.UTC(y2, m2, 0)).getUTCDate();
  if (d1 === 1 && d2 === lastDay) {
    const months = (y2 - y1) * 12 + (m2 - m1) + 1;
    return {
      from: iso(new Date(Date.UTC(y1, m1 - 1 - months, 1))),
      to: iso(new Date(Date.UTC(y1, m1 - 1, 0))),
    };
  }
  const days = Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / 86_400_000) + 1;
  return { from: addDays(from, -days), to: addDays(from, -1) };
}

/** One row of the trends or of "qué cambió". */
export interface TrendRow {
  /** Crime group code, "total", or a category code. */
  key: string;
  label: string;
  count: number | null;
  previous: number | null;
  /** Relative change and its exact 95 % interval (services/indicators.ts). */
  change: number | null;
  lower: number | null;
  upper: number | null;
  verdict: Verdict;
  /** Statistic ids of the two counts. */
  stat: string;
  previousStat: string;
}

/** A named place of the briefing (hotspot or persistent zone). */
export interface BriefingPlace {
  rank: number;
  cell: number;
  label: string;
  lat: number;
  lon: number;
  /** Expected crimes (hotspot) or share of months hot (persistent zone). */
  value: number;
  stat: string;
  osm: boolean;
}

/** Patrol coverage of the district in the period (plans and the patrol log, group "all"). */
export interface BriefingPatrol {
  plans: number;
  plannedMinutes: number;
  patrolMinutes: number;
  /** District's share of the area's logged patrol time and of its forecast risk. */
  patrolShare: number | null;
  riskShare: number | null;
  flags: string[];
  stats: { planned: string; patrol: string };
}

/** The data of one briefing. */
export interface Briefing {
  area: { id: string; name: string };
  district: { code: string; name: string };
  /** Local days, inclusive. */
  period: { from: string; to: string };
  previous: { from: string; to: string };
  view: AggregateView;
  trends: TrendRow[];
  /** Crime types with the largest absolute changes (at most 3). */
  changes: TrendRow[];
  hotspots: {
    forecastId: number;
    targetDay: string;
    horizon: string;
    modelKind: string;
    grid: GridSpec;
    places: BriefingPlace[];
  } | null;
  persistent: { from: string; to: string; months: number; grid: GridSpec; places: BriefingPlace[] };
  /** Hot-spot classes with cells in the district (emerging hot spots, last BRIEFING_MONTHS months). */
  emerging: { label: string; cells: number }[];
  patrol: BriefingPatrol | null;
  caveats: string[];
  /** What a writer is given: every statistic above with its id; no incident. */
  grounding: Grounding;
}

/** What to brief. */
export interface BriefingRequest {
  area: string;
  district: string;
  /** Local days YYYY-MM-DD, inclusive. */
  from: string;
  to: string;
}

/** Numbers a writer may cite, with ids E1, E2, … in order of creation. */
class Statistics {
  readonly list: Statistic[] = [];
  add(label: string, value: number, unit?: string): string {
    const id = `E${this.list.length + 1}`;
    this.list.push({ id, label, value, ...(unit ? { unit } : {}) });
    return id;
  }
}

/** "1 al 31 de marzo de 2025", "enero a marzo de 2025", "15/02/2025 al 14/03/2025". */
export function periodText(from: string, to: string): string {
  const [y1, m1, d1] = ymd(from, 'from');
  const [y2, m2, d2] = ymd(to, 'to');
  const whole = d1 === 1 && d2 === new Date(Date.UTC(y2, m2, 0)).getUTCDate();
  if (whole && y1 === y2 && m1 === m2) return `${monthName(m1)} de ${y1}`;
  if (whole && y1 === y2) return `${monthName(m1)} a ${monthName(m2)} de ${y1}`;
  if (whole) return `${monthName(m1)} de ${y1} a ${monthName(m2)} de ${y2}`;
  const dmy = (y: number, m: number, d: number): string =>
    `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}`;
  return `${dmy(y1, m1, d1)} al ${dmy(y2, m2, d2)}`;
}

/** The district of `code` in `area`. @throws ValidationError naming `district` */
export function districtOf(
  area: StudyArea,
  code: string,
  field = 'district',
): { code: string; name: string } {
  const padded = /^\d{5}$/.test(code) ? `0${code}` : code;
  const d = area.def.districts.find((x) => x.code === padded);
  if (!d)
    throw new ValidationError(
      field,
      area.def.districts.length
        ? `distrito "${code}" no existe en el área ${area.def.id} (use: ${area.def.districts.map((x) => x.code).join(', ')})`
        : `el área ${area.def.id} no tiene distritos`,
    );
  return { code: d.code, name: d.name };
}

/** Checks a period (inclusive local days). @throws ValidationError naming `from` or `to` */
export function checkPeriod(area: StudyArea, from: string, to: string): void {
  const start = parseDay(from, area.def.timeZone, 'from');
  const end = parseDay(to, area.def.timeZone, 'to', true);
  if (start.getTime() >= end.getTime())
    throw new ValidationError('from', `el día inicial ${from} es posterior al final ${to}`);
  const days = Math.round((end.getTime() - start.getTime()) / 86_400_000);
  if (days > BRIEFING_MAX_DAYS)
    throw new ValidationError('to', `el período abarca ${days} días; el máximo es ${BRIEFING_MAX_DAYS}`);
}

/** Per category, the cells of the published table a view counts in a period. */
async function cellsByCategory(
  db: Db,
  q: { area: string; district: string; from: string; to: string },
  view: AggregateView,
): Promise<{ area: StudyArea; cells: Map<string, number[]> }> {
  const { area, filter } = await aggregateFilter(
    db,
    { area: q.area, districts: [q.district], from: q.from, to: q.to },
    view,
  );
  const cells = new Map<string, number[]>();
  for (const r of await cachedStats(db, filter, area.def.timeZone))
    cells.set(r.category, [...(cells.get(r.category) ?? []), r.count]);
  return { area, cells };
}

/** Categories a view counts. */
export function viewCategories(view: AggregateView): CrimeCategory[] {
  return CATEGORY_CODES.filter((c) => countsRestricted(view) || !CRIME_CATEGORIES[c].restricted);
}

/**
 * Trend rows of the period against the previous one: one per crime group and the total, and per
 * crime type (for "qué cambió"), each count a statistic.
 */
async function trendRows(
  db: Db,
  q: { area: string; district: { code: string; name: string }; from: string; to: string },
  previous: { from: string; to: string },
  view: AggregateView,
  stats: Statistics,
  period: string,
): Promise<{ groups: TrendRow[]; categories: TrendRow[] }> {
  const cur = await cellsByCategory(db, { ...q, district: q.district.code }, view);
  const prev = await cellsByCategory(db, { ...previous, area: q.area, district: q.district.code }, view);
  const counted = viewCategories(view);
  const row = (key: string, label: string, members: readonly string[]): TrendRow => {
    const a = shownSum(
      members.flatMap((c) => cur.cells.get(c) ?? []),
      view,
    ).count;
    const b = shownSum(
      members.flatMap((c) => prev.cells.get(c) ?? []),
      view,
    ).count;
    const c = poissonChange(a, b);
    return {
      key,
      label,
      count: a,
      previous: b,
      ...c,
      verdict: verdict(a, b),
      stat: stats.add(`${label} en ${q.district.name}, ${period}`, a ?? 0),
      // No date outside the period in a label: the writer would repeat it, and the verifier
      // rejects dates outside the Grounding's period (the PDF names the previous period).
      previousStat: stats.add(`${label} en ${q.district.name}, período anterior`, b ?? 0),
    };
  };
  const groups = [
    ...(['property', 'extorsion', 'violent'] as const).map((g) =>
      row(g, CRIME_GROUP_LABELS[g], CRIME_GROUPS[g]),
    ),
    row(
      'total',
      countsRestricted(view) ? 'Total (todas las categorías)' : 'Total (sin categorías protegidas)',
      counted,
    ),
  ];
  const categories = counted
    .filter((c) => (cur.cells.get(c) ?? []).length + (prev.cells.get(c) ?? []).length > 0)
    .map((c) => row(c, CRIME_CATEGORIES[c].label, [c]));
  return { groups, categories };
}

/** The `n` crime types whose counts moved most (absolute difference; none that did not move). */
export function largestChanges(rows: readonly TrendRow[], n = 3): TrendRow[] {
  const diff = (r: TrendRow): number =>
    r.count === null || r.previous === null ? 0 : Math.abs(r.count - r.previous);
  return rows
    .filter((r) => diff(r) > 0)
    .sort((a, b) => diff(b) - diff(a) || a.key.localeCompare(b.key))
    .slice(0, n);
}

const HORIZON_ORDER = ['week', 'day', 'turno'];

/** The current forecast of group "all" (any group if none), week before day before turno. */
async function currentHotspots(
  db: Db,
  area: StudyArea,
  district: { code: string; name: string },
  stats: Statistics,
): Promise<Briefing['hotspots']> {
  let metas = await latestForecastMeta(db, { area: area.def.id, group: 'all' });
  if (metas.length === 0) metas = await latestForecastMeta(db, { area: area.def.id });
  const meta = [...metas].sort(
    (a, b) => HORIZON_ORDER.indexOf(a.horizon) - HORIZON_ORDER.indexOf(b.horizon),
  )[0];
  if (!meta) return null;
  const f = await getForecast(db, meta.id);
  if (!f) return null;
  const named = await namedHotspots(db, meta.id, { limit: BRIEFING_PLACES, district: district.code });
  return {
    forecastId: meta.id,
    targetDay: meta.targetDay,
    horizon: meta.horizon,
    modelKind: meta.modelKind,
    grid: f.surface.grid,
    places: named.hotspots.map((h, i) => ({
      rank: i + 1,
      cell: h.cell,
      label: h.place.label,
      lat: h.place.lat,
      lon: h.place.lon,
      value: h.expected,
      stat: stats.add(
        `Delitos esperados en ${h.place.label} según el pronóstico vigente`,
        Math.round(h.expected * 100) / 100,
      ),
      osm: h.place.attribution !== null,
    })),
  };
}

/** Cells of the district hot in at least PERSISTENT_SHARE of the last BRIEFING_MONTHS months. */
async function persistentZones(
  db: Db,
  area: StudyArea,
  district: { code: string; name: string },
  before: number,
  stats: Statistics,
): Promise<Briefing['persistent']> {
  const p = await persistence(db, { area: area.def.id, group: 'all', months: BRIEFING_MONTHS, before });
  const { grid, mask, values } = p.surface;
  const index = area.def.districts.findIndex((d) => d.code === district.code);
  const centre = new Float64Array(2);
  const cells: number[] = [];
  for (let c = 0; c < mask.length; c++) {
    if (mask[c] !== 1 || (values[c] as number) < PERSISTENT_SHARE) continue;
    cellCenter(grid, c, centre);
    const where = area.locate(centre[0] as number, centre[1] as number);
    if (where.kind === 'district' && where.index === index) cells.push(c);
  }
  cells.sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);
  const places = cells.slice(0, BRIEFING_PLACES).map((c, i) => {
    const place: NamedPlace = namePlace(area, grid, [c], district.name);
    const share = values[c] as number;
    return {
      rank: i + 1,
      cell: c,
      label: place.label,
      lat: place.lat,
      lon: place.lon,
      value: share,
      stat: stats.add(
        `Parte de los meses del último año en que ${place.label} estuvo entre las celdas con más delitos del área`,
        Math.round(share * 100),
        '%',
      ),
      osm: place.attribution !== null,
    };
  });
  return { from: p.from, to: p.to, months: p.months, grid, places };
}

/** Hot-spot classes with cells in the district. */
async function emergingClasses(
  db: Db,
  area: StudyArea,
  district: { code: string; name: string },
  before: number,
  stats: Statistics,
): Promise<Briefing['emerging']> {
  const s = emergingSummary(
    await emergingAnalysis(db, { area: area.def.id, group: 'all', months: BRIEFING_MONTHS, before }),
  );
  const cells = s.districts.find((d) => d.code === district.code)?.cells ?? {};
  return s.classes
    .filter((c) => c.code.endsWith('_hot') && (cells[c.code] ?? 0) > 0)
    .map((c) => {
      const n = cells[c.code] as number;
      stats.add(`Celdas de ${district.name} clasificadas como "${c.label}" en el último año`, n);
      return { label: c.label, cells: n };
    });
}

/** Patrol coverage of the district: plans of the period and the patrol log (group "all"). */
async function patrolCoverage(
  db: Db,
  area: StudyArea,
  district: { code: string; name: string },
  q: { from: string; to: string },
  view: AggregateView,
  ctx: AuditContext,
  stats: Statistics,
  period: string,
): Promise<BriefingPatrol | null> {
  const r = await patrolDisparity(db, { area: area.def.id, from: q.from, to: q.to }, view, ctx);
  let plans = 0;
  let planned = 0;
  let patrol = 0;
  let totalPatrol = 0;
  let expected = 0;
  let totalExpected = 0;
  const flags: string[] = [];
  for (const t of r.turnos) {
    plans += t.plans;
    totalPatrol += t.patrolMinutes;
    totalExpected += t.expected;
    const d = t.districts.find((x) => x.code === district.code);
    if (!d) continue;
    planned += d.plannedMinutes;
    patrol += d.patrolMinutes;
    expected += d.expected;
    flags.push(...d.flags.map((f) => f.text));
  }
  if (plans === 0 && totalPatrol === 0) return null;
  return {
    plans,
    plannedMinutes: planned,
    patrolMinutes: patrol,
    patrolShare: totalPatrol > 0 ? patrol / totalPatrol : null,
    riskShare: totalExpected > 0 ? expected / totalExpected : null,
    flags,
    stats: {
      planned: stats.add(`Minutos de patrullaje planificados en ${district.name}, ${period}`, planned, 'min'),
      patrol: stats.add(
        `Minutos de patrullaje registrados (visitas completadas) en ${district.name}, ${period}`,
        patrol,
        'min',
      ),
    },
  };
}

/**
 * The briefing of a district for a period, in the caller's aggregate view (not the community's:
 * a briefing holds turno and cell detail). The patrol part is audited by its service
 * (`patrol-disparity.read`).
 * @throws ValidationError naming `district`, `from` or `to`; NotFoundError for an unknown area;
 *   ForbiddenError for the suppressed view
 */
export async function briefing(
  db: Db,
  req: BriefingRequest,
  view: AggregateView,
  ctx: AuditContext,
): Promise<Briefing> {
  if (view === 'suppressed')
    throw new ForbiddenError(
      'El informe para el comité distrital no está disponible en la vista comunitaria',
    );
  const area = await getStudyArea(db, req.area);
  const district = districtOf(area, req.district);
  checkPeriod(area, req.from, req.to);
  const previous = previousPeriod(req.from, req.to);
  const stats = new Statistics();
  const period = periodText(req.from, req.to);
  const previousText = periodText(previous.from, previous.to);
  const { groups, categories } = await trendRows(
    db,
    { area: area.def.id, district, from: req.from, to: req.to },
    previous,
    view,
    stats,
    period,
  );
  // The analyses of the last months end with the period's last whole month.
  const before = parseDay(req.to, area.def.timeZone, 'to', true).getTime();
  const patrol = await patrolCoverage(db, area, district, req, view, ctx, stats, period);
  const hotspots = await currentHotspots(db, area, district, stats);
  const persistent = await persistentZones(db, area, district, before, stats);
  const emerging = await emergingClasses(db, area, district, before, stats);
  const caveats = [
    `Se compara ${period} con ${previousText}, el período del mismo largo inmediatamente anterior.`,
    `"Variación no concluyente": menos de ${FEW_CASES} incidentes en alguno de los dos períodos, o un intervalo de confianza del 95 % (exacto, cociente de dos conteos de Poisson) que incluye la ausencia de cambio; la diferencia puede deberse al azar.`,
    'Conteos de incidentes registrados por la policía: no miden todo el delito (muchos no se denuncian).',
    ...(countsRestricted(view)
      ? []
      : [
          'Sin categorías protegidas (violencia familiar, delitos sexuales): solo la vista completa las cuenta.',
        ]),
    hotspots
      ? `Zonas prioritarias: pronóstico del ${hotspots.targetDay} (horizonte ${hotspots.horizon}, modelo ${hotspots.modelKind}); un pronóstico indica riesgo relativo, no certeza.`
      : 'No hay pronóstico vigente: el informe no incluye zonas prioritarias.',
    `Zonas persistentes: celdas de 150 m entre el 5 % con más delitos del área en al menos ${Math.round(PERSISTENT_SHARE * 100)} % de los meses de ${persistent.from} a ${persistent.to}.`,
    patrol
      ? 'Cobertura de patrullaje: planes del período y visitas completadas del registro de patrullaje; es una medida de presencia, no de su efecto.'
      : 'No hay planes ni registros de patrullaje en el período: el informe no incluye cobertura.',
  ];
  return {
    area: { id: area.def.id, name: area.def.name },
    district,
    period: { from: req.from, to: req.to },
    previous,
    view,
    trends: groups,
    changes: largestChanges(categories),
    hotspots,
    persistent,
    emerging,
    patrol,
    caveats,
    grounding: {
      audience: 'internal',
      area: area.def.id,
      district: district.code,
      period: { from: req.from, to: addDays(req.to, 1) },
      statistics: stats.list,
      incidents: [],
    },
  };
}
