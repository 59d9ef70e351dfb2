/**
 * The model lifecycle (issue 15, item 2): per study area × crime group × horizon one champion —
 * the stored model scheduled forecasts and a plain `vigia forecast` use — and any number of
 * challengers (every other trained model of that key). A challenger is promoted only when a
 * backtest of both stored models, on a period after both data cutoffs, shows it better: the mean
 * of per-window hit-rate differences at 5 % of the area is positive and the paired Wilcoxon test
 * gives p < alpha. The evidence is stored whatever the decision. Rollback appends an earlier
 * champion to the history; stored forecasts are never rewritten.
 */
import type { LifecycleSettings } from '../config/env.ts';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.ts';
import { mulberry32 } from '../core/random.ts';
import { DEFAULT_COVERAGES, wilcoxonSignedRank } from '../evaluation/metrics/index.ts';
import type { Db } from '../storage/db.ts';
import {
  appendChampion,
  type ChampionEntry,
  type ChampionKey,
  championHistory,
  currentChampion,
  currentChampions,
  listDecisions,
  lockChampionKey,
  type PromotionDecision,
  saveDecision,
} from '../storage/model-lifecycle.ts';
import { listTrainedModels } from '../storage/trained-models.ts';
import { getStudyArea } from './areas.ts';
import { type AuditContext, audit } from './audit.ts';
import { addDays, localDay } from './data-age.ts';
import { type ForecastSummary, forecast } from './forecast.ts';
import { backtestStored, type TrainedModelMeta, train, trainedModel } from './training.ts';

export type { ChampionEntry, PromotionDecision } from '../storage/model-lifecycle.ts';

/** The metric promotions compare: per-window hit rate at this share of the area. */
export const PROMOTION_COVERAGE = 0.05;
const METRIC = `hitRate@${PROMOTION_COVERAGE}`;
/** Fewer windows with events than this: no decision can be made (the challenger is kept). */
export const MIN_PROMOTION_WINDOWS = 5;
const BOOTSTRAP_DRAWS = 2000;

/** Lifecycle defaults when no configuration is given (the same as src/config/env.ts). */
export const DEFAULT_LIFECYCLE: LifecycleSettings = Object.freeze({
  promotionAlpha: 0.05,
  promotionDays: 28,
  retrainCron: '0 3 * * 1',
  forecastLeadMinutes: 60,
});

/** 95 % percentile bootstrap interval of the mean of paired differences (seeded). */
export function pairedBootstrapInterval(diffs: readonly number[], seed = 1): [number, number] | null {
  const n = diffs.length;
  if (n < 2) return null;
  const u = mulberry32(seed);
  const means = new Float64Array(BOOTSTRAP_DRAWS);
  for (let b = 0; b < BOOTSTRAP_DRAWS; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += diffs[Math.floor(u() * n)] as number;
    means[b] = s / n;
  }
  means.sort();
  return [
    means[Math.floor(0.025 * BOOTSTRAP_DRAWS)] as number,
    means[Math.ceil(0.975 * BOOTSTRAP_DRAWS) - 1] as number,
  ];
}

function keyOf(m: TrainedModelMeta): ChampionKey {
  return { area: m.area, group: m.group, horizon: m.horizon };
}

/** What a promotion request did. */
export interface PromotionOutcome {
  /** The stored decision; null when the challenger became the key's first champion. */
  decision: PromotionDecision | null;
  champion: ChampionEntry;
}

/**
 * Tries to promote a stored model. With no champion yet for its key, it becomes the first one.
 * Otherwise both are backtested over `from..to` (default: the day after the later data cutoff,
 * for `promotionDays` days) and the decision with its evidence is stored; the challenger replaces
 * the champion only when it wins. Audited as model.promote / model.keep / model.champion.
 * @throws NotFoundError for an unknown model; ValidationError when it is already the champion or
 *   the period is bad; ConflictError when the champion changed during the backtest
 */
