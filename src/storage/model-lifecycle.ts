/**
 * The model lifecycle's tables (migration 0018): promotion decisions with their evidence and the
 * append-only history of champions per study area × crime group × horizon. The current champion is
 * the newest history row of its key.
 */
import type { Queryable } from './db.ts';

/** A champion key. */
export interface ChampionKey {
  area: string;
  group: string;
  horizon: 'turno' | 'day' | 'week';
}

/** One row of a key's champion history. */
export interface ChampionEntry extends ChampionKey {
  id: number;
  trainedModelId: number;
  cause: 'first' | 'promotion' | 'rollback';
  decisionId: number | null;
  createdAt: Date;
  createdBy: string;
}

/** A promotion decision and its evidence. */
export interface PromotionDecision extends ChampionKey {
  id: number;
  championId: number;
  challengerId: number;
  periodFrom: string;
  periodTo: string;
  windows: number;
  metric: string;
  championValue: number | null;
  challengerValue: number | null;
  difference: number;
  intervalLow: number | null;
  intervalHigh: number | null;
  pValue: number | null;
  alpha: number;
  decision: 'promoted' | 'kept';
  reason: string;
  createdAt: Date;
  createdBy: string;
}

const CHAMPION_COLUMNS = `id, study_area as area, crime_group as "group", horizon,
  trained_model_id as "trainedModelId", cause, decision_id as "decisionId",
  created_at as "createdAt", created_by as "createdBy"`;

const DECISION_COLUMNS = `id, study_area as area, crime_group as "group", horizon,
  champion_id as "championId", challenger_id as "challengerId",
  to_char(period_from, 'YYYY-MM-DD') as "periodFrom", to_char(period_to, 'YYYY-MM-DD') as "periodTo",
  windows, metric, champion_value as "championValue", challenger_value as "challengerValue",
  difference, interval_low as "intervalLow", interval_high as "intervalHigh", p_value as "pValue",
  alpha, decision, reason, created_at as "createdAt", created_by as "createdBy"`;

/** Serialises writers of one key (inside a transaction). */
export async function lockChampionKey(tx: Queryable, k: ChampionKey): Promise<void> {
  await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 7010118))', [
    `champion:${k.area}|${k.group}|${k.horizon}`,
  ]);
}

/** The key's current champion, or undefined. */
export async function currentChampion(db: Queryable, k: ChampionKey): Promise<ChampionEntry | undefined> {
  const [row] = await db.query<ChampionEntry>(
    `select ${CHAMPION_COLUMNS} from model_champions
     where study_area = $1 and crime_group = $2 and horizon = $3 order by id desc limit 1`,
    [k.area, k.group, k.horizon],
  );
  return row;
}

/** Every key's current champion of an area (optionally one group). */
export function currentChampions(
  db: Queryable,
  q: { area: string; group?: string },
): Promise<ChampionEntry[]> {
  return db.query<ChampionEntry>(
    `select distinct on (study_area, crime_group, horizon) ${CHAMPION_COLUMNS} from model_champions
     where study_area = $1 and ($2::text is null or crime_group = $2)
     order by study_area, crime_group, horizon, id desc`,
    [q.area, q.group ?? null],
  );
}

/** The registered study areas with at least one champion (the scheduled retraining's areas). */
export async function areasWithChampions(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    'select id from study_areas a where exists (select 1 from model_champions c where c.study_area = a.id) order by id',
  );
  return rows.map((r) => r.id);
}

/** A key's champion history, newest first. */
export function championHistory(db: Queryable, k: ChampionKey): Promise<ChampionEntry[]> {
  return db.query<ChampionEntry>(
    `select ${CHAMPION_COLUMNS} from model_champions
     where study_area = $1 and crime_group = $2 and horizon = $3 order by id desc`,
    [k.area, k.group, k.horizon],
  );
}

/** The current champion of every key with its trained model's kind and version (what is deployed). */
export function championModels(
  db: Queryable,
): Promise<(ChampionKey & { model: string; version: number; trainedModelId: number })[]> {
  return db.query(
    `select c.study_area as area, c.crime_group as "group", c.horizon, m.model_kind as model, m.version,
       c.trained_model_id::int as "trainedModelId"
     from (select distinct on (study_area, crime_group, horizon) study_area, crime_group, horizon, trained_model_id
           from model_champions order by study_area, crime_group, horizon, id desc) c
     join trained_models m on m.id = c.trained_model_id
     order by 1, 2, 3`,
  );
}

/** Appends a champion (the new current one). */
export async function appendChampion(
  db: Queryable,
  e: ChampionKey & Pick<ChampionEntry, 'trainedModelId' | 'cause' | 'decisionId' | 'createdBy'>,
): Promise<ChampionEntry> {
  const [row] = await db.query<ChampionEntry>(
    `insert into model_champions (study_area, crime_group, horizon, trained_model_id, cause, decision_id, created_by)
     values ($1, $2, $3, $4, $5, $6, $7) returning ${CHAMPION_COLUMNS}`,
    [e.area, e.group, e.horizon, e.trainedModelId, e.cause, e.decisionId, e.createdBy],
  );
  return row as ChampionEntry;
}

/** Stores a decision. */
export async function saveDecision(
  db: Queryable,
  d: Omit<PromotionDecision, 'id' | 'createdAt'>,
): Promise<PromotionDecision> {
  const [row] = await db.query<PromotionDecision>(
    `insert into model_decisions (study_area, crime_group, horizon, champion_id, challenger_id, period_from,
       period_to, windows, metric, champion_value, challenger_value, difference, interval_low, interval_high,
       p_value, alpha, decision, reason, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
     returning ${DECISION_COLUMNS}`,
    [
      d.area,
      d.group,
      d.horizon,
      d.championId,
      d.challengerId,
      d.periodFrom,
      d.periodTo,
      d.windows,
      d.metric,
      d.championValue,
      d.challengerValue,
      d.difference,
      d.intervalLow,
      d.intervalHigh,
      d.pValue,
      d.alpha,
      d.decision,
      d.reason,
      d.createdBy,
    ],
  );
  return row as PromotionDecision;
}

/** A key's decisions, newest first (at most `limit`). */
export function listDecisions(db: Queryable, k: ChampionKey, limit = 20): Promise<PromotionDecision[]> {
  return db.query<PromotionDecision>(
    `select ${DECISION_COLUMNS} from model_decisions
     where study_area = $1 and crime_group = $2 and horizon = $3 order by id desc limit $4`,
    [k.area, k.group, k.horizon, limit],
  );
}
