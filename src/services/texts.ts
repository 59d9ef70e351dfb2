/**
 * Generated texts as drafts, their review and publication (issue 14, docs/text.md#revisión):
 * summaries (this module writes them), committee briefings and community bulletins (stored here by
 * their own generators through {@link storeDraft}).
 *
 * Every text is a draft until a person approves it. Editing adds a version (the old ones are kept)
 * and is verified like generated text; approval publishes the current version's publishable text
 * (rejected sentences left out). The approver must not be the person who generated the draft nor the
 * author of its current version (four eyes); anyone who may review may reject. Approved and
 * rejected texts are final. Who generated, edited, approved or rejected, and every read, is in the
 * audit log. Community readers get only approved community texts, which are built only from
 * community groundings (published aggregates, no incident, no protected category).
 */
import type { LlmSettings } from '../config/env.ts';
import type { TextView } from '../core/access.ts';
import { ConflictError, NotFoundError, RuleViolationError, ValidationError } from '../core/errors.ts';
import type { Db, Queryable } from '../storage/db.ts';
import {
  addTextVersion,
  getTextDraft,
  insertTextDraft,
  listTextDrafts,
  type NewTextDraft,
  setTextReview,
  storedIncidentIds,
  type TextDraftRow,
  type TextKind,
  type TextStatus,
  type TextVersionRow,
  textVersions,
  withDraftLock,
} from '../storage/text-drafts.ts';
import type { Audience, Grounding } from '../text/grounding.ts';
import { redact } from '../text/redact.ts';
import { buildPrompt, builtInSummary } from '../text/summarize.ts';
import { citations, type Verification, verifyText } from '../text/verify.ts';
import { type AuditContext, audit } from './audit.ts';
import { buildGrounding } from './grounding.ts';
import { askModel, ModelUnavailable } from './llm.ts';

export { TEXT_KINDS, TEXT_STATUSES, type TextKind, type TextStatus } from '../storage/text-drafts.ts';
export type { SentenceCheck, Verification } from '../text/verify.ts';

/** Longest text a person may write in an edit. */
export const MAX_TEXT_CHARS = 20_000;

/** A draft with its versions (the `drafts` view). */
export interface TextDraft extends TextDraftRow {
  versions: TextVersionRow[];
}

/** What the `published` view shows of an approved community text. */
export interface PublishedText {
  id: number;
  kind: TextKind;
  audience: Audience;
  area: string;
  district: string | null;
  periodFrom: string;
  periodTo: string;
  text: string;
  reviewedAt: Date | null;
}

/** The person behind an audit context: "token:7 (ana)" and "ana" are the same person. */
export function person(ctx: AuditContext): string {
  return /^token:\d+ \((.*)\)$/.exec(ctx.actor)?.[1] ?? ctx.actor;
}

/** Checks a text against its Grounding, the cited incidents against the store. */
export async function verifyAgainstStore(db: Db, text: string, g: Grounding): Promise<Verification> {
  const ids = [...new Set(citations(text).incidents)];
  return verifyText(text, g, await storedIncidentIds(db, ids));
}

/** What a generator hands over to be stored as a draft. */
export interface DraftInput {
  kind: TextKind;
  grounding: Grounding;
  generator: string;
  modelVersion: string | null;
  fallbackReason: string | null;
  prompt: string | null;
  /** The writer's output as received (personal data is removed before it is stored). */
  output: string;
  /** Runs in the draft's own transaction (a job recording its result with it). */
  alsoInTx?: (tx: Queryable, id: number) => Promise<void>;
}

