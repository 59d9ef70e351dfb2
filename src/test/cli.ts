/** Runs the real `vigia` CLI in a child process. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const VIGIA_BIN = fileURLToPath(new URL('../../bin/vigia.js', import.meta.url));

/**
 * VIGIA_AUDIT_KEY of every CLI run and test store (db.ts), so that audit rows appended by either
 * verify with both. Tests of the key file set VIGIA_AUDIT_KEY to '' (unset).
 */
export const TEST_AUDIT_KEY_HEX = 'a1'.repeat(32);

/** Result of a finished CLI run. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts the CLI; the caller may kill it. The audit key is the test stores' own (see db.ts) and a
 * server does not anchor the audit head into a shared data folder, unless `env` says otherwise.
 */
export function startCli(
  args: string[],
  env: Record<string, string>,
  input?: string,
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [VIGIA_BIN, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      LOG_LEVEL: 'warn',
      VIGIA_AUDIT_KEY: TEST_AUDIT_KEY_HEX,
      VIGIA_AUDIT_ANCHOR_MINUTES: '0',
      ...env,
    },
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (input !== undefined) child.stdin?.end(input);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

/** Runs the CLI to completion. */
export function runCli(args: string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  return startCli(args, env, input).done;
}
