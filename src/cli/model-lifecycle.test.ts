import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getStudyArea } from '../services/areas.ts';
import { writeDemoCsv } from '../services/demo.ts';
import { ingestFile } from '../services/ingest.ts';
import { promoteChallenger } from '../services/model-lifecycle.ts';
import { train } from '../services/training.ts';
import { runCli } from '../test/cli.ts';
import { CLI_BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { tempFile } from '../test/fixtures.ts';

const who = { actor: 'test', role: null, ip: null, requestId: null };

describe.each(CLI_BACKENDS)(
  'vigia models promote, champion, rollback and forecast with champions on %s',
  (backend) => {
    let t: TestDb;
    let env: Record<string, string>;
    beforeAll(async () => {
      t = await createTestDb(backend);
      env = { DATABASE_URL: t.url };
      const area = await getStudyArea(t.db, 'callao');
      const file = tempFile(`lifecycle-cli-${backend}.csv`, '');
      await writeDemoCsv(area, { years: 1, start: '2024-01-01', annualVolume: 4_000, seed: 6 }, file);
      await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao', now: Date.UTC(2026, 0, 1) });
    });
    afterAll(async () => {
      await t.drop();
    });

    it('promotes a better challenger with its evidence, shows the champion, rolls back, and forecasts with the champion', async () => {
      const base = {
        area: 'callao',
        group: 'property',
        until: '2024-10-01',
        horizon: 'day',
        audit: who,
      } as const;
      const a = (await train(t.db, { ...base, model: 'random' })).model;
      await promoteChallenger(t.db, { challenger: a.id, audit: who });
      const b = (await train(t.db, { ...base, model: 'naive-counts' })).model;

      const promote = await runCli(
        ['models', 'promote', String(b.id), '--period', '2024-10-01..2024-10-29'],
        env,
      );
      expect(promote.code, promote.stderr).toBe(0);
      expect(promote.stdout).toContain('PROMOVIDO');
      expect(promote.stdout).toMatch(/IC 95 % .* a .*, p = 0,\d{4}/);
      expect(promote.stdout).toContain(`modelo entrenado ${b.id}.`);

      const shown = await runCli(['models', 'champion', '--group', 'property', '--json'], env);
      expect(shown.code, shown.stderr).toBe(0);
      const [life] = JSON.parse(shown.stdout) as {
        champion: { id: number };
        challengers: { id: number }[];
        decisions: { decision: string; windows: number }[];
      }[];
      expect(life?.champion.id).toBe(b.id);
      expect(life?.challengers.map((m) => m.id)).toEqual([a.id]);
      expect(life?.decisions[0]?.decision).toBe('promoted');

      const back = await runCli(['models', 'rollback', String(a.id)], env);
      expect(back.code, back.stderr).toBe(0);
      expect(back.stdout).toContain(`de nuevo el modelo entrenado ${a.id}`);

      // No --model: the group's champion (the restored one) forecasts.
      const f = await runCli(
        [
          'forecast',
          '--day',
          '2024-11-05',
          '--allow-far',
          '--horizon',
          'day',
          '--groups',
          'property',
          '--json',
        ],
        env,
      );
      expect(f.code, f.stderr).toBe(0);
      const rows = await t.db.query<{ id: number; kind: string }>(
        `select (model_config->>'trainedModelId')::int as id, model_kind as kind from forecasts where target_day = '2024-11-05'`,
      );
      expect(rows).toEqual([{ id: a.id, kind: 'random' }]);

      const never = await runCli(['models', 'rollback', '999'], env);
      expect(never.code).not.toBe(0);
      expect(never.stderr).toMatch(/No existe el modelo entrenado 999/);
    });
  },
);