/** Verifies and stores a draft (version 1), audited as `text.generate`. */
export async function storeDraft(db: Db, d: DraftInput, actor: AuditContext): Promise<TextDraft> {
  const g = d.grounding;
  const verification = await verifyAgainstStore(db, d.output, g);
  const body = redact(d.output, { protectedCategory: false }).text;
  const row: NewTextDraft = {
    kind: d.kind,
    audience: g.audience,
    area: g.area,
    district: g.district,
    periodFrom: g.period.from,
    periodTo: g.period.to,
    generator: d.generator,
    modelVersion: d.modelVersion,
    fallbackReason: d.fallbackReason,
    prompt: d.prompt,
    rawOutput: body,
    grounding: g,
    generatedBy: person(actor),
  };
  const id = await insertTextDraft(
    db,
    row,
    {
      body,
      verification,
      publishable: verification.publishable,
      author: person(actor),
    },
    d.alsoInTx,
  );
  await audit(db, actor, 'text.generate', `text:${id}`, {
    kind: d.kind,
    audience: g.audience,
    generator: d.generator,
    fallbackReason: d.fallbackReason,
    sentences: verification.counts,
    leaks: verification.leaks,
  });
  return (await draftById(db, id)) as TextDraft;
}

/** A summary request. */
export interface SummaryRequest {
  area: string;
  district?: string | null;
  from: string;
  to: string;
  audience: Audience;
  llm: LlmSettings;
  actor: AuditContext;
}

/** The writer's part of a draft: the configured model, or the built-in method (also when it fails). */
export async function writeGrounded(
  g: Grounding,
  llm: LlmSettings,
): Promise<Omit<DraftInput, 'kind' | 'grounding'>> {
  const prompt = buildPrompt(g);
  let reply: Awaited<ReturnType<typeof askModel>> = null;
  let fallbackReason: string | null = null;
  try {
    reply = await askModel(llm, prompt);
  } catch (err) {
    if (!(err instanceof ModelUnavailable)) throw err;
    fallbackReason = err.message;
  }
  return {
    generator: reply?.generator ?? 'incorporado',
    modelVersion: reply?.modelVersion ?? null,
    fallbackReason,
    prompt: reply || fallbackReason ? `${prompt.system}\n\n${prompt.user}` : null,
    output: reply?.text ?? builtInSummary(g),
  };
}

/**
 * Writes a summary: Grounding from the store, the configured model (or the built-in method, also
 * when the model fails: the reason is stored), verification, a stored draft.
 */
export async function generateSummary(db: Db, r: SummaryRequest): Promise<TextDraft> {
  const grounding = await buildGrounding(db, r);
  return storeDraft(db, { kind: 'summary', grounding, ...(await writeGrounded(grounding, r.llm)) }, r.actor);
}

async function draftById(db: Db, id: number): Promise<TextDraft | undefined> {
  const d = await getTextDraft(db, id);
  return d ? { ...d, versions: await textVersions(db, id) } : undefined;
}

/** The published view of an approved community text. */
async function published(db: Db, d: TextDraftRow): Promise<PublishedText> {
  const versions = await textVersions(db, d.id);
  return {
    id: d.id,
    kind: d.kind,
    audience: d.audience,
    area: d.area,
    district: d.district,
    periodFrom: d.periodFrom,
    periodTo: d.periodTo,
    text: versions[versions.length - 1]?.publishable ?? '',
    reviewedAt: d.reviewedAt,
  };
}

const visible = (d: TextDraftRow, view: TextView): boolean =>
  view === 'drafts' || (d.status === 'aprobado' && d.audience === 'community');

/**
 * One text as the view shows it; audited (`text.read`).
 * @throws NotFoundError also for a text the view may not see (its existence is not revealed)
 */
export async function readText(
  db: Db,
  id: number,
  view: TextView,
  actor: AuditContext,
): Promise<TextDraft | PublishedText> {
  const d = await getTextDraft(db, id);
  if (!d || !visible(d, view)) throw new NotFoundError(`No existe el texto ${id}`);
  await audit(db, actor, 'text.read', `text:${id}`, { view });
  return view === 'drafts' ? ((await draftById(db, id)) as TextDraft) : published(db, d);
}

/** A draft as listed (the `drafts` view): who, what, when and its state; open it for the rest. */
export type TextListItem = Omit<
  TextDraftRow,
  'modelVersion' | 'fallbackReason' | 'prompt' | 'rawOutput' | 'grounding' | 'reviewNote'
