import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../test/postgres-server.ts';
import { startEmbedded, stopEmbedded } from './embedded.ts';

describe('embedded server lifecycle', () => {
  const dir = mkdtempSync(join('/var/tmp', 'vigia-embedded-'));
  afterAll(async () => {
    await stopEmbedded(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('is shared by two processes and not stopped under the other one', async () => {
    const port = await freePort();
    const first = await startEmbedded({ dataDir: dir, port });
    expect(first.description).toContain(`puerto ${port}`);
    const second = await startEmbedded({ dataDir: dir, port }); // reuses the running server
    expect(second.description).toContain('ya en ejecución');
    const client = new pg.Client({ connectionString: second.url });
    await client.connect();
    await first.release(); // the starter leaves: a client of the other process is still connected
    expect(existsSync(join(dir, 'pg', 'postmaster.pid'))).toBe(true);
    expect((await client.query('select 1 as one')).rows[0]).toEqual({ one: 1 });
    await client.end();
    await second.release(); // a reuser never stops the server
    expect(existsSync(join(dir, 'pg', 'postmaster.pid'))).toBe(true);
    expect(await stopEmbedded(dir)).toBe(true);
    expect(existsSync(join(dir, 'pg', 'postmaster.pid'))).toBe(false);
    expect(await stopEmbedded(dir)).toBe(false);
  });

  it('restarts on the same data and keeps it; refuses a busy port with a clear message', async () => {
    const port = await freePort();
    const a = await startEmbedded({ dataDir: dir, port });
    const c = new pg.Client({ connectionString: a.url });
    await c.connect();
    await c.query('create table if not exists kept (v int)');
    await c.query('insert into kept values (42)');
    await c.end();
    await a.release();
    const b = await startEmbedded({ dataDir: dir, port });
    const c2 = new pg.Client({ connectionString: b.url });
    await c2.connect();
    expect((await c2.query('select v from kept')).rows).toEqual([{ v: 42 }]);
    await c2.end();
    await b.release();

    const other = mkdtempSync(join('/var/tmp', 'vigia-embedded-busy-'));
    const blocker = await startEmbedded({ dataDir: dir, port });
    try {
      await expect(startEmbedded({ dataDir: other, port })).rejects.toThrow(
        /puerto .* ocupado.*VIGIA_EMBEDDED_PORT/,
      );
    } finally {
      await blocker.release();
      rmSync(other, { recursive: true, force: true });
    }
  });
});

describe('exit codes with the embedded server loaded', () => {
  it('keep a failing exit code (the library would turn it into 0 on beforeExit)', () => {
    let status = 0;
    try {
      execFileSync(
        process.execPath,
        ['--import', 'tsx', '-e', "await import('./src/storage/embedded.ts'); process.exitCode = 7;"],
        {
          stdio: 'pipe',
        },
      );
    } catch (err) {
      status = (err as { status: number }).status;
    }
    expect(status).toBe(7);
  });
});
