/**
 * Redaction measured (docs/text.md#redacción): recall and precision per kind on 2,000 seeded
 * synthetic narratives labelled by the generator, and on the hand-written adversarial set.
 */
import { describe, expect, it } from 'vitest';
import { ADVERSARIAL, scoreRedaction, syntheticSet } from '../test/redaction-sets.ts';
import { findPii } from './redact.ts';

const GOAL = 0.98;

describe('redaction metrics', () => {
  it('finds ≥ 98 % of DNI numbers, phones and plates in 2,000 synthetic narratives, precisely', () => {
    const set = syntheticSet(2000, 14);
    const s = scoreRedaction(set);
    for (const k of ['dni', 'phone', 'plate'] as const) {
      expect(s[k].labelled, k).toBeGreaterThan(200);
      expect(s[k].recall, k).toBeGreaterThanOrEqual(GOAL);
    }
    for (const k of ['email', 'name', 'address'] as const) {
      expect(s[k].labelled, k).toBeGreaterThan(50);
      expect(s[k].recall, k).toBeGreaterThanOrEqual(0.95);
    }
    for (const k of Object.keys(s) as (keyof typeof s)[])
      expect(s[k].precision, k).toBeGreaterThanOrEqual(0.95);
  });

  it('on the adversarial set: every DNI, phone and plate; no finding in the Spanish texts without personal data', () => {
    const s = scoreRedaction(ADVERSARIAL);
    for (const k of ['dni', 'phone', 'plate'] as const) expect(s[k].recall, k).toBeGreaterThanOrEqual(GOAL);
    const clean = ADVERSARIAL.filter((t) => t.spans.length === 0 && !t.text.startsWith('The '));
    expect(clean.length).toBeGreaterThanOrEqual(5);
    for (const t of clean)
      expect(findPii(t.text, { protectedCategory: t.protectedCategory }), t.text).toEqual([]);
  });
});
