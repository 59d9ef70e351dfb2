/**
 * Terminal output for the CLI: aligned tables, progress bars on stderr, and the one place where
 * errors become messages and exit codes.
 */
import cliProgress from 'cli-progress';
import { VigiaError, type VigiaErrorCode } from '../core/errors.ts';

/** Exit codes (documented in the README). */
export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  inputRefused: 3,
  notFound: 4,
  storage: 5,
  rowsRejected: 6,
  auditBroken: 7,
} as const;

const CODE_TO_EXIT: Record<VigiaErrorCode, number> = {
  CONFIG_INVALID: EXIT.usage,
  VALIDATION: EXIT.usage,
  INPUT_FILE_REJECTED: EXIT.inputRefused,
  NOT_FOUND: EXIT.notFound,
  CONFLICT: EXIT.usage,
  STORAGE: EXIT.storage,
  INSUFFICIENT_DATA: EXIT.usage,
  RULE_VIOLATION: EXIT.usage,
  UNAUTHENTICATED: EXIT.usage,
  FORBIDDEN: EXIT.usage,
  RATE_LIMITED: EXIT.usage,
};

/** Prints an error and returns the exit code; unknown errors keep their stack for the developer. */
export function reportError(err: unknown): number {
  if (err instanceof VigiaError) {
    process.stderr.write(`Error [${err.code}]: ${err.message}\n`);
    return CODE_TO_EXIT[err.code];
  }
  process.stderr.write(
    `Error inesperado / unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  return EXIT.unexpected;
}

/** Renders rows as an aligned text table. */
export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((r) =>
    r.map((v) => (v === null || v === undefined ? '—' : v instanceof Date ? v.toISOString() : String(v))),
  );
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...cells.map(line)].join('\n');
}

/**
 * A progress bar on stderr (periodic plain lines when stderr is not a terminal). It appears on the
 * first update, so work that finishes before the first progress report prints no bar at all.
 */
export function progressBar(
  label: string,
  total: number,
  unit: string,
): {
  update(value: number, extra?: Record<string, unknown>): void;
  stop(): void;
} {
  let bar: cliProgress.SingleBar | null = null;
  return {
    update(v, extra) {
      if (!bar) {
        bar = new cliProgress.SingleBar(
          {
            format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {eta_formatted}{rows}`,
            stream: process.stderr,
            noTTYOutput: true,
            notTTYSchedule: 2000,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0, { rows: '' });
      }
      bar.update(v, extra);
    },
    stop: () => bar?.stop(),
  };
}

/** Formats an integer with thin thousands separators (es-PE). */
export function n(value: number): string {
  return value.toLocaleString('es-PE');
}
