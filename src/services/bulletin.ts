/**
 * The community bulletin (issue 14, item 6): for the whole area or one district and a period of
 * whole months, in plain Spanish, the reported crimes per type against the same months a year
 * earlier, prevention advice for the most frequent types (prevention/advice.ts, or the operator's
 * VIGIA_ADVICE_FILE) and a monthly series for a small chart. Built only from the community's
 * aggregate view (services/indicators.ts and services/queries.ts in the suppressed view): sums of
 * published district × month × category cells (0 or at least 5), never a protected category, no
 * incident. Its statistics form a community `Grounding` (no incident excerpts).
 */
import { SMALL_COUNT_THRESHOLD } from '../core/access.ts';
import type { CrimeCategory } from '../core/taxonomy.ts';
import type { Db } from '../storage/db.ts';
import type { Grounding, Statistic } from '../text/grounding.ts';
import { loadAdvice } from './advice.ts';
import { periodText, type Verdict, verdict } from './briefing.ts';
import { addDays } from './data-age.ts';
import { type IndicatorRow, indicators } from './indicators.ts';
import { trends } from './queries.ts';

/** Crime types whose advice a bulletin prints (the most frequent). */
export const BULLETIN_ADVICE_TYPES = 3;
/** Months of the bulletin's chart (ending with the period's last month). */
export const BULLETIN_CHART_MONTHS = 12;

/** One crime type of the bulletin. */
export interface BulletinRow {
  category: CrimeCategory;
  label: string;
  /** Null when withheld (its cells hold 1–4 incidents). */
  count: number | null;
  previous: number | null;
  verdict: Verdict;
  /** The row in plain Spanish. */
  sentence: string;
  /** Statistic ids of the counts (null when withheld). */
  stat: string | null;
  previousStat: string | null;
}

/** A community bulletin's data. */
export interface Bulletin {
  area: { id: string; name: string };
  district: { code: string; name: string } | null;
  /** Local days, inclusive: whole months. */
  period: { from: string; to: string };
  previous: { from: string; to: string };
  rows: BulletinRow[];
  total: { count: number | null; previous: number | null; verdict: Verdict; stat: string | null };
  /** Advice for the most frequent types. */
  advice: { category: CrimeCategory; label: string; advice: readonly string[] }[];
  /** Reported crimes per month (published cells only; null: withheld). */
  chart: { month: string; count: number | null }[];
  notes: string[];
  grounding: Grounding;
}

/** A bulletin's request: whole months (the community view's rule). */
export interface BulletinRequest {
  area: string;
  district?: string;
  from: string;
  to: string;
  /** The residents' advice file (VIGIA_ADVICE_FILE); undefined: the defaults. */
  adviceFile?: string;
}

const n = (v: number): string => v.toLocaleString('es-PE');

/** A row in plain Spanish. */
export function bulletinSentence(
  r: Pick<BulletinRow, 'label' | 'count' | 'previous' | 'verdict'>,
  where: string,
): string {
  if (r.count === null)
    return `${r.label}: hubo pocos casos en ${where}; para proteger a las víctimas no se publica la cifra (menos de ${SMALL_COUNT_THRESHOLD} en algún mes).`;
  const before = r.previous === null ? 'una cifra reservada' : `${n(r.previous)}`;
  const head = `${r.label}: ${n(r.count)} ${r.count === 1 ? 'denuncia' : 'denuncias'} en ${where}, frente a ${before} en los mismos meses del año anterior`;
  if (r.verdict === 'aumento') return `${head}. Aumentó.`;
  if (r.verdict === 'disminución') return `${head}. Disminuyó.`;
  return `${head}. Con estas cifras no se puede decir que haya subido o bajado.`;
}

/** Monthly counts of the chart: the BULLETIN_CHART_MONTHS months up to the period's last. */
function chartFrom(to: string): string {
  const [y, m] = to.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - BULLETIN_CHART_MONTHS, 1)).toISOString().slice(0, 10);
}

/**
 * The bulletin of an area or district for whole months, in the community view.
 * @throws ValidationError naming `from`, `to` or `district` (a period that is not whole months, over a
 *   year, an unknown district); NotFoundError for an unknown area; ConfigError for a bad advice file
 */
export async function bulletin(db: Db, req: BulletinRequest): Promise<Bulletin> {
  const districts = req.district ? [req.district] : undefined;
  const ind = await indicators(
    db,
    { area: req.area, from: req.from, to: req.to, ...(districts ? { districts } : {}) },
    'suppressed',
  );
  const district = ind.districts?.[0] ?? null;
  const where = district ? district.name : ind.areaName;
  const period = periodText(ind.from, ind.to);
  const statistics: Statistic[] = [];
  const stat = (label: string, value: number | null): string | null => {
    if (value === null) return null;
    const id = `E${statistics.length + 1}`;
    statistics.push({ id, label, value });
    return id;
  };
  const rowOf = (r: IndicatorRow & { category: CrimeCategory }): BulletinRow => {
    const v = verdict(r.count, r.previous);
    return {
      category: r.category,
      label: r.label,
      count: r.count,
      previous: r.previous,
      verdict: v,
      sentence: bulletinSentence({ label: r.label, count: r.count, previous: r.previous, verdict: v }, where),
      stat: stat(`Denuncias de ${r.label.toLowerCase()} en ${where}, ${period}`, r.count),
      // No date outside the period in a label (the verifier rejects it): the same months, a year before.
      previousStat: stat(
        `Denuncias de ${r.label.toLowerCase()} en ${where}, los mismos meses del año anterior`,
        r.previous,
      ),
    };
  };
  const rows = ind.rows
    .filter((r): r is IndicatorRow & { category: CrimeCategory } => r.category !== 'total')
    .map(rowOf)
    .sort((a, b) => (b.count ?? -1) - (a.count ?? -1) || a.label.localeCompare(b.label));
  const table = await loadAdvice(req.adviceFile);
  const advice = rows
    .filter((r) => (r.count ?? 0) > 0)
    .slice(0, BULLETIN_ADVICE_TYPES)
    .map((r) => ({ category: r.category, label: r.label, advice: table[r.category] }));
  const series = await trends(
    db,
    { area: req.area, from: chartFrom(ind.to), to: ind.to, ...(districts ? { districts } : {}) },
    'suppressed',
  );
  const line = series.series.find((s) => s.district === (district?.code ?? null));
  const total = {
    count: ind.total.count,
    previous: ind.total.previous,
    verdict: verdict(ind.total.count, ind.total.previous),
    stat: stat(`Denuncias en ${where}, ${period}`, ind.total.count),
  };
  return {
    area: { id: ind.area, name: ind.areaName },
    district,
    period: { from: ind.from, to: ind.to },
    previous: ind.previous,
    rows,
    total,
    advice,
    chart: (line?.points ?? []).map((p) => ({ month: p.month, count: p.count })),
    notes: [
      'Son denuncias registradas por la policía: muchos delitos no se denuncian.',
      `Para proteger a las víctimas, los meses con 1 a ${SMALL_COUNT_THRESHOLD - 1} casos de un tipo de delito en un distrito no se publican ni se suman, y la violencia familiar y los delitos sexuales no aparecen en este boletín.`,
      '"No se puede decir que haya subido o bajado": hay pocos casos o la diferencia puede deberse al azar.',
    ],
    grounding: {
      audience: 'community',
      area: ind.area,
      district: district?.code ?? null,
      period: { from: ind.from, to: addDays(ind.to, 1) },
      statistics,
      incidents: [],
    },
  };
}
