/**
 * Officials' indicators (issue 13): per crime type, the count of a period and of the same period a
 * year earlier, the change with a 95 % interval, and — when a population is loaded for the
 * districts and the year — rates per 1,000 inhabitants. Counts follow the caller's aggregate view
 * (services/queries.ts: restricted rows only in the full view, community views sums of published
 * cells), so the indicators disclose nothing the statistics routes would not.
 *
 * The interval: with counts a (period) and b (a year earlier) taken as independent Poisson counts,
 * a given a + b is binomial with p = λa / (λa + λb); the exact (Clopper–Pearson) interval of p gives
 * the interval of the ratio λa / λb = p / (1 − p), and the change is the ratio minus one. Counts
 * below FEW_CASES (either period) are flagged "pocos casos": the interval is then wide and a large
 * relative change can be chance.
 */
import type { AggregateView } from '../core/access.ts';
import { countsRestricted } from '../core/access.ts';
import { ValidationError } from '../core/errors.ts';
import { CATEGORY_CODES, CRIME_CATEGORIES, type CrimeCategory } from '../core/taxonomy.ts';
import { betaQuantile } from '../evaluation/metrics/intervals.ts';
import type { Db } from '../storage/db.ts';
import { listPopulations } from '../storage/populations.ts';
import { cachedStats } from './aggregate-cache.ts';
import { aggregateFilter, type FilterParams, type ShownCount, shownSum } from './queries.ts';

/** Below this many incidents in either period a change is flagged "pocos casos". */
export const FEW_CASES = 10;

/** The interval's confidence. */
const LEVEL = 0.95;

/** The change of a count on the same period a year earlier, with its exact 95 % interval. */
export interface Change {
  /** Relative change (0.25 = +25 %); null when the earlier count is 0 or unknown. */
  change: number | null;
  /** Bounds of the change's 95 % interval; `upper` null when unbounded (earlier count 0). */
  lower: number | null;
  upper: number | null;
}

/**
 * Exact conditional interval of the ratio of two Poisson counts (a now, b a year earlier), as a
 * relative change. Null bounds where the counts say nothing (both 0, or unknown).
 */
export function poissonChange(a: number | null, b: number | null): Change {
  if (a === null || b === null || a + b === 0) return { change: null, lower: null, upper: null };
  const alpha = 1 - LEVEL;
  const pLow = a === 0 ? 0 : betaQuantile(alpha / 2, a, b + 1);
  const pHigh = b === 0 ? 1 : betaQuantile(1 - alpha / 2, a + 1, b);
  const ratio = (p: number): number => p / (1 - p);
  return {
    change: b === 0 ? null : a / b - 1,
    lower: ratio(pLow) - 1,
    upper: pHigh >= 1 ? null : ratio(pHigh) - 1,
  };
}

/** One row of the indicators: a crime type (or the total). */
export interface IndicatorRow extends Change {
  /** Category code, or "total". */
  category: CrimeCategory | 'total';
  label: string;
  count: number | null;
  /** Community view: some cell it covers holds 1–4 incidents and is left out. */
  suppressed: boolean;
  previous: number | null;
  previousSuppressed: boolean;
  /** Incidents per 1,000 inhabitants over the period (not annualised); null without a population. */
  ratePer1000: number | null;
  previousRatePer1000: number | null;
  /** Fewer than FEW_CASES incidents in either period (or a count withheld): read with care. */
  fewCases: boolean;
}

/** The population behind the rates of a period. */
export interface PopulationUsed {
  year: number;
  population: number;
  sources: string[];
}

