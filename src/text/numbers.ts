/**
 * Numbers and dates in Spanish text (es-PE writing as Vigía writes it: "1 234", "12,5 %",
 * "31/03/2025", "1 de marzo de 2025"): how writers format a statistic and how the verifier reads
 * every number and date back out of a sentence. Pure: no I/O.
 */
import { MONTH_NAME_PATTERN, monthNumber } from '../core/spanish.ts';

/** A value as writers print it: thousands grouped by a space, decimal comma, at most one decimal. */
export function formatNumber(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  const [int, dec] = Math.abs(rounded)
    .toFixed(Number.isInteger(rounded) ? 0 : 1)
    .split('.') as [string, string | undefined];
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${rounded < 0 ? '-' : ''}${grouped}${dec ? `,${dec}` : ''}`;
}

/** YYYY-MM-DD → DD/MM/YYYY. */
export function formatDay(day: string): string {
  const [y, m, d] = day.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

/** Number words a writer may use instead of digits ("tres robos"); "un/uno/una" are left out (articles). */
const NUMBER_WORDS: Readonly<Record<string, number>> = {
  dos: 2,
  tres: 3,
  cuatro: 4,
  cinco: 5,
  seis: 6,
  siete: 7,
  ocho: 8,
  nueve: 9,
  diez: 10,
  once: 11,
  doce: 12,
  trece: 13,
  catorce: 14,
  quince: 15,
  dieciséis: 16,
  dieciseis: 16,
  diecisiete: 17,
  dieciocho: 18,
  diecinueve: 19,
  veinte: 20,
  treinta: 30,
  cuarenta: 40,
  cincuenta: 50,
  cien: 100,
  ciento: 100,
  mil: 1000,
};

/** A date found in a text: the first and the day after the last day it names (ISO, half-open). */
export interface DateMention {
  text: string;
  from: string;
  to: string;
}

/** A number found in a text: its value and the decimals written. */
export interface NumberMention {
  text: string;
  value: number;
  decimals: number;
}

const iso = (y: number, m: number, d: number): string =>
  new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);

/** Date patterns, most specific first: each match is removed before the numbers are read. */
const DATE_PATTERNS: readonly [RegExp, (m: RegExpExecArray) => { from: string; to: string } | null][] = [
  [/\b(\d{4})-(\d{2})-(\d{2})\b/g, (m) => day(Number(m[1]), Number(m[2]), Number(m[3]))],
  [/\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/g, (m) => day(Number(m[3]), Number(m[2]), Number(m[1]))],
  [
    new RegExp(`\\b(\\d{1,2}) de (${MONTH_NAME_PATTERN})(?: (?:de|del) (\\d{4}))?`, 'gi'),
    (m) => (m[3] ? day(Number(m[3]), monthNumber(m[2] as string), Number(m[1])) : null),
  ],
  [
    new RegExp(`\\b(${MONTH_NAME_PATTERN})(?: de| del)? (\\d{4})\\b`, 'gi'),
    (m) => {
      const y = Number(m[2]);
      const mo = monthNumber(m[1] as string);
      return { from: iso(y, mo, 1), to: iso(y, mo + 1, 1) };
    },
  ],
  [
    /\b(?:año|en|de|del) ((?:19|20)\d{2})\b/gi,
    (m) => ({ from: iso(Number(m[1]), 1, 1), to: iso(Number(m[1]) + 1, 1, 1) }),
  ],
];

function day(y: number, m: number, d: number): { from: string; to: string } | null {
  if (m < 1 || m > 12 || d < 1 || d > 31) return null;
  return { from: iso(y, m, d), to: iso(y, m, d + 1) };
}

/**
 * The dates a text names, and the text with them blanked out (a day-of-month without a year, "3 de
 * marzo", is blanked too: it is a date, not a count, and its period is unknown).
 */
export function extractDates(text: string): { dates: DateMention[]; rest: string } {
  let rest = text;
  const dates: DateMention[] = [];
  for (const [re, read] of DATE_PATTERNS) {
    rest = rest.replace(re, (...args) => {
      const m = args.slice(0, -2) as unknown as RegExpExecArray;
      const span = read(m);
      if (span) dates.push({ text: args[0] as string, ...span });
      return ' '.repeat((args[0] as string).length);
    });
  }
  return { dates, rest };
}

/** Clock times ("10:30", "22 h", "a las 10") are not counts: blanked before numbers are read. */
const TIMES = /\b\d{1,2}:\d{2}(?::\d{2})?\b|\b\d{1,2} ?h(?:oras)?\b|\ba las? \d{1,2}(?::\d{2})?\b/gi;

/** Every number in a text outside dates and clock times: digits (es-PE grouping) and number words. */
export function extractNumbers(text: string): NumberMention[] {
  const { rest } = extractDates(text);
  const clean = rest.replace(TIMES, (t) => ' '.repeat(t.length));
  const out: NumberMention[] = [];
  const digits =
    /(?<![\p{L}\p{N}])(-?\d{1,3}(?:[ \u00a0\u202f]\d{3})+|-?\d+)(?:[.,](\d+))?(?![\p{L}\p{N}])/gu;
  for (const m of clean.matchAll(digits)) {
    const int = (m[1] as string).replace(/[ \u00a0\u202f]/g, '');
    const dec = m[2] ?? '';
    out.push({ text: m[0], value: Number(`${int}${dec ? `.${dec}` : ''}`), decimals: dec.length });
  }
  for (const m of clean.matchAll(/\p{L}+/gu)) {
    const v = NUMBER_WORDS[m[0].toLowerCase()];
    if (v !== undefined) out.push({ text: m[0], value: v, decimals: 0 });
  }
  return out;
}

/** Whether `written` (with its decimals) is `value` as a writer may round it; signs are ignored ("bajó 12,5 %"). */
export function sameNumber(written: NumberMention, value: number): boolean {
  const f = 10 ** written.decimals;
  return Math.abs(Math.round(Math.abs(value) * f) / f - Math.abs(written.value)) < 1e-9;
}
