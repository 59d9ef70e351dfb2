/**
 * The adapter contract. An adapter checks a file's columns once (refusing the file, before
 * anything is written, when required columns are missing) and returns a row mapper that turns one
 * row into a validated record or a list of problems naming the fields.
 */
import { InputFileError } from '../../core/errors.ts';
import type { IncidentRow, MonthlyRow } from '../../core/records.ts';
import type { StudyArea } from '../../geo/study-area.ts';
import type { FieldProblem } from '../normalize.ts';

/** What a mapper makes of one row. */
export type MappedRow =
  | { kind: 'incident'; row: IncidentRow }
  | { kind: 'monthly'; row: MonthlyRow }
  | { kind: 'reject'; problems: FieldProblem[] }
  /** Left out by the mapping's row filter: counted as skipped, neither stored nor rejected. */
  | { kind: 'skip' };

/** Turns one row (values by column position) into a record. */
export type RowMapper = (values: readonly string[], rowNumber: number) => MappedRow;

/** Everything an adapter may consult. */
export interface AdapterContext {
  area: StudyArea;
  fileName: string;
  /** SHA-256 of the file (hex): scopes row-number identities to this file. */
  fileSha256: string;
  /** Clock for "date in the future" checks. */
  now: number;
}

/** A source adapter. */
export interface SourceAdapter {
  readonly id: string;
  /** What it reads, in Spanish, for --help and errors. */
  readonly description: string;
  /** Checks the header and compiles a mapper. @throws InputFileError naming missing columns */
  compile(header: readonly string[], ctx: AdapterContext): RowMapper;
}

/** Column positions by (case-insensitive) name. */
export class Columns {
  private readonly index = new Map<string, number>();
  constructor(readonly header: readonly string[]) {
    header.forEach((h, i) => {
      const k = h.trim().toLowerCase();
      if (!this.index.has(k)) this.index.set(k, i);
    });
  }
  /** Position of a column, or -1. */
  find(name: string): number {
    return this.index.get(name.toLowerCase()) ?? -1;
  }
  /** The first of several alternative names that is present, or -1. */
  first(...names: string[]): number {
    for (const n of names) {
      const i = this.find(n);
      if (i >= 0) return i;
    }
    return -1;
  }
  /**
   * Refuses the file when required columns are missing.
   * @param required names, or arrays of alternatives
   */
  require(required: readonly (string | readonly string[])[], fileName: string, what: string): void {
    const missing = required
      .filter((r) => (typeof r === 'string' ? this.find(r) < 0 : this.first(...r) < 0))
      .map((r) => (typeof r === 'string' ? r : r.join(' o ')));
    if (missing.length > 0) {
      const found = this.header.slice(0, 12).join(', ') + (this.header.length > 12 ? ', …' : '');
      throw new InputFileError(
        fileName,
        `no tiene el formato ${what}: faltan las columnas ${missing.join(', ')} (columnas encontradas: ${found})`,
      );
    }
  }
}

/** The value at a position, trimmed ('' when absent). */
export function cell(values: readonly string[], i: number): string {
  return i < 0 ? '' : (values[i] ?? '').trim();
}

/**
 * A row whose field count differs from the header's (a truncated or misaligned line) is rejected
 * as a whole, before any field is read.
 */
export function rowWidthReject(values: readonly string[], width: number): MappedRow | null {
  if (values.length === width) return null;
  return {
    kind: 'reject',
    problems: [
      {
        field: '(fila)',
        reason: `fila incompleta o desalineada: ${values.length} de ${width} campos (¿archivo truncado?)`,
        value: null,
      },
    ],
  };
}
