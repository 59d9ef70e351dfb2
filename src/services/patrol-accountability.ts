/**
 * Accountability and officials' tools for patrol plans (issue 12, items 5 and 6):
 *
 * - {@link patrolDisparity}: per district × turno of a period, the share of patrol time (completed
 *   visits of the patrol log; the planned minutes alongside) against the share of forecast risk and
 *   the share of crime reported by the public, with flags where they diverge (DISPARITY_RULE);
 * - {@link patrolScenario}: from a turno's stored forecast, the share of expected crime inside the
 *   planned areas for 0 … N units, per district and in total, with the gain of each extra unit;
 * - {@link patrolEffect}: reported crime in patrolled areas against comparable unplanned areas of
 *   the same district and turno, as a rate ratio with a Poisson interval: observational, not causal.
 *
 * Aggregates only (no cell leaves the service but in the counts). Every call is audited. See
 * docs/prevention.md, "Accountability" and "Scenarios and measured effect".
 */
import { type AggregateView, countsRestricted } from '../core/access.ts';
import { ForbiddenError, ValidationError } from '../core/errors.ts';
import { cellOf } from '../core/grid.ts';
import { CRIME_GROUPS } from '../core/taxonomy.ts';
import { parseDay, parseTurno, TURNOS, type Turno } from '../core/time.ts';
import type { StudyArea } from '../geo/study-area.ts';
import { AREA_CELLS, patrolCandidates, patrolPlanner } from '../prevention/patrol-plan.ts';
import { spreadUnits } from '../prevention/units.ts';
import type { Db } from '../storage/db.ts';
import { getForecast } from '../storage/forecasts.ts';
import {
  reportedByDistrictTurno,
  reportedLocated,
  turnoForecastIds,
} from '../storage/patrol-accountability.ts';
import { visitMinutes } from '../storage/patrol-logs.ts';
import { getStudyArea } from './areas.ts';
import { type AuditContext, audit } from './audit.ts';
import { listPatrolPlans, type StoredPatrolPlan, sectorsOf, turnoForecast } from './patrol-plans.ts';

/** Longest period of a report, in days. */
export const MAX_PERIOD_DAYS = 366;

/** Most units per district (and in total) a scenario plans. */
export const SCENARIO_MAX_UNITS = 200;

/**
 * When a district's share of patrol time is flagged against its share of forecast risk or of
 * reported crime: the ratio of the two shares lies outside [low, high] AND they differ by at least
 * `minPoints` (a share of 0.01 against 0.02 is a ratio of 2 but no real imbalance), in a turno with
 * at least `minMinutes` of logged patrol (and, against reported crime, at least `minReported`
 * reported crimes in the turno). A district with patrol but no risk (or no reported crime) has an
 * infinite ratio.
 */
export const DISPARITY_RULE = {
  low: 0.67,
  high: 1.5,
  minPoints: 0.05,
  minMinutes: 60,
  minReported: 10,
} as const;

const RULE_TEXT = `Se marca un distrito en un turno cuando la razón entre su parte del tiempo de patrullaje y su parte del riesgo pronosticado (o de los delitos denunciados) queda fuera de [${DISPARITY_RULE.low}; ${DISPARITY_RULE.high}] y las dos partes difieren en al menos ${DISPARITY_RULE.minPoints * 100} puntos porcentuales, en turnos con al menos ${DISPARITY_RULE.minMinutes} minutos de patrullaje registrados (contra los denunciados, además, al menos ${DISPARITY_RULE.minReported} delitos denunciados en el turno).`;

const DISCOVERED_NOTE =
  'Solo cuentan los delitos denunciados por la ciudadanía: los descubiertos por el patrullaje son un efecto de dónde se patrulla, no una medida de la necesidad.';

const OBSERVATIONAL_NOTE =
  'Estudio observacional, no causal: los patrullajes se ubicaron donde el riesgo pronosticado era alto, las áreas comparables se eligieron por un riesgo pronosticado parecido pero pueden diferir en lo que el pronóstico no ve, los valores altos tienden a bajar por sí solos (regresión a la media) y no se mide el desplazamiento del delito a áreas vecinas.';