export async function promoteChallenger(
  db: Db,
  req: { challenger: number; from?: string; to?: string; audit: AuditContext; settings?: LifecycleSettings },
): Promise<PromotionOutcome> {
  const settings = req.settings ?? DEFAULT_LIFECYCLE;
  const challenger = await trainedModel(db, req.challenger);
  const key = keyOf(challenger);
  const before = await currentChampion(db, key);
  if (!before) {
    const champion = await db.transaction(async (tx) => {
      await lockChampionKey(tx, key);
      if (await currentChampion(tx, key))
        throw new ConflictError('Otro proceso nombró un campeón al mismo tiempo: vuelva a intentarlo');
      return appendChampion(tx, {
        ...key,
        trainedModelId: challenger.id,
        cause: 'first',
        decisionId: null,
        createdBy: req.audit.actor,
      });
    });
    await audit(db, req.audit, 'model.champion', `trained-model:${challenger.id}`, {
      ...key,
      cause: 'first',
    });
    return { decision: null, champion };
  }
  if (before.trainedModelId === challenger.id)
    throw new ValidationError(
      'challenger',
      `el modelo ${challenger.id} ya es el campeón de ${describeKey(key)}`,
    );
  const champ = await trainedModel(db, before.trainedModelId);
  const area = await getStudyArea(db, key.area);
  const tz = area.def.timeZone;
  const from =
    req.from ?? localDay(Math.max(champ.dataCutoff.getTime(), challenger.dataCutoff.getTime()), tz);
  const to = req.to ?? addDays(from, settings.promotionDays);
  if (!(to > from)) throw new ValidationError('to', `el periodo ${from}..${to} está vacío`);
  const bt = await backtestStored(db, [champ, challenger], { from, to }, req.audit);
  // Per-window hits are kept per requested coverage (the harness's DEFAULT_COVERAGES, in order).
  const ci = DEFAULT_COVERAGES.findIndex((c) => Math.abs(c - PROMOTION_COVERAGE) < 1e-9);
  const a = bt.results[0]?.perWindow;
  const b = bt.results[1]?.perWindow;
  const champRates: number[] = [];
  const challRates: number[] = [];
  if (a && b && ci >= 0)
    a.events.forEach((n, w) => {
      if (n > 0) {
        champRates.push((a.hits[ci]?.[w] ?? 0) / n);
        challRates.push((b.hits[ci]?.[w] ?? 0) / n);
      }
    });
  const windows = champRates.length;
  const test = windows > 0 ? wilcoxonSignedRank(challRates, champRates) : null;
  const diffs = challRates.map((v, i) => v - (champRates[i] as number));
  const interval = pairedBootstrapInterval(diffs, champ.seed);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
  const difference = test?.meanDifference ?? 0;
  const p = test?.pValue ?? null;
  const alpha = settings.promotionAlpha;
  const promoted = windows >= MIN_PROMOTION_WINDOWS && difference > 0 && p !== null && p < alpha;
  const dec = (v: number, d: number) => v.toFixed(d).replace('.', ',');
  const pct = (v: number) => `${dec(100 * Math.abs(v), 1)} puntos porcentuales`;
  const reason =
    windows < MIN_PROMOTION_WINDOWS
      ? `Solo ${windows} ventanas con delitos (mínimo ${MIN_PROMOTION_WINDOWS}): no hay evidencia suficiente, se conserva el campeón`
      : promoted
        ? `El retador acierta ${pct(difference)} más por ventana (p = ${dec(p as number, 4)} < ${dec(alpha, 2)}): pasa a campeón`
        : difference <= 0
          ? `El retador no acierta más que el campeón (${difference < 0 ? 'acierta' : 'diferencia'} ${pct(difference)}${difference < 0 ? ' menos por ventana' : ''}): se conserva el campeón`
          : `La mejora de ${pct(difference)} no es significativa (p = ${dec(p ?? 1, 4)} ≥ ${dec(alpha, 2)}): se conserva el campeón`;
  const { decision, champion } = await db.transaction(async (tx) => {
    await lockChampionKey(tx, key);
    const now = await currentChampion(tx, key);
    if (now?.id !== before.id)
      throw new ConflictError(
        `El campeón de ${describeKey(key)} cambió durante la prueba: vuelva a pedir la promoción`,
      );
    const decision = await saveDecision(tx, {
      ...key,
      championId: champ.id,
      challengerId: challenger.id,
      periodFrom: from,
      periodTo: to,
      windows,
      metric: METRIC,
      championValue: mean(champRates),
      challengerValue: mean(challRates),
      difference,
      intervalLow: interval?.[0] ?? null,
      intervalHigh: interval?.[1] ?? null,
      pValue: p,
      alpha,
      decision: promoted ? 'promoted' : 'kept',
      reason,
      createdBy: req.audit.actor,
    });
    const champion = promoted
      ? await appendChampion(tx, {
          ...key,
          trainedModelId: challenger.id,
          cause: 'promotion',
          decisionId: decision.id,
          createdBy: req.audit.actor,
        })
      : before;
    return { decision, champion };
  });
  await audit(db, req.audit, promoted ? 'model.promote' : 'model.keep', `trained-model:${challenger.id}`, {
    ...key,
    decisionId: decision.id,
    championId: champ.id,
    windows,
    metric: METRIC,
    difference,
    interval,
    pValue: p,
    alpha,
  });
  return { decision, champion };
}

function describeKey(k: ChampionKey): string {
  return `${k.area} / ${k.group} / ${k.horizon}`;
}

/**
 * Restores an earlier champion of a key (one in its history) as the current one. The next
 * forecasts use it; forecasts already stored are not rewritten. Audited as model.rollback.
 * @throws NotFoundError for an unknown model; ValidationError when it never was champion of its
 *   key or is the current one
 */
