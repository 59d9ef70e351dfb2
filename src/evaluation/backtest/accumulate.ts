/**
 * Pools a backtest's forecasts per model: hits and events summed over windows for every coverage
 * (the pooled hit rate, PAI and PEI*), Jeffreys intervals on the pooled hits, the seeded
 * probability of beating the naive baseline, and window means of Brier skill, Poisson deviance and
 * the ranking score.
 */
import type { RiskSurface } from '../../core/risk-surface.ts';
import {
  brierShare,
  type CellCounts,
  DEFAULT_COVERAGES,
  hitRateInterval,
  poissonDeviance,
  probabilityBetter,
  rankingScore,
  topSliceScores,
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
}

/** Accumulates forecasts and outcomes; `results` pools them. */
export class BacktestAccumulator {
  private readonly totals = new Map<string, ModelTotals>();

  constructor(
    private readonly coverages: readonly number[] = DEFAULT_COVERAGES,
    private readonly seed = 1,
  ) {}

  /** Adds one forecast and its outcome. Windows without events add nothing but time. */
  add(model: string, surface: RiskSurface, outcome: CellCounts, ms: number): void {
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
      };
      this.totals.set(model, t);
    }
    t.ms += ms;
    const scores = topSliceScores(surface, outcome.counts, outcome.total, this.coverages);
    if (scores.kind === 'no-events') return;
    scores.points.forEach((p, i) => {
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
  results(models: readonly { name: string; kind: string; config: unknown }[], naive: string): ModelResult[] {
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
          });
        });
      }
      return {
        name: m.name,
        kind: m.kind,
        config: m.config,
        curve,
        brierSkill: t ? mean(t.brier) : null,
        devianceWindows: t ? mean(t.deviance) : null,
        ranking: t ? mean(t.ranking) : null,
        seconds: t ? t.ms / 1000 : 0,
      };
    });
  }
}