/** A district of the area (the whole area when it has none). */
interface District {
  code: string;
  name: string;
}

function districtsOf(area: StudyArea): District[] {
  return area.def.districts.length > 0
    ? area.def.districts.map((d) => ({ code: d.code, name: d.name }))
    : [{ code: area.def.id, name: area.def.name }];
}

function checkGroup(group: string): readonly string[] {
  if (!Object.hasOwn(CRIME_GROUPS, group))
    throw new ValidationError(
      'group',
      `grupo desconocido "${group}" (use ${Object.keys(CRIME_GROUPS).join(', ')})`,
    );
  return CRIME_GROUPS[group as keyof typeof CRIME_GROUPS];
}

function checkTurno(value: string): Turno {
  const turno = parseTurno(value);
  if (!turno) throw new ValidationError('turno', `turno desconocido "${value}" (use ${TURNOS.join(', ')})`);
  return turno;
}

/** The period's instants [start of `from`, end of `to`) in the area's zone, checked. */
function period(area: StudyArea, from: string, to: string): { start: Date; end: Date } {
  const tz = area.def.timeZone;
  const start = parseDay(from, tz, 'from');
  const end = parseDay(to, tz, 'to', true);
  if (start.getTime() >= end.getTime())
    throw new ValidationError('from', `el día inicial ${from} es posterior al final ${to}`);
  const days = Math.round((end.getTime() - start.getTime()) / 86_400_000);
  if (days > MAX_PERIOD_DAYS)
    throw new ValidationError('to', `el periodo abarca ${days} días; el máximo es ${MAX_PERIOD_DAYS}`);
  return { start, end };
}

/** The plans of a period and group: all versions, and the newest per day × turno. */
async function periodPlans(
  db: Db,
  area: string,
  group: string,
  from: string,
  to: string,
): Promise<{ all: Map<number, StoredPatrolPlan>; newest: Map<string, StoredPatrolPlan> }> {
  const plans = (await listPatrolPlans(db, { area, group })).filter((p) => p.day >= from && p.day <= to);
  const newest = new Map<string, StoredPatrolPlan>();
  for (const p of plans) {
    const key = `${p.day}|${p.turno}`;
    const seen = newest.get(key);
    if (!seen || p.version > seen.version) newest.set(key, p);
  }
  return { all: new Map(plans.map((p) => [p.id, p])), newest };
}

// ───────────────────────────── disparity ─────────────────────────────

/** One district in one turno of the disparity report. */
export interface DisparityDistrict {
  code: string;
  name: string;
  /** Minutes of completed visits (patrol log) and their share of the turno's. */
  patrolMinutes: number;
  patrolShare: number | null;
  /** Minutes the newest plans asked for (visits × minutes per visit of every area). */
  plannedMinutes: number;
  plannedShare: number | null;
  /** Forecast expected crimes (stored turno forecasts of the period) and their share. */
  expected: number;
  riskShare: number | null;
  /** Crimes reported by the public in the turno and their share. */
  reported: number;
  reportedShare: number | null;
  /** patrolShare / riskShare and patrolShare / reportedShare (null when undefined). */
  patrolToRisk: number | null;
  patrolToReported: number | null;
  flags: { against: 'riesgo' | 'denuncias'; text: string }[];
}

/** The disparity report. */
export interface DisparityReport {
  area: string;
  from: string;
  to: string;
  group: string;
  view: AggregateView;
  rule: typeof DISPARITY_RULE & { text: string };
  note: string;
  turnos: {
    turno: Turno;
    patrolMinutes: number;
    plannedMinutes: number;
    expected: number;
    reported: number;
    /** Days of the period with a stored forecast of the turno; plans of the turno. */
    forecastDays: number;
    plans: number;
    districts: DisparityDistrict[];
  }[];
  flagged: number;
}

const share = (x: number, total: number): number | null => (total > 0 ? x / total : null);
const ratio = (a: number | null, b: number | null): number | null =>
  a === null || b === null ? null : b > 0 ? a / b : a > 0 ? Number.POSITIVE_INFINITY : null;

