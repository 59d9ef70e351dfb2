/**
 * `vigia briefing --pdf` and `vigia bulletin` as a user runs them (a new process on the PostgreSQL
 * server): the briefing stored as a draft and its PDF written, marked as a draft; the bulletin
 * stored as a community draft; a bad district named in the error.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test/cli.ts';
import { CLI_BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { pdfText } from '../test/pdf.ts';

describe.each(CLI_BACKENDS)('vigia briefing on %s', (backend) => {
  let t: TestDb;
  let env: Record<string, string>;
  const dir = mkdtempSync(join(tmpdir(), 'vigia-briefing-'));

  beforeAll(async () => {
    t = await createTestDb(backend);
    env = { DATABASE_URL: t.url };
    await t.db.query(
      `insert into incidents (source, external_id, study_area, batch_id, occurred_at, time_precision, lat, lon,
         geo_quality, district_code, category, turno, channel, restricted)
       select 'prueba', 'c-' || g, 'callao', 0,
         case when g <= 30 then timestamptz '2025-03-15 12:00-05' else timestamptz '2025-02-15 12:00-05' end,
         'exact', null, null, 'missing', '070101', 'robo', 'tarde', 'reported', false
       from generate_series(1, 45) as g`,
    );
  }, 120_000);
  afterAll(async () => {
    await t?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the briefing as a draft and writes its PDF marked BORRADOR; the bulletin as a community draft; a bad district is named', async () => {
    const file = join(dir, 'informe.pdf');
    const r = await runCli(
      ['briefing', '--district', '070101', '--from', '2025-03-01', '--to', '2025-03-31', '--pdf', file],
      env,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Informe CODISEC — Callao (070101), 2025-03-01 a 2025-03-31');
    expect(r.stdout).toContain('Patrimonio (hurto y robo): 30 (antes 15) — aumento');
    expect(r.stdout).toMatch(/Borrador #\d+ \(informe CODISEC\) escrito por incorporado/);
    const text = pdfText(readFileSync(file));
    expect(text).toContain('BORRADOR — sin aprobar');
    expect(text).toContain('Callao (070101) — marzo de 2025');

    const b = await runCli(
      ['bulletin', '--district', '070101', '--from', '2025-03-01', '--to', '2025-03-31'],
      env,
    );
    expect(b.code).toBe(0);
    expect(b.stdout).toContain('Robo: 30 denuncias en Callao');
    expect(b.stdout).toMatch(/Borrador #\d+ \(boletín comunitario\)/);
    const drafts = await t.db.query<{ kind: string; audience: string; status: string }>(
      'select kind, audience, status from text_drafts order by id',
    );
    expect(drafts).toEqual([
      { kind: 'briefing', audience: 'internal', status: 'borrador' },
      { kind: 'bulletin', audience: 'community', status: 'borrador' },
    ]);

    const bad = await runCli(
      ['briefing', '--district', '999999', '--from', '2025-03-01', '--to', '2025-03-31'],
      env,
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('district');
  });
});