>;

const listed = ({
  modelVersion: _m,
  fallbackReason: _f,
  prompt: _p,
  rawOutput: _r,
  grounding: _g,
  reviewNote: _n,
  ...item
}: TextDraftRow): TextListItem => item;

/** Texts of an area, newest first, as the view shows them; audited (`text.list`). */
export async function listTexts(
  db: Db,
  q: { area: string; kind?: TextKind; status?: TextStatus; limit?: number },
  view: TextView,
  actor: AuditContext,
): Promise<(TextListItem | PublishedText)[]> {
  const rows = await listTextDrafts(db, {
    area: q.area,
    limit: q.limit ?? 100,
    ...(q.kind ? { kind: q.kind } : {}),
    ...(view === 'published'
      ? { status: 'aprobado' as const, audience: 'community' as const }
      : q.status
        ? { status: q.status }
        : {}),
  });
  await audit(db, actor, 'text.list', null, { area: q.area, view, count: rows.length });
  return view === 'drafts' ? rows.map(listed) : Promise.all(rows.map((d) => published(db, d)));
}

/**
 * A person's edit: a new version, verified against the draft's Grounding; audited (`text.edit`).
 * @throws NotFoundError, ConflictError (approved or rejected texts are final), ValidationError
 */
export async function editText(db: Db, id: number, body: string, actor: AuditContext): Promise<TextDraft> {
  if (body.trim() === '') throw new ValidationError('body', 'el texto está vacío');
  if (body.length > MAX_TEXT_CHARS)
    throw new ValidationError('body', `el texto supera ${MAX_TEXT_CHARS} caracteres`);
  const draft = await getTextDraft(db, id);
  if (!draft) throw new NotFoundError(`No existe el texto ${id}`);
  const verification = await verifyAgainstStore(db, body, draft.grounding as Grounding);
  const version = await withDraftLock(db, id, async (tx, d) => {
    if (!d) throw new NotFoundError(`No existe el texto ${id}`);
    if (d.status !== 'borrador') throw new ConflictError(`El texto ${id} ya está ${d.status}: no se edita`);
    const v = d.version + 1;
    await addTextVersion(tx, id, v, {
      body: redact(body, { protectedCategory: false }).text,
      verification,
      publishable: verification.publishable,
      author: person(actor),
    });
    return v;
  });
  await audit(db, actor, 'text.edit', `text:${id}`, { version, sentences: verification.counts });
  return (await draftById(db, id)) as TextDraft;
}

/**
 * Approves or rejects a draft; audited (`text.approve` / `text.reject`).
 * @throws RuleViolationError when the approver generated the draft or wrote its current version
 * @throws NotFoundError, ConflictError (already reviewed)
 */
export async function reviewText(
  db: Db,
  id: number,
  r: { decision: 'aprobar' | 'rechazar'; note?: string },
  actor: AuditContext,
): Promise<TextDraft> {
  const who = person(actor);
  const status = r.decision === 'aprobar' ? 'aprobado' : 'rechazado';
  await withDraftLock(db, id, async (tx, d) => {
    if (!d) throw new NotFoundError(`No existe el texto ${id}`);
    if (d.status !== 'borrador') throw new ConflictError(`El texto ${id} ya está ${d.status}`);
    if (status === 'aprobado') {
      const versions = await textVersions(tx, id);
      const author = versions[versions.length - 1]?.author;
      if (who === d.generatedBy || who === author)
        throw new RuleViolationError(
          'decision',
          'quien generó el texto o escribió su versión actual no puede aprobarlo: debe aprobarlo otra persona',
        );
    }
    await setTextReview(tx, id, { status, by: who, note: r.note?.trim() || null });
  });
  await audit(db, actor, status === 'aprobado' ? 'text.approve' : 'text.reject', `text:${id}`, {
    ...(r.note ? { note: r.note } : {}),
  });
  return (await draftById(db, id)) as TextDraft;
}