function diverges(a: number | null, b: number | null): boolean {
  const r = ratio(a, b);
  if (r === null || a === null || b === null) return false;
  return (r < DISPARITY_RULE.low || r > DISPARITY_RULE.high) && Math.abs(a - b) >= DISPARITY_RULE.minPoints;
}

const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

/**
 * The disparity report of an area for a period (local days `from` … `to`), per district × turno.
 * Not for the suppressed (community) view: a turno splits the published cells (services/queries.ts).
 * Audited (`patrol-disparity.read`).
 * @throws ValidationError naming `from`, `to` or `group`; NotFoundError for an unknown area;
 *   ForbiddenError for the suppressed view
 */
export async function patrolDisparity(
  db: Db,
  q: { area: string; from: string; to: string; group?: string },
  view: AggregateView,
  ctx: AuditContext,
): Promise<DisparityReport> {
  if (view === 'suppressed')
    throw new ForbiddenError('El informe de disparidad por turno no está disponible en la vista comunitaria');
  const group = q.group ?? 'all';
  const categories = checkGroup(group);
  const area = await getStudyArea(db, q.area);
  const { start, end } = period(area, q.from, q.to);
  const districts = districtsOf(area);
  const index = new Map(districts.map((d, i) => [d.code, i]));
  const zero = () => ({
    patrol: new Float64Array(districts.length),
    planned: new Float64Array(districts.length),
    expected: new Float64Array(districts.length),
    reported: new Float64Array(districts.length),
    forecastDays: 0,
    plans: 0,
  });
  const acc = new Map<Turno, ReturnType<typeof zero>>(TURNOS.map((t) => [t, zero()]));
  const at = (turno: string) => acc.get(turno as Turno);

  // Patrol time: completed visits of the group's plans; planned minutes of the newest versions.
  const plans = await periodPlans(db, area.def.id, group, q.from, q.to);
  for (const p of plans.newest.values()) {
    const a = at(p.turno);
    if (!a) continue;
    a.plans++;
    const perVisit = p.settings.dosage.minutesPerVisit * p.settings.dosage.visits;
    for (const x of p.areas) {
      const d = index.get(x.code);
      if (d !== undefined) a.planned[d] = (a.planned[d] as number) + perVisit;
    }
  }
  for (const v of await visitMinutes(db, { area: area.def.id, from: q.from, to: q.to })) {
    const p = plans.all.get(v.planId);
    const code = p?.areas.find((x) => x.order === v.areaOrder)?.code;
    const d = code === undefined ? undefined : index.get(code);
    const a = p ? at(p.turno) : undefined;
    if (a && d !== undefined) a.patrol[d] = (a.patrol[d] as number) + v.minutes;
  }

  // Forecast risk: each day × turno's stored forecast, summed per district.
  const sectorCache = new Map<string, Int16Array>();
  for (const pick of await turnoForecastIds(db, { area: area.def.id, group, from: q.from, to: q.to })) {
    const a = at(pick.turno);
    const f = a ? await getForecast(db, pick.id) : null;
    if (!a || !f) continue;
    const { grid, mask, values } = f.surface;
    const key = `${JSON.stringify(grid)}|${mask.length}`;
    let sectorOfCell = sectorCache.get(key);
    if (!sectorOfCell) {
      sectorOfCell = sectorsOf(area, grid, new Uint8Array(mask.length).fill(1)).sectorOfCell;
      sectorCache.set(key, sectorOfCell);
    }
    a.forecastDays++;
    for (let c = 0; c < mask.length; c++) {
      const s = sectorOfCell[c] as number;
      if (mask[c] === 1 && s >= 0) a.expected[s] = (a.expected[s] as number) + (values[c] as number);
    }
  }

  // Reported crime (never the discovered: an effect of patrols).
  for (const r of await reportedByDistrictTurno(db, {
    area: area.def.id,
    from: start,
    to: end,
    categories,
    excludeRestricted: !countsRestricted(view),
  })) {
    const d = area.def.districts.length === 0 ? 0 : r.district === null ? undefined : index.get(r.district);
    const a = at(r.turno);
    if (a && d !== undefined) a.reported[d] = (a.reported[d] as number) + r.count;
  }

  let flagged = 0;
  const sum = (x: Float64Array) => x.reduce((s, v) => s + v, 0);
  const turnos = TURNOS.map((turno) => {
    const a = acc.get(turno) as ReturnType<typeof zero>;
    const total = {
      patrol: sum(a.patrol),
      planned: sum(a.planned),
      expected: sum(a.expected),
      reported: sum(a.reported),
    };
    const rows = districts.map((dist, d): DisparityDistrict => {
      const patrolShare = share(a.patrol[d] as number, total.patrol);
      const riskShare = share(a.expected[d] as number, total.expected);
      const reportedShare = share(a.reported[d] as number, total.reported);
      const flags: DisparityDistrict['flags'] = [];
      if (total.patrol >= DISPARITY_RULE.minMinutes) {
        if (diverges(patrolShare, riskShare))
          flags.push({
            against: 'riesgo',
            text: `${dist.name}, turno ${turno}: recibe ${pct(patrolShare)} del tiempo de patrullaje y tiene ${pct(riskShare)} del riesgo pronosticado`,
          });
        if (total.reported >= DISPARITY_RULE.minReported && diverges(patrolShare, reportedShare))
          flags.push({
            against: 'denuncias',
            text: `${dist.name}, turno ${turno}: recibe ${pct(patrolShare)} del tiempo de patrullaje y tiene ${pct(reportedShare)} de los delitos denunciados`,
          });
      }
      flagged += flags.length;
      return {
        code: dist.code,
        name: dist.name,
        patrolMinutes: a.patrol[d] as number,
        patrolShare,
        plannedMinutes: a.planned[d] as number,
        plannedShare: share(a.planned[d] as number, total.planned),
        expected: a.expected[d] as number,
        riskShare,
        reported: a.reported[d] as number,
        reportedShare,
        patrolToRisk: ratio(patrolShare, riskShare),
        patrolToReported: ratio(patrolShare, reportedShare),
        flags,
      };
    });
    return {
      turno,
      patrolMinutes: total.patrol,
      plannedMinutes: total.planned,
      expected: total.expected,
      reported: total.reported,
      forecastDays: a.forecastDays,
      plans: a.plans,
      districts: rows,
    };
  });
  await audit(db, ctx, 'patrol-disparity.read', `area:${area.def.id}`, {
    from: q.from,
    to: q.to,
    group,
    view,
    flagged,
  });
  return {
    area: area.def.id,
    from: q.from,
    to: q.to,
    group,
    view,
    rule: { ...DISPARITY_RULE, text: RULE_TEXT },
    note: DISCOVERED_NOTE,
    turnos,
    flagged,
  };
}