/** The indicators of an area or some of its districts over a period. */
export interface Indicators {
  area: string;
  areaName: string;
  view: AggregateView;
  from: string;
  to: string;
  previous: { from: string; to: string };
  /** The districts asked for, or null for the whole area. */
  districts: { code: string; name: string }[] | null;
  population: PopulationUsed | null;
  previousPopulation: PopulationUsed | null;
  rows: IndicatorRow[];
  total: IndicatorRow;
  /** Caveats in Spanish, for every reader (the report prints them). */
  notes: string[];
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The same day a year earlier; the last day of a month stays the last (29 Feb → 28 Feb). */
export function yearEarlier(day: string, field: string): string {
  const m = DAY.exec(day.trim());
  if (!m) throw new ValidationError(field, `fecha inválida "${day}" (use AAAA-MM-DD)`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const last = (yy: number, mm: number): number => new Date(Date.UTC(yy, mm, 0)).getUTCDate();
  const day2 = d >= last(y, mo) ? last(y - 1, mo) : Math.min(d, last(y - 1, mo));
  return `${y - 1}-${String(mo).padStart(2, '0')}-${String(day2).padStart(2, '0')}`;
}

/**
 * The indicators of a period in the caller's view.
 * @throws ValidationError for a missing or bad period, a period over a year, or filters the view refuses
 */
export async function indicators(db: Db, p: FilterParams, view: AggregateView): Promise<Indicators> {
  if (!p.from) throw new ValidationError('from', 'indique el primer día del período (AAAA-MM-DD)');
  if (!p.to) throw new ValidationError('to', 'indique el último día del período (AAAA-MM-DD)');
  const previous = { from: yearEarlier(p.from, 'from'), to: yearEarlier(p.to, 'to') };
  if (previous.to >= p.from)
    throw new ValidationError(
      'to',
      'el período no puede pasar de un año (se compara con el mismo período un año antes)',
    );
  const cur = await aggregateFilter(db, p, view);
  const prev = await aggregateFilter(db, { ...p, ...previous }, view);
  const tz = cur.area.def.timeZone;
  const [curRows, prevRows] = await Promise.all([
    cachedStats(db, cur.filter, tz),
    cachedStats(db, prev.filter, tz),
  ]);
  const cellsBy = (rows: typeof curRows) => {
    const m = new Map<string, number[]>();
    for (const r of rows) m.set(r.category, [...(m.get(r.category) ?? []), r.count]);
    return m;
  };
  const curCells = cellsBy(curRows);
  const prevCells = cellsBy(prevRows);
  const asked = p.districts?.map((d) => (/^\d{5}$/.test(d) ? `0${d}` : d));
  const districts = asked
    ? cur.area.def.districts
        .filter((d) => asked.includes(d.code))
        .map((d) => ({ code: d.code, name: d.name }))
    : null;
  const codes = (districts ?? cur.area.def.districts).map((d) => d.code);
  const year = Number(p.from.slice(0, 4));
  const pops = await listPopulations(db, cur.area.def.id, [year, year - 1]);
  const popOf = (y: number): PopulationUsed | null => {
    const rows = pops.filter((r) => r.year === y && codes.includes(r.districtCode));
    // Every district asked for must have its figure: a partial sum would understate the rate.
    if (codes.length === 0 || rows.length !== codes.length) return null;
    return {
      year: y,
      population: rows.reduce((s, r) => s + r.population, 0),
      sources: [...new Set(rows.map((r) => r.source))],
    };
  };
  const population = popOf(year);
  const previousPopulation = popOf(year - 1);
  const rate = (n: number | null, pop: PopulationUsed | null): number | null =>
    n === null || !pop ? null : (n / pop.population) * 1000;
  const row = (
    category: CrimeCategory | 'total',
    label: string,
    a: ShownCount,
    b: ShownCount,
  ): IndicatorRow => ({
    category,
    label,
    count: a.count,
    suppressed: a.suppressed,
    previous: b.count,
    previousSuppressed: b.suppressed,
    ratePer1000: rate(a.count, population),
    previousRatePer1000: rate(b.count, previousPopulation),
    ...poissonChange(a.count, b.count),
    fewCases: a.count === null || b.count === null || a.count < FEW_CASES || b.count < FEW_CASES,
  });
  const categories = CATEGORY_CODES.filter(
    (c) =>
      (countsRestricted(view) || !CRIME_CATEGORIES[c].restricted) &&
      (!cur.filter.categories || cur.filter.categories.includes(c)),
  );
  const rows = categories
    .map((c) =>
      row(
        c,
        CRIME_CATEGORIES[c].label,
        shownSum(curCells.get(c) ?? [], view),
        shownSum(prevCells.get(c) ?? [], view),
      ),
    )
    .filter((r) => r.count !== 0 || r.previous !== 0);
  const total = row(
    'total',
    'Total',
    shownSum(
      curRows.map((r) => r.count),
      view,
    ),
    shownSum(
      prevRows.map((r) => r.count),
      view,
    ),
  );
  const notes = [
    `Variación: respecto del mismo período un año antes (${previous.from} a ${previous.to}); intervalo de confianza del 95 % exacto para el cociente de dos conteos de Poisson (binomial condicional).`,
    `"Pocos casos": menos de ${FEW_CASES} incidentes en alguno de los dos períodos; la variación puede deberse al azar.`,
    population
      ? `Tasas por 1 000 habitantes en el período (no anualizadas), con la población de ${population.year} (${population.population.toLocaleString('es-PE')} hab.; fuente: ${population.sources.join('; ')}).`
      : `Sin tasas: no hay población cargada de ${year} para ${districts ? 'los distritos elegidos' : 'todos los distritos del área'} (vigia population load).`,
    'Conteos de incidentes registrados por la policía: no miden todo el delito (muchos no se denuncian).',
    ...(countsRestricted(view)
      ? []
      : [
          'Sin categorías protegidas (violencia familiar, delitos sexuales): solo la vista completa las cuenta.',
        ]),
    ...(view === 'suppressed'
      ? [
          'Vista comunitaria: las celdas distrito × mes × categoría de 1 a 4 incidentes no se publican ni se suman.',
        ]
      : []),
  ];
  return {
    area: cur.area.def.id,
    areaName: cur.area.def.name,
    view,
    from: p.from,
    to: p.to,
    previous,
    districts,
    population,
    previousPopulation,
    rows,
    total,
    notes,
  };
}
