import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getStudyArea } from '../services/areas.ts';
import { writeDemoCsv } from '../services/demo.ts';
import { ingestFile } from '../services/ingest.ts';
import { runCli } from '../test/cli.ts';
import { CLI_BACKENDS, createTestDb, type TestDb } from '../test/db.ts';

describe.each(CLI_BACKENDS)('vigia summarize (real CLI, %s store)', (backend) => {
  let t: TestDb;
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await createTestDb(backend);
    env = { DATABASE_URL: t.url };
    const dir = mkdtempSync(join(tmpdir(), 'vigia-summarize-'));
    try {
      const file = join(dir, 'demo.csv');
      await writeDemoCsv(
        await getStudyArea(t.db, 'callao'),
        { years: 0.25, start: '2025-01-01', annualVolume: 2000, seed: 3 },
        file,
      );
      await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  afterAll(async () => {
    await t.drop();
  });

  it('with no model configured, stores a verified built-in draft and prints it in Spanish (and as JSON); a bad audience names --audience', async () => {
    const r = await runCli(
      ['summarize', '--from', '2025-03-01', '--to', '2025-03-31', '--audience', 'community'],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Borrador #1 \(summary, comunidad\) escrito por incorporado\./);
    expect(r.stdout).toMatch(/0 sin verificar, 0 rechazadas/);
    expect(r.stdout).toMatch(/Pendiente de revisión/);
    const j = await runCli(['summarize', '--from', '2025-03-01', '--to', '2025-03-15', '--json'], env);
    expect(j.code, j.stderr).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({
      id: 2,
      audience: 'internal',
      generator: 'incorporado',
      status: 'borrador',
    });
    const bad = await runCli(
      ['summarize', '--from', '2025-03-01', '--to', '2025-03-31', '--audience', 'vecinos'],
      env,
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--audience: use internal o community/);
  });
});