export async function rollbackChampion(
  db: Db,
  req: { to: number; audit: AuditContext },
): Promise<ChampionEntry> {
  const target = await trainedModel(db, req.to);
  const key = keyOf(target);
  const entry = await db.transaction(async (tx) => {
    await lockChampionKey(tx, key);
    const history = await championHistory(tx, key);
    if (history[0]?.trainedModelId === target.id)
      throw new ValidationError('to', `el modelo ${target.id} ya es el campeón de ${describeKey(key)}`);
    if (!history.some((h) => h.trainedModelId === target.id))
      throw new ValidationError(
        'to',
        `el modelo ${target.id} nunca fue campeón de ${describeKey(key)}: solo se vuelve a un campeón anterior`,
      );
    return appendChampion(tx, {
      ...key,
      trainedModelId: target.id,
      cause: 'rollback',
      decisionId: null,
      createdBy: req.audit.actor,
    });
  });
  await audit(db, req.audit, 'model.rollback', `trained-model:${target.id}`, { ...key });
  return entry;
}

/** One key's lifecycle: champion, its history, challengers and recent decisions. */
export interface LifecycleEntry extends ChampionKey {
  champion: TrainedModelMeta;
  history: ChampionEntry[];
  challengers: TrainedModelMeta[];
  decisions: PromotionDecision[];
}

/** The lifecycle of every key of an area that has a champion (optionally one group). */
export async function modelLifecycle(db: Db, q: { area: string; group?: string }): Promise<LifecycleEntry[]> {
  const area = (await getStudyArea(db, q.area)).def.id;
  const champions = await currentChampions(db, { area, ...(q.group ? { group: q.group } : {}) });
  const models = await listTrainedModels(db, { area, ...(q.group ? { group: q.group } : {}) });
  const out: LifecycleEntry[] = [];
  for (const c of champions) {
    const champion = models.find((m) => m.id === c.trainedModelId);
    if (!champion) continue;
    out.push({
      area: c.area,
      group: c.group,
      horizon: c.horizon,
      champion,
      history: await championHistory(db, c),
      challengers: models
        .filter((m) => m.group === c.group && m.horizon === c.horizon && m.id !== c.trainedModelId)
        .sort((x, y) => y.id - x.id),
      decisions: await listDecisions(db, c, 10),
    });
  }
  return out;
}

/**
 * Scheduled retraining of one key: trains a challenger with the champion's model, settings, grid,
 * horizon and seed on the data known up to `promotionDays` before `day` (default: today in the
 * area's time zone), then backtests it against the champion over the last `promotionDays` days
 * before `day` and promotes it only if it wins. The job engine calls it (weekly by default,
 * VIGIA_RETRAIN_CRON).
 * @throws NotFoundError when the key has no champion
 */
export async function retrainChallenger(
  db: Db,
  req: {
    area: string;
    group: string;
    horizon?: 'turno' | 'day' | 'week';
    day?: string;
    now?: number;
    audit: AuditContext;
    settings?: LifecycleSettings;
  },
): Promise<{ challenger: TrainedModelMeta; duplicate: boolean; outcome: PromotionOutcome | null }> {
  const settings = req.settings ?? DEFAULT_LIFECYCLE;
  const area = await getStudyArea(db, req.area);
  const key: ChampionKey = { area: area.def.id, group: req.group, horizon: req.horizon ?? 'turno' };
  const c = await currentChampion(db, key);
  if (!c)
    throw new NotFoundError(
      `${describeKey(key)} no tiene campeón: nombre uno con "vigia models promote ID" antes de reentrenar`,
    );
  const champ = await trainedModel(db, c.trainedModelId);
  const day = req.day ?? localDay(req.now ?? Date.now(), area.def.timeZone);
  const until = addDays(day, -settings.promotionDays);
  const { feedbackCorrection: _f, ...settingsOf } = (champ.config ?? {}) as Record<string, unknown>;
  const r = await train(db, {
    area: key.area,
    group: key.group,
    model: champ.kind,
    until,
    settings: settingsOf,
    horizon: key.horizon,
    cellSize: champ.grid.cellSize,
    seed: champ.seed,
    ...(_f === undefined ? { feedbackCorrection: false } : {}),
    via: 'job',
    audit: req.audit,
  });
  if (r.model.id === champ.id) return { challenger: r.model, duplicate: true, outcome: null };
  const outcome = await promoteChallenger(db, {
    challenger: r.model.id,
    from: until,
    to: day,
    audit: req.audit,
    settings,
  });
  return { challenger: r.model, duplicate: r.duplicate, outcome };
}

/**
 * The scheduled forecast before a turno: the day of the turno starting `forecastLeadMinutes` after
 * `now`, each group with its champion where it has one (else `model`, sepp-grid by default).
 */
export async function forecastNextTurno(
  db: Db,
  req: { area: string; now?: number; model?: string; audit: AuditContext; settings?: LifecycleSettings },
): Promise<ForecastSummary[]> {
  const settings = req.settings ?? DEFAULT_LIFECYCLE;
  const area = await getStudyArea(db, req.area);
  const at = (req.now ?? Date.now()) + settings.forecastLeadMinutes * 60_000;
  return forecast(db, {
    area: area.def.id,
    day: localDay(at, area.def.timeZone),
    horizon: 'turno',
    model: req.model ?? 'sepp-grid',
    champions: true,
    audit: req.audit,
  });
}