// ───────────────────────────── scenarios ─────────────────────────────

/** One point of a coverage curve. */
export interface CoveragePoint {
  units: number;
  expectedCovered: number;
  /** expectedCovered / the expected crimes of the district (or of the whole grid). */
  share: number;
  /** Gain over one unit fewer (null at 0 units). */
  marginal: number | null;
}

/** The scenario of a turno. */
export interface PatrolScenario {
  area: string;
  day: string;
  turno: string;
  group: string;
  forecast: { id: number; model: string; createdAt: string };
  maxUnits: number;
  maxCells: number;
  /** The newest stored plan of the forecast's day, turno and group, or null. */
  current: { planId: number; version: number; units: number; unitsBySector: Record<string, number> } | null;
  districts: {
    code: string;
    name: string;
    expectedTotal: number;
    currentUnits: number | null;
    curve: CoveragePoint[];
  }[];
  /** Units in total spread over districts in proportion to expected crime (prevention/units.ts). */
  total: { expectedTotal: number; curve: (CoveragePoint & { unitsBySector: Record<string, number> })[] };
  /** Candidate areas enumerated (once for the whole curve). */
  candidates: number;
}

function curveOf(covered: readonly number[], total: number, units: (i: number) => number): CoveragePoint[] {
  return covered.map((c, i) => ({
    units: units(i),
    expectedCovered: c,
    share: total > 0 ? c / total : 0,
    marginal: i === 0 ? null : c - (covered[i - 1] as number),
  }));
}

