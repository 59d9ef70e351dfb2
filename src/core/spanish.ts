/**
 * Spanish month names, the one place every writer and reader of Spanish dates takes them from.
 *
 * Vigía writes "setiembre", the form Peru's state uses in official documents (police reports
 * write "12SET2024"); the RAE accepts both it and "septiembre". A reader of
 * text Vigía did not write (a language model's output, a pasted narrative) must accept both.
 */

/** Month names as Vigía writes them, January first. */
export const MONTH_NAMES = [
  'enero',
  'febrero',
  'marzo',
  'abril',
  'mayo',
  'junio',
  'julio',
  'agosto',
  'setiembre',
  'octubre',
  'noviembre',
  'diciembre',
] as const;

/** Three-letter abbreviations as police reports write them ("12SET2024"), January first. */
export const MONTH_ABBREVIATIONS = [
  'ENE',
  'FEB',
  'MAR',
  'ABR',
  'MAY',
  'JUN',
  'JUL',
  'AGO',
  'SET',
  'OCT',
  'NOV',
  'DIC',
] as const;

/** Every spelling a reader accepts, with its month number (1–12). */
const READ: ReadonlyMap<string, number> = new Map([
  ...MONTH_NAMES.map((name, i) => [name, i + 1] as const),
  ['septiembre', 9],
]);

/** The name of month `month` (1–12) as Vigía writes it. */
export function monthName(month: number): string {
  const name = MONTH_NAMES[month - 1];
  if (name === undefined) throw new RangeError(`month ${month} outside 1–12`);
  return name;
}

/** The month number (1–12) of a month name in any accepted spelling and case; 0 when it is none. */
export function monthNumber(name: string): number {
  return READ.get(name.toLowerCase()) ?? 0;
}

/** A regular-expression alternation matching every accepted spelling (use with the `i` flag). */
export const MONTH_NAME_PATTERN = [...READ.keys()].join('|');
