/**
 * Redaction recall and precision per kind (docs/text.md#redacción): seeded synthetic narratives
 * labelled by the generator, and the hand-written adversarial set. Prints a Markdown table.
 *   npx tsx bench/redaction.bench.ts [n=20000] [seed=14]
 */
import { ADVERSARIAL, type LabelledText, scoreRedaction, syntheticSet } from '../src/test/redaction-sets.ts';
import { PII_KINDS } from '../src/text/redact.ts';

const n = Number(process.argv[2] ?? 20_000);
const seed = Number(process.argv[3] ?? 14);
const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

function table(name: string, set: readonly LabelledText[]): void {
  const started = performance.now();
  const s = scoreRedaction(set);
  const ms = performance.now() - started;
  console.log(`\n${name}: ${set.length} texts, ${(ms / set.length).toFixed(3)} ms per text\n`);
  console.log('| kind | labelled | recall | findings | precision |');
  console.log('|---|---:|---:|---:|---:|');
  for (const k of PII_KINDS) {
    const v = s[k];
    console.log(`| ${k} | ${v.labelled} | ${pct(v.recall)} | ${v.findings} | ${pct(v.precision)} |`);
  }
}

table(`synthetic (seed ${seed})`, syntheticSet(n, seed));
table('adversarial', ADVERSARIAL);
