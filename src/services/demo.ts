/**
 * Demo data: Vigía's synthetic Callao incidents (src/synthetic, docs/synthetic-data.md) written as a
 * SIDPOL geo-layer CSV and loaded through the same adapter as real exports, so the demo exercises
 * the real ingest path. Every row is labelled synthetic (`fuente`, and source "synthetic").
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StudyArea } from '../geo/study-area.ts';
import {
  DEFAULT_SYNTHETIC_OPTIONS,
  generateSynthetic,
  SIDPOL_GEO_COLUMNS,
  type SyntheticOptions,
  type SyntheticResult,
} from '../synthetic/generator.ts';

export { DEFAULT_SYNTHETIC_OPTIONS } from '../synthetic/generator.ts';

function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Generates the synthetic data set and writes it as CSV; returns the generator's ground truth. */
export async function writeDemoCsv(
  area: StudyArea,
  options: Partial<SyntheticOptions>,
  file: string,
): Promise<{ file: string; rows: number; truth: SyntheticResult['truth'] }> {
  const opts: SyntheticOptions = { ...DEFAULT_SYNTHETIC_OPTIONS, ...options };
  const result = generateSynthetic(area, opts);
  const out = createWriteStream(file, { encoding: 'utf8' });
  const lines: string[] = [`${SIDPOL_GEO_COLUMNS.join(',')}\n`];
  const flush = async (): Promise<void> => {
    if (!out.write(lines.join(''))) await once(out, 'drain');
    lines.length = 0;
  };
  for (const row of result.rows) {
    lines.push(`${SIDPOL_GEO_COLUMNS.map((c) => csvField(row[c])).join(',')}\n`);
    if (lines.length >= 5000) await flush();
  }
  await flush();
  out.end();
  await once(out, 'finish');
  return { file, rows: result.rows.length, truth: result.truth };
}

/** Default path of a demo file inside the data directory. */
export function demoFilePath(dataDir: string, options: Partial<SyntheticOptions>): string {
  const o = { ...DEFAULT_SYNTHETIC_OPTIONS, ...options };
  mkdirSync(join(dataDir, 'demo'), { recursive: true });
  return join(dataDir, 'demo', `callao-sintetico-semilla${o.seed}-${o.years}a-${o.annualVolume}.csv`);
}
