/**
 * Generated texts and their versions (migration 0015). The rules (who may edit or approve, what a
 * role may read) live in services/texts.ts; this module only reads and writes rows.
 */
import type { Db, Queryable, Tx } from './db.ts';

export const TEXT_KINDS = ['summary', 'briefing', 'bulletin'] as const;
export type TextKind = (typeof TEXT_KINDS)[number];
export const TEXT_STATUSES = ['borrador', 'aprobado', 'rechazado'] as const;
export type TextStatus = (typeof TEXT_STATUSES)[number];

/** A draft's header (no versions). */
export interface TextDraftRow {
  id: number;
  kind: TextKind;
  audience: 'internal' | 'community';
  area: string;
  district: string | null;
  /** ISO days, half-open. */
  periodFrom: string;
  periodTo: string;
  generator: string;
  modelVersion: string | null;
  fallbackReason: string | null;
  prompt: string | null;
  rawOutput: string;
  grounding: unknown;
  status: TextStatus;
  generatedBy: string;
  createdAt: Date;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  reviewNote: string | null;
  /** Number of the newest version. */
  version: number;
}

export interface TextVersionRow {
  version: number;
  body: string;
  verification: unknown;
  publishable: string;
  author: string;
  createdAt: Date;
}

export type NewTextDraft = Omit<
  TextDraftRow,
  'id' | 'status' | 'createdAt' | 'reviewedBy' | 'reviewedAt' | 'reviewNote' | 'version'
>;

const COLUMNS = `d.id::int as id, d.kind, d.audience, d.study_area as area, d.district_code as district,
  to_char(d.period_from, 'YYYY-MM-DD') as "periodFrom", to_char(d.period_to, 'YYYY-MM-DD') as "periodTo",
  d.generator, d.model_version as "modelVersion", d.fallback_reason as "fallbackReason", d.prompt,
  d.raw_output as "rawOutput", d.grounding, d.status, d.generated_by as "generatedBy",
  d.created_at as "createdAt", d.reviewed_by as "reviewedBy", d.reviewed_at as "reviewedAt",
  d.review_note as "reviewNote",
  (select max(v.version) from text_versions v where v.draft_id = d.id)::int as version`;

/**
 * Stores a draft and its first version in one transaction; returns its id. `alsoInTx` runs in the
 * same transaction (a job recording its result: a retried job never stores a second draft).
 */
export function insertTextDraft(
  db: Db,
  d: NewTextDraft,
  first: Omit<TextVersionRow, 'version' | 'createdAt'>,
  alsoInTx?: (tx: Queryable, id: number) => Promise<void>,
): Promise<number> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ id: number }>(
      `insert into text_drafts (kind, audience, study_area, district_code, period_from, period_to, generator,
         model_version, fallback_reason, prompt, raw_output, grounding, generated_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13) returning id::int as id`,
      [
        d.kind,
        d.audience,
        d.area,
        d.district,
        d.periodFrom,
        d.periodTo,
        d.generator,
        d.modelVersion,
        d.fallbackReason,
        d.prompt,
        d.rawOutput,
        JSON.stringify(d.grounding),
        d.generatedBy,
      ],
    );
    const id = (row as { id: number }).id;
    await insertVersion(tx, id, 1, first);
    await alsoInTx?.(tx, id);
    return id;
  });
}

function insertVersion(
  tx: Queryable,
  id: number,
  version: number,
  v: Omit<TextVersionRow, 'version' | 'createdAt'>,
): Promise<unknown> {
  return tx.query(
    `insert into text_versions (draft_id, version, body, verification, publishable, author)
     values ($1, $2, $3, $4::jsonb, $5, $6)`,
    [id, version, v.body, JSON.stringify(v.verification), v.publishable, v.author],
  );
}

/** One draft, or undefined. */
export async function getTextDraft(db: Queryable, id: number): Promise<TextDraftRow | undefined> {
  const [row] = await db.query<TextDraftRow>(`select ${COLUMNS} from text_drafts d where d.id = $1`, [id]);
  return row;
}

/** A draft's versions, oldest first. */
export function textVersions(db: Queryable, id: number): Promise<TextVersionRow[]> {
  return db.query<TextVersionRow>(
    `select version, body, verification, publishable, author, created_at as "createdAt"
     from text_versions where draft_id = $1 order by version`,
    [id],
  );
}

/** Drafts of an area, newest first. */
export function listTextDrafts(
  db: Queryable,
  q: {
    area: string;
    kind?: TextKind;
    status?: TextStatus;
    audience?: 'internal' | 'community';
    limit: number;
  },
): Promise<TextDraftRow[]> {
  return db.query<TextDraftRow>(
    `select ${COLUMNS} from text_drafts d
     where d.study_area = $1 and ($2::text is null or d.kind = $2) and ($3::text is null or d.status = $3)
       and ($4::text is null or d.audience = $4)
     order by d.created_at desc, d.id desc limit $5`,
    [q.area, q.kind ?? null, q.status ?? null, q.audience ?? null, q.limit],
  );
}

/**
 * Runs `fn` on a draft locked for change (one writer at a time): its header and versions are read
 * inside the same transaction.
 */
export function withDraftLock<T>(
  db: Db,
  id: number,
  fn: (tx: Tx, draft: TextDraftRow | undefined) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query('select 1 from text_drafts where id = $1 for update', [id]);
    return fn(tx, await getTextDraft(tx, id));
  });
}

/** Adds a version (inside {@link withDraftLock}). */
export function addTextVersion(
  tx: Tx,
  id: number,
  version: number,
  v: Omit<TextVersionRow, 'version' | 'createdAt'>,
): Promise<unknown> {
  return insertVersion(tx, id, version, v);
}

/** Records a review decision (inside {@link withDraftLock}). */
export function setTextReview(
  tx: Tx,
  id: number,
  r: { status: 'aprobado' | 'rechazado'; by: string; note: string | null },
): Promise<unknown> {
  return tx.query(
    `update text_drafts set status = $2, reviewed_by = $3, reviewed_at = now(), review_note = $4
     where id = $1 and status = 'borrador'`,
    [id, r.status, r.by, r.note],
  );
}

/** Which of these incident ids ("source:external_id") are stored. */
export async function storedIncidentIds(db: Queryable, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.query<{ id: string }>(
    `select i.source || ':' || i.external_id as id from incidents i
     where (i.source, i.external_id) in (select split_part(x, ':', 1), substr(x, strpos(x, ':') + 1)
                                           from unnest($1::text[]) as x where strpos(x, ':') > 0)`,
    [ids],
  );
  return new Set(rows.map((r) => r.id));
}
