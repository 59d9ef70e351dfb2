/**
 * Trained models as versioned artifacts. The artifact JSON is stored gzipped with its size and
 * SHA-256 (of the JSON before gzip); reading it back checks the hash, so an artifact changed in the
 * database after training is refused rather than used. Versions count up per study area × crime
 * group × model kind, and the same artifact is never stored twice under one key.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConflictError } from '../core/errors.ts';
import type { GridSpec } from '../core/grid.ts';
import type { Db, Queryable } from './db.ts';

/** A trained model to store. */
export interface TrainedModelRecord {
  area: string;
  group: string;
  kind: string;
  schemaVersion: number;
  config: unknown;
  grid: GridSpec;
  /** The window layout the model was fitted for. */
  horizon: 'turno' | 'day' | 'week';
  /** The artifact as JSON text (`JSON.stringify(predictor.toArtifact())`). */
  artifactJson: string;
  featureSchema: unknown | null;
  dataCutoff: Date;
  dataSha256: string;
  eventsUsed: number;
  codeVersion: string;
  seed: number;
  metrics: Record<string, number>;
  createdBy: string;
  /** What trained it: a person at the CLI or through the API, or a scheduled job (default 'cli'). */
  trainedVia?: TrainedVia;
}

/** What trained a model. */
export type TrainedVia = 'cli' | 'api' | 'job';

/** A stored trained model without its artifact. */
export interface TrainedModelMeta {
  id: number;
  version: number;
  area: string;
  group: string;
  kind: string;
  schemaVersion: number;
  config: unknown;
  grid: GridSpec;
  horizon: 'turno' | 'day' | 'week';
  /** Bytes of the artifact JSON, and of the gzip stored. */
  artifactSize: number;
  storedSize: number;
  artifactSha256: string;
  featureSchema: unknown | null;
  dataCutoff: Date;
  dataSha256: string;
  eventsUsed: number;
  codeVersion: string;
  seed: number;
  metrics: Record<string, number>;
  createdAt: Date;
  createdBy: string;
  trainedVia: TrainedVia;
}

/** SHA-256 (hex) of text as UTF-8. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

const META_COLUMNS = `id, version, study_area as area, crime_group as "group", model_kind as kind,
  schema_version as "schemaVersion", config, grid, horizon, artifact_size as "artifactSize",
  octet_length(artifact) as "storedSize", artifact_sha256 as "artifactSha256",
  feature_schema as "featureSchema", data_cutoff as "dataCutoff", data_sha256 as "dataSha256",
  events_used as "eventsUsed", code_version as "codeVersion", seed, metrics,
  created_at as "createdAt", created_by as "createdBy", trained_via as "trainedVia"`;

/**
 * Stores a trained model as the next version of its (area, group, kind), in one transaction. When
 * the same artifact (same SHA-256) is already stored for that key, nothing is written and the
 * existing version is returned with `duplicate: true`.
 */
export async function saveTrainedModel(
  db: Db,
  r: TrainedModelRecord,
): Promise<{ meta: TrainedModelMeta; duplicate: boolean }> {
  const sha = sha256Hex(r.artifactJson);
  return db.transaction(async (tx) => {
    // One writer per key at a time: versions are max + 1 without gaps or races.
    await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 7010110))', [
      `trained:${r.area}|${r.group}|${r.kind}`,
    ]);
    const [same] = await tx.query<TrainedModelMeta>(
      `select ${META_COLUMNS} from trained_models
       where study_area = $1 and crime_group = $2 and model_kind = $3 and artifact_sha256 = $4`,
      [r.area, r.group, r.kind, sha],
    );
    if (same) return { meta: same, duplicate: true };
    const [row] = await tx.query<TrainedModelMeta>(
      `insert into trained_models (study_area, crime_group, model_kind, version, schema_version, config, grid, horizon,
         artifact, artifact_size, artifact_sha256, feature_schema, data_cutoff, data_sha256, events_used,
         code_version, seed, metrics, created_by, trained_via)
       values ($1, $2, $3,
         (select coalesce(max(version), 0) + 1 from trained_models
          where study_area = $1 and crime_group = $2 and model_kind = $3),
         $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
       returning ${META_COLUMNS}`,
      [
        r.area,
        r.group,
        r.kind,
        r.schemaVersion,
        JSON.stringify(r.config ?? {}),
        JSON.stringify(r.grid),
        r.horizon,
        gzipSync(Buffer.from(r.artifactJson, 'utf8')),
        Buffer.byteLength(r.artifactJson, 'utf8'),
        sha,
        r.featureSchema === null ? null : JSON.stringify(r.featureSchema),
        r.dataCutoff,
        r.dataSha256,
        r.eventsUsed,
        r.codeVersion,
        r.seed,
        JSON.stringify(r.metrics),
        r.createdBy,
        r.trainedVia ?? 'cli',
      ],
    );
    return { meta: row as TrainedModelMeta, duplicate: false };
  });
}

/** Stored trained models, newest first, optionally filtered. */
export function listTrainedModels(
  db: Queryable,
  q: { area?: string; group?: string; kind?: string } = {},
): Promise<TrainedModelMeta[]> {
  return db.query<TrainedModelMeta>(
    `select ${META_COLUMNS} from trained_models
     where ($1::text is null or study_area = $1) and ($2::text is null or crime_group = $2)
       and ($3::text is null or model_kind = $3)
     order by study_area, crime_group, model_kind, version desc`,
    [q.area ?? null, q.group ?? null, q.kind ?? null],
  );
}

/** One trained model's metadata, or undefined. */
export async function getTrainedModelMeta(db: Queryable, id: number): Promise<TrainedModelMeta | undefined> {
  const [row] = await db.query<TrainedModelMeta>(`select ${META_COLUMNS} from trained_models where id = $1`, [
    id,
  ]);
  return row;
}

/**
 * One trained model with its artifact JSON, checked against the stored SHA-256.
 * @returns undefined when no such id
 * @throws ConflictError when the stored artifact does not match its hash (changed or damaged)
 */
export async function getTrainedModel(
  db: Queryable,
  id: number,
): Promise<{ meta: TrainedModelMeta; artifactJson: string } | undefined> {
  const [row] = await db.query<TrainedModelMeta & { artifact: Buffer }>(
    `select ${META_COLUMNS}, artifact from trained_models where id = $1`,
    [id],
  );
  if (!row) return undefined;
  const { artifact, ...meta } = row;
  let json: string;
  try {
    json = gunzipSync(artifact).toString('utf8');
  } catch {
    throw new ConflictError(
      `El artefacto del modelo entrenado ${id} está dañado (no es gzip válido): no se usa`,
    );
  }
  if (sha256Hex(json) !== meta.artifactSha256 || Buffer.byteLength(json, 'utf8') !== meta.artifactSize)
    throw new ConflictError(
      `El artefacto del modelo entrenado ${id} no coincide con su SHA-256 guardado (${meta.artifactSha256.slice(0, 12)}…): fue alterado o está dañado, no se usa`,
    );
  return { meta, artifactJson: json };
}
