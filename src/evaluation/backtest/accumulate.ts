/**
 * Pools a backtest's forecasts per model: hits and events summed over windows for every coverage
 * (the pooled hit rate, PAI and PEI*), Jeffreys intervals on the pooled hits, the seeded
 * probability of beating the naive baseline, and window means of Brier skill, Poisson deviance and
 * the ranking score. It also keeps every window's hits and events, from which come the mean of
 * per-window (daily) hit rates with a seeded bootstrap interval and a paired Wilcoxon test of each
 * model against naive on the same windows.
 */
import type { RiskSurface } from '../../core/risk-surface.ts';
import {
  brierShare,
  type CellCounts,
  DEFAULT_COVERAGES,
  hitRateInterval,
  meanHitRate,
  type PairedTest,
  poissonDeviance,
  probabilityBetter,
  rankingScore,
  type TieBreak,
  topSliceScores,
  wilcoxonSignedRank,
} from '../metrics/index.ts';
import type { CurvePoint, ModelResult } from '../report/report.ts';

interface ModelTotals {
  hits: Float64Array;
  oracle: Float64Array;
  coverage: Float64Array;
  events: number;
  brier: number[];
  deviance: number[];
  ranking: number[];
  ms: number;
  /** Per window: events, and hits per coverage (`windowHits[coverage][window]`); 0 without events. */
  windowEvents: number[];
  windowHits: number[][];
}

/** Hits are kept to 6 decimals per window (fractional only where average ties split a group). */
const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

/** Accumulates forecasts and outcomes; `results` pools them. */
export class BacktestAccumulator {
  private readonly totals = new Map<string, ModelTotals>();

  /**
   * @param coverages the curve's coverages
   * @param seed seed of the P(better) draws and the bootstrap
   * @param tieBreak tie rule of the top slice (`'average'` by default, `'order'` = open_cp)
   */
  constructor(
    private readonly coverages: readonly number[] = DEFAULT_COVERAGES,
    private readonly seed = 1,
    private readonly tieBreak: TieBreak = 'average',
  ) {}

  /**
   * Adds one forecast and its outcome. Windows without events add nothing but time (and a zero in
   * the per-window series).
   * @param windowIndex the window's position (default: the next one for this model)
   */
  add(model: string, surface: RiskSurface, outcome: CellCounts, ms: number, windowIndex?: number): void {
    let t = this.totals.get(model);
    if (!t) {
      const n = this.coverages.length;
      t = {
        hits: new Float64Array(n),
        oracle: new Float64Array(n),
        coverage: new Float64Array(n),
        events: 0,
        brier: [],
        deviance: [],
        ranking: [],
        ms: 0,
        windowEvents: [],
        windowHits: this.coverages.map(() => []),
      };
      this.totals.set(model, t);
    }
    t.ms += ms;
    const wi = windowIndex ?? t.windowEvents.length;
    t.windowEvents[wi] = outcome.total;
    for (const h of t.windowHits) h[wi] = 0;
    const scores = topSliceScores(surface, outcome.counts, outcome.total, this.coverages, {
      tieBreak: this.tieBreak,
    });
    if (scores.kind === 'no-events') return;
    scores.points.forEach((p, i) => {
      (t.windowHits[i] as number[])[wi] = round6(p.hits);
      t.hits[i] = (t.hits[i] as number) + p.hits;
      t.oracle[i] = (t.oracle[i] as number) + p.oracleHits;
      t.coverage[i] = p.coverage;
    });
    t.events += outcome.total;
    const b = brierShare(surface, outcome.counts, outcome.total);
    if (b.kind === 'brier') t.brier.push(b.skill);
    t.deviance.push(poissonDeviance(surface, outcome.counts).perCell);
    const r = rankingScore(surface, outcome.counts);
    if (r !== null) t.ranking.push(r);
  }

  /**
   * Pooled results per model, in the order given.
   * @param naive the baseline name for "P(better than naive)"
   */
  results(
    models: readonly {
      name: string;
      kind: string;
      config: unknown;
      refitEveryDays?: number;
      /** 'score' (default): a ranking only — no Poisson deviance is reported for it. */
      output?: 'rate' | 'score';
    }[],
    naive: string,
  ): ModelResult[] {
    const base = this.totals.get(naive);
    const mean = (xs: number[]): number | null =>
      xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
    return models.map((m, mi) => {
      const t = this.totals.get(m.name);
      const curve: CurvePoint[] = [];
      if (t && t.events > 0) {
        this.coverages.forEach((_, i) => {
          const hits = t.hits[i] as number;
          const coverage = t.coverage[i] as number;
          const hitRate = hits / t.events;
          const ci = hitRateInterval(hits, t.events);
          const oracle = t.oracle[i] as number;
          const events = dense(t.windowEvents, t.windowEvents.length);
          const windowHits = dense(t.windowHits[i] as number[], events.length);
          const daily = meanHitRate(windowHits, events, { seed: this.seed + mi * 7919 + i + 104_729 });
          const paired =
            m.name === naive || !base
              ? null
              : pairedRates(windowHits, events, base.windowHits[i] as number[], base.windowEvents);
          curve.push({
            coverage,
            hits,
            events: t.events,
            hitRate,
            pai: coverage > 0 ? hitRate / coverage : 0,
            pei: oracle > 0 ? hits / oracle : null,
            interval95: ci.kind === 'beta-interval' ? [ci.lower95, ci.upper95] : [0, 0],
            interval68: ci.kind === 'beta-interval' ? [ci.lower68, ci.upper68] : [0, 0],
            pBetterThanNaive:
              m.name === naive || !base
                ? null
                : probabilityBetter(hits, t.events, base.hits[i] as number, base.events, {
                    seed: this.seed + mi * 7919 + i,
                  }),
            meanHitRate: daily.mean,
            meanInterval95: daily.interval95 ? [daily.interval95[0], daily.interval95[1]] : null,
            pairedVsNaive: paired
              ? { meanDifference: paired.meanDifference, pValue: paired.pValue, windows: paired.windows }
              : null,
          });
        });
      }
      return {
        name: m.name,
        kind: m.kind,
        config: m.config,
        ...(m.refitEveryDays === undefined ? {} : { refitEveryDays: m.refitEveryDays }),
        curve,
        brierSkill: t ? mean(t.brier) : null,
        // Deviance compares expected counts with outcomes: meaningless for scores.
        devianceWindows: t && m.output === 'rate' ? mean(t.deviance) : null,
        output: m.output ?? 'score',
        ranking: t ? mean(t.ranking) : null,
        seconds: t ? t.ms / 1000 : 0,
        perWindow: t
          ? {
              events: dense(t.windowEvents, t.windowEvents.length),
              hits: t.windowHits.map((h) => dense(h, t.windowEvents.length)),
            }
          : { events: [], hits: [] },
      };
    });
  }
}

/** A sparse array (windows added out of order or skipped) as a dense one, holes as 0. */
function dense(xs: number[], n: number): number[] {
  return Array.from({ length: n }, (_, i) => xs[i] ?? 0);
}

/** The paired test on the windows where both series have events (the same windows in a backtest). */
function pairedRates(hits: number[], events: number[], baseHits: number[], baseEvents: number[]): PairedTest {
  const a: number[] = [];
  const b: number[] = [];
  events.forEach((n, w) => {
    const nb = baseEvents[w] ?? 0;
    if (n > 0 && nb > 0) {
      a.push((hits[w] as number) / n);
      b.push((baseHits[w] ?? 0) / nb);
    }
  });
  return wilcoxonSignedRank(a, b);
}
