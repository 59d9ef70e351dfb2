/**
 * PDFs as a reader sees them, with poppler-utils (installed here and in CI): the text
 * (`pdftotext`) and a page rendered to pixels (`pdftoppm -r 50`, PPM).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function withFile<T>(pdf: Buffer, run: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-pdf-'));
  try {
    const file = join(dir, 'doc.pdf');
    writeFileSync(file, pdf);
    return run(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text of every page, whitespace runs folded to one space (lines of a table cell joined). */
export function pdfText(pdf: Buffer): string {
  return withFile(pdf, (file) =>
    execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }),
  )
    .replace(/\s+/g, ' ')
    .trim();
}

/** The number of pages (pdfinfo). */
export function pdfPages(pdf: Buffer): number {
  const info = withFile(pdf, (file) => execFileSync('pdfinfo', [file], { encoding: 'utf8' }));
  return Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
}

/** A page rendered to RGB pixels. */
export interface PageImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** Page `page` (1-based) at 50 dpi, as pixels (pdftoppm writes binary PPM by default; parsed here). */
export function pdfPageImage(pdf: Buffer, page = 1): PageImage {
  const ppm = withFile(pdf, (file) =>
    execFileSync('pdftoppm', ['-r', '50', '-f', String(page), '-l', String(page), file], {
      maxBuffer: 64 * 1024 * 1024,
    }),
  );
  // Header: "P6" width height maxval, each followed by one whitespace byte.
  const m = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.subarray(0, 64).toString('latin1'));
  if (m?.[3] !== '255') throw new Error('pdftoppm did not write an 8-bit PPM');
  const width = Number(m[1]);
  const height = Number(m[2]);
  const rgb = new Uint8Array(ppm.subarray(m[0].length, m[0].length + width * height * 3));
  if (rgb.length !== width * height * 3) throw new Error('PPM shorter than its header says');
  return { width, height, rgb };
}

/** Pixels within `tolerance` (per channel) of a colour given as #rrggbb. */
export function countColour(img: PageImage, hex: string, tolerance = 10): number {
  const r = Number.parseInt(hex.slice(1, 3), 16);
  const g = Number.parseInt(hex.slice(3, 5), 16);
  const b = Number.parseInt(hex.slice(5, 7), 16);
  let n = 0;
  for (let i = 0; i < img.rgb.length; i += 3)
    if (
      Math.abs((img.rgb[i] as number) - r) <= tolerance &&
      Math.abs((img.rgb[i + 1] as number) - g) <= tolerance &&
      Math.abs((img.rgb[i + 2] as number) - b) <= tolerance
    )
      n++;
  return n;
}

/** Pixels that are not (near) white. */
export function countInk(img: PageImage): number {
  let n = 0;
  for (let i = 0; i < img.rgb.length; i += 3)
    if ((img.rgb[i] as number) < 240 || (img.rgb[i + 1] as number) < 240 || (img.rgb[i + 2] as number) < 240)
      n++;
  return n;
}
