/**
 * Briefings and bulletins as reviewed texts (issue 14, item 6): their numbers (services/briefing.ts,
 * services/bulletin.ts) become a Grounding, the configured writer (a language model, or the
 * built-in method by default and as the fallback: src/text/summarize.ts, services/llm.ts) writes
 * the narrative, and the draft store of services/texts.ts keeps it (kind `briefing` / `bulletin`)
 * until a second person approves it. The briefing PDF prints a stored draft: the text of its
 * current version ("BORRADOR — sin aprobar" until approved; approved: the published text) with the
 * briefing's tables recomputed from the store.
 */
import { writeFile } from 'node:fs/promises';
import type { LlmSettings } from '../config/env.ts';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.ts';
import type { Db } from '../storage/db.ts';
import type { Grounding, Statistic } from '../text/grounding.ts';
import { getStudyArea } from './areas.ts';
import { type AuditContext, audit } from './audit.ts';
import { type Briefing, type BriefingRequest, briefing } from './briefing.ts';
import { briefingFilename, renderBriefingPdf } from './briefing-pdf.ts';
import { type Bulletin, type BulletinRequest, bulletin } from './bulletin.ts';
import { addDays } from './data-age.ts';
import { type DraftInput, readText, storeDraft, type TextDraft, writeGrounded } from './texts.ts';

/**
 * The aggregate view of every committee briefing, whoever generates it: the committee's officials
 * read it, so its numbers are those of their view (no protected category).
 */
export const BRIEFING_VIEW = 'exact' as const;

/** Audit action of every briefing PDF printed. */
export const BRIEFING_PDF_AUDIT = 'briefing.pdf';

/**
 * A committee briefing of a district and period, its narrative stored as a `briefing` draft
 * (audited `text.generate`).
 * @throws ValidationError naming `district`, `from` or `to`; NotFoundError for an unknown area
 */
export async function generateBriefing(
  db: Db,
  r: BriefingRequest & { llm: LlmSettings; actor: AuditContext; alsoInTx?: DraftInput['alsoInTx'] },
): Promise<{ draft: TextDraft; briefing: Briefing }> {
  const b = await briefing(db, r, BRIEFING_VIEW, r.actor);
  const written = await writeGrounded(b.grounding, r.llm);
  const draft = await storeDraft(
    db,
    { kind: 'briefing', grounding: b.grounding, ...written, ...(r.alsoInTx ? { alsoInTx: r.alsoInTx } : {}) },
    r.actor,
  );
  return { draft, briefing: b };
}

/**
 * A community bulletin (whole months, community view), its narrative stored as a `bulletin` draft
 * with a community Grounding (audited `text.generate`).
 * @throws ValidationError naming `from`, `to` or `district`; NotFoundError for an unknown area
 */
export async function generateBulletin(
  db: Db,
  r: BulletinRequest & { llm: LlmSettings; actor: AuditContext; alsoInTx?: DraftInput['alsoInTx'] },
): Promise<{ draft: TextDraft; bulletin: Bulletin }> {
  const b = await bulletin(db, r);
  const written = await writeGrounded(b.grounding, r.llm);
  const draft = await storeDraft(
    db,
    { kind: 'bulletin', grounding: b.grounding, ...written, ...(r.alsoInTx ? { alsoInTx: r.alsoInTx } : {}) },
    r.actor,
  );
  return { draft, bulletin: b };
}

const sameStatistics = (a: readonly Statistic[], b: readonly Statistic[]): boolean =>
  a.length === b.length &&
  a.every((s, i) => s.id === b[i]?.id && s.value === b[i]?.value && s.label === b[i]?.label);

/** A printed briefing. */
export interface BriefingPdf {
  pdf: Buffer;
  filename: string;
  draft: TextDraft;
}

/**
 * The PDF of a stored briefing draft: its current text (the published text once approved), the
 * tables recomputed from the store; the figures the text cites are the draft's, with a caveat when
 * the data changed since it was written. Audited (`text.read`, then `briefing.pdf`).
 * @throws NotFoundError for an unknown text or one that is not a briefing; ConflictError for a
 *   rejected one
 */
export async function briefingPdf(
  db: Db,
  id: number,
  actor: AuditContext,
  generatedAt: Date,
): Promise<BriefingPdf> {
  const draft = (await readText(db, id, 'drafts', actor)) as TextDraft;
  if (draft.kind !== 'briefing' || draft.district === null)
    throw new NotFoundError(`El texto ${id} no es un informe para el comité distrital`);
  if (draft.status === 'rechazado') throw new ConflictError(`El informe ${id} fue rechazado: no se imprime`);
  const stored = draft.grounding as Grounding;
  const b = await briefing(
    db,
    { area: draft.area, district: draft.district, from: draft.periodFrom, to: addDays(draft.periodTo, -1) },
    BRIEFING_VIEW,
    actor,
  );
  const changed = !sameStatistics(b.grounding.statistics, stored.statistics);
  const current = draft.versions[draft.versions.length - 1];
  const approved = draft.status === 'aprobado';
  const pdf = await renderBriefingPdf({
    briefing: {
      ...b,
      grounding: stored,
      caveats: changed
        ? [
            ...b.caveats,
            `Los datos cambiaron desde que se escribió el texto (${draft.createdAt.toISOString().slice(0, 10)}): el texto cita las cifras de «Cifras citadas», las tablas muestran los datos actuales.`,
          ]
        : b.caveats,
    },
    area: await getStudyArea(db, draft.area),
    text: {
      body: (approved ? current?.publishable : current?.body) ?? '',
      approved:
        approved && draft.reviewedBy ? { by: draft.reviewedBy, at: draft.reviewedAt ?? generatedAt } : null,
    },
    generatedAt,
    generatedBy: actor.actor,
  });
  await audit(db, actor, BRIEFING_PDF_AUDIT, `text:${id}`, { status: draft.status, changed });
  return { pdf, filename: briefingFilename(b), draft };
}

/**
 * Writes a briefing PDF to a file (the CLI's `--pdf`).
 * @throws ValidationError naming `field` when the file cannot be written (missing folder, no permission)
 */
export async function writeBriefingPdf(file: string, pdf: Buffer, field = '--pdf'): Promise<void> {
  try {
    await writeFile(file, pdf);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ValidationError(
      field,
      `no se pudo escribir el informe en ${file}${code === 'ENOENT' ? ': la carpeta no existe' : code ? ` (${code})` : ''}`,
    );
  }
}
