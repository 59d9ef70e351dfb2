/**
 * Redaction of stored narratives (issue 14, docs/text.md#redacción). Ingest redacts every new
 * narrative (services/ingest.ts, withRedactedNarrative); rows stored before migration 0014 have a
 * narrative and no redacted text, and stay hidden below the full view until this fill computes it.
 * The fill runs after every ingest and when `vigia start` opens the store; it is idempotent (a row
 * already filled is never rewritten).
 */
import { CRIME_CATEGORIES, isCategory } from '../core/taxonomy.ts';
import type { Db } from '../storage/db.ts';
import { storeRedactedNarratives, unredactedNarratives } from '../storage/incidents.ts';
import { redact } from '../text/redact.ts';

/** Rows redacted per round trip. */
const FILL_CHUNK = 2_000;

/** A narrative's redacted text: street mentions go too when the category (or the source's own flag) is protected. */
export function redactNarrative(narrative: string, category: string, restricted: boolean): string {
  const protectedCategory = restricted || (isCategory(category) && CRIME_CATEGORIES[category].restricted);
  return redact(narrative, { protectedCategory }).text;
}

/** Computes the missing redacted texts of stored narratives; returns how many rows it filled. */
export async function fillRedactedNarratives(db: Db): Promise<number> {
  let filled = 0;
  for (;;) {
    const rows = await unredactedNarratives(db, FILL_CHUNK);
    if (rows.length === 0) return filled;
    filled += await storeRedactedNarratives(
      db,
      rows.map((r) => ({
        source: r.source,
        externalId: r.externalId,
        redacted: redactNarrative(r.narrative, r.category, r.restricted),
      })),
    );
    if (rows.length < FILL_CHUNK) return filled;
  }
}