/**
 * "With N units per turno, what share of expected crime is covered?": from the turno's stored
 * forecast (as the plan service picks it), plans for 0 … maxUnits units in every district (one
 * candidate enumeration, prevention/patrol-plan.ts `patrolPlanner`), and in total with the units
 * spread by expected crime. Districts share no cell, so the total at a spread is the sum of the
 * districts' curves at their units: the same as `planPatrols` with those units. Audited
 * (`patrol-scenario.read`).
 * @throws ValidationError naming `turno`, `group`, `day`, `maxUnits` or `maxCells`; NotFoundError
 *   for an unknown area or when no forecast is stored
 */
export async function patrolScenario(
  db: Db,
  q: { area: string; turno: string; day?: string; group?: string; maxUnits: number; maxCells?: number },
  ctx: AuditContext,
): Promise<PatrolScenario> {
  const turno = checkTurno(q.turno);
  const group = q.group ?? 'all';
  checkGroup(group);
  if (!Number.isInteger(q.maxUnits) || q.maxUnits < 1 || q.maxUnits > SCENARIO_MAX_UNITS)
    throw new ValidationError(
      'maxUnits',
      `se espera un entero entre 1 y ${SCENARIO_MAX_UNITS}, se recibió ${q.maxUnits}`,
    );
  const maxCells = q.maxCells ?? AREA_CELLS.default;
  if (!Number.isInteger(maxCells) || maxCells < AREA_CELLS.min || maxCells > AREA_CELLS.max)
    throw new ValidationError(
      'maxCells',
      `celdas por área: se espera un entero entre ${AREA_CELLS.min} y ${AREA_CELLS.max}, se recibió ${maxCells}`,
    );
  const area = await getStudyArea(db, q.area);
  if (q.day !== undefined) parseDay(q.day, area.def.timeZone, 'day');
  const forecast = await turnoForecast(db, area.def.id, group, turno, q.day);
  const { grid, mask, values } = forecast.surface;
  const { sectors, sectorOfCell } = sectorsOf(area, grid, mask);
  const planner = patrolPlanner({
    rows: grid.rows,
    cols: grid.cols,
    mask,
    value: values,
    sectorOfCell,
    units: sectors.map(() => 1),
    maxCells,
  });
  // covered[s][u]: expected crimes inside sector s's areas with u units.
  const covered = sectors.map(() => [0]);
  let expectedSector: number[] = sectors.map(() => 0);
  let expectedTotal = 0;
  for (let u = 0; u <= q.maxUnits; u++) {
    const plan = planner.plan(sectors.map(() => u));
    if (u === 0) {
      expectedSector = plan.sectors.map((s) => s.expectedTotal);
      expectedTotal = plan.expectedTotal;
      continue;
    }
    for (const s of plan.sectors) (covered[s.sector] as number[]).push(s.expectedCovered);
    // Each unit count is a fraction of a second of CPU: let the server answer others in between.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const [stored] = await listPatrolPlans(db, { area: area.def.id, day: forecast.targetDay, turno, group });
  const current = stored
    ? {
        planId: stored.id,
        version: stored.version,
        units: Object.values(stored.settings.unitsBySector).reduce((a, b) => a + b, 0),
        unitsBySector: stored.settings.unitsBySector,
      }
    : null;
  const spread = Array.from({ length: q.maxUnits + 1 }, (_, t) => spreadUnits(t, expectedSector));
  const totalPoints = curveOf(
    spread.map((units) => units.reduce((c, u, s) => c + ((covered[s] as number[])[u] as number), 0)),
    expectedTotal,
    (t) => t,
  ).map((p, t) => ({
    ...p,
    unitsBySector: Object.fromEntries(sectors.map((x, s) => [x.code, (spread[t] as number[])[s] as number])),
  }));
  await audit(db, ctx, 'patrol-scenario.read', `area:${area.def.id}`, {
    day: forecast.targetDay,
    turno,
    group,
    forecast: forecast.id,
    maxUnits: q.maxUnits,
    maxCells,
  });
  return {
    area: area.def.id,
    day: forecast.targetDay,
    turno,
    group,
    forecast: {
      id: forecast.id,
      model: forecast.modelKind,
      createdAt: new Date(forecast.createdAt).toISOString(),
    },
    maxUnits: q.maxUnits,
    maxCells,
    current,
    districts: sectors.map((s, i) => ({
      code: s.code,
      name: s.name,
      expectedTotal: expectedSector[i] as number,
      currentUnits: current ? (current.unitsBySector[s.code] ?? 0) : null,
      curve: curveOf(covered[i] as number[], expectedSector[i] as number, (u) => u),
    })),
    total: { expectedTotal, curve: totalPoints },
    candidates: planner.candidates,
  };
}

// ───────────────────────────── measured effect ─────────────────────────────

/**
 * Matching of the effect report: a comparable area's forecast expected crimes lie within this
 * factor of the patrolled area's (1/CALIPER … CALIPER).
 */
export const EFFECT_CALIPER = 1.25;

/** One arm of the comparison. */
export interface EffectArm {
  /** Area-turnos (a patrolled area of one plan, or its matched comparable area). */
  areas: number;
  /** Reported crimes inside them in their turno. */
  crimes: number;
  /** Forecast expected crimes inside them (the balance of the matching). */
  expected: number;
}

/** The measured effect of plans. */
export interface PatrolEffect {
  area: string;
  from: string;
  to: string;
  group: string;
  patrolled: EffectArm;
  comparable: EffectArm;
  /** Patrolled areas left without a comparable area (none within the caliper, or none free). */
  unmatched: number;
  /** Turnos (day × turno) with patrolled areas whose forecast is no longer stored. */
  skipped: number;
  /** (crimes per patrolled area) / (crimes per comparable area), and its 95 % Poisson interval. */
  rateRatio: number | null;
  interval: [number, number] | null;
  matching: string;
  note: string;
}

/**
 * Reported crime in patrolled areas against comparable unplanned areas, over the plans of a period.
 * For every day × turno with completed visits: each patrolled area (an area of the plan with at
 * least one completed visit) is matched 1:1, without replacement, to the candidate area
 * (prevention/patrol-plan.ts `patrolCandidates`, same cap) of the same district that shares no cell
 * with any plan of that day × turno nor with another comparable area, whose forecast expected crimes
 * are nearest in ratio, within EFFECT_CALIPER; patrolled areas are matched in order of expected
 * crimes, highest first. The outcome is the crimes reported by the public (never restricted rows,
 * never discovered ones) located in the area during its turno. Audited (`patrol-effect.read`).
 * @throws ValidationError naming `from`, `to` or `group`; NotFoundError for an unknown area
 */
export async function patrolEffect(
  db: Db,
  q: { area: string; from: string; to: string; group?: string },
  ctx: AuditContext,
): Promise<PatrolEffect> {
  const group = q.group ?? 'all';
  const categories = checkGroup(group);
  const area = await getStudyArea(db, q.area);
  const { start, end } = period(area, q.from, q.to);
  const plans = await periodPlans(db, area.def.id, group, q.from, q.to);

  // Patrolled areas per day × turno, and every planned cell of that day × turno.
  const patrolled = new Map<string, { plan: StoredPatrolPlan; orders: Set<number> }>();
  for (const v of await visitMinutes(db, { area: area.def.id, from: q.from, to: q.to })) {
    const p = plans.all.get(v.planId);
    if (!p || v.minutes <= 0) continue;
    const key = `${p.day}|${p.turno}`;
    const at = patrolled.get(key) ?? { plan: p, orders: new Set<number>() };
    if (at.plan.id !== p.id) continue; // one plan version per turno: the first one logged against
    at.orders.add(v.areaOrder);
    patrolled.set(key, at);
  }
  const planned = new Map<string, Set<number>>();
  for (const p of plans.all.values()) {
    const key = `${p.day}|${p.turno}`;
    const set = planned.get(key) ?? new Set<number>();
    for (const a of p.areas) for (const c of a.cells) set.add(c);
    planned.set(key, set);
  }

  // Reported crimes by day × turno (located).
  const crimes = new Map<string, { x: number; y: number }[]>();
  for (const r of await reportedLocated(db, {
    area: area.def.id,
    from: start,
    to: end,
    categories,
    excludeRestricted: true,
    timeZone: area.def.timeZone,
  })) {
    const key = `${r.day}|${r.turno}`;
    const list = crimes.get(key) ?? [];
    list.push({ x: r.x, y: r.y });
    crimes.set(key, list);
  }

  const arm = (): EffectArm => ({ areas: 0, crimes: 0, expected: 0 });
  const treated = arm();
  const control = arm();
  let unmatched = 0;
  let skipped = 0;
  const logCaliper = Math.log(EFFECT_CALIPER);
  for (const [key, { plan, orders }] of [...patrolled].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const forecast = await getForecast(db, plan.forecastId);
    if (!forecast) {
      skipped++;
      continue;
    }
    const { grid, mask, values } = forecast.surface;
    const { sectors, sectorOfCell } = sectorsOf(area, grid, mask);
    const cand = patrolCandidates({
      rows: grid.rows,
      cols: grid.cols,
      mask,
      value: values,
      sectorOfCell,
      units: sectors.map(() => 1),
      maxCells: plan.settings.maxCells,
    });
    const taken = new Uint8Array(mask.length);
    for (const c of planned.get(key) ?? []) taken[c] = 1;
    const count = new Int32Array(mask.length);
    for (const e of crimes.get(key) ?? []) {
      const c = cellOf(grid, e.x, e.y);
      if (c >= 0) count[c] = (count[c] as number) + 1;
    }
    const code = new Map(sectors.map((s, i) => [s.code, i]));
    const areas = plan.areas.filter((a) => orders.has(a.order)).sort((a, b) => b.expected - a.expected);
    for (const a of areas) {
      const s = code.get(a.code);
      let best = -1;
      let bestDistance = Number.POSITIVE_INFINITY;
      if (s !== undefined && a.expected > 0)
        for (let k = 0; k < cand.count; k++) {
          if (cand.sector[k] !== s) continue;
          const d = Math.abs(Math.log((cand.expected[k] as number) / a.expected));
          if (!(d <= logCaliper) || d >= bestDistance) continue;
          let free = true;
          for (let i = cand.offsets[k] as number; i < (cand.offsets[k + 1] as number); i++)
            if (taken[cand.cells[i] as number] === 1) free = false;
          if (free) {
            best = k;
            bestDistance = d;
          }
        }
      if (best < 0) {
        unmatched++;
        continue;
      }
      treated.areas++;
      treated.expected += a.expected;
      for (const c of a.cells) treated.crimes += count[c] as number;
      control.areas++;
      control.expected += cand.expected[best] as number;
      for (let i = cand.offsets[best] as number; i < (cand.offsets[best + 1] as number); i++) {
        const c = cand.cells[i] as number;
        control.crimes += count[c] as number;
        taken[c] = 1;
      }
    }
  }
  // Equal numbers of area-turnos in both arms (1:1 matching): the rate ratio is the count ratio.
  const rateRatio = treated.areas > 0 && control.crimes > 0 ? treated.crimes / control.crimes : null;
  const se =
    treated.crimes > 0 && control.crimes > 0 ? Math.sqrt(1 / treated.crimes + 1 / control.crimes) : null;
  const interval: [number, number] | null =
    rateRatio !== null && se !== null && rateRatio > 0
      ? [rateRatio * Math.exp(-1.96 * se), rateRatio * Math.exp(1.96 * se)]
      : null;
  await audit(db, ctx, 'patrol-effect.read', `area:${area.def.id}`, {
    from: q.from,
    to: q.to,
    group,
    areas: treated.areas,
  });
  return {
    area: area.def.id,
    from: q.from,
    to: q.to,
    group,
    patrolled: treated,
    comparable: control,
    unmatched,
    skipped,
    rateRatio,
    interval,
    matching: `Cada área patrullada (con al menos una visita completada) se empareja 1:1, sin reemplazo, con el área candidata del mismo distrito y turno que no estuvo en ningún plan de ese día y turno y cuyo riesgo pronosticado es el más cercano, dentro de un factor ${EFFECT_CALIPER}.`,
    note: OBSERVATIONAL_NOTE,
  };
}
