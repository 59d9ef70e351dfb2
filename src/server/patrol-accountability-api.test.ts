/**
 * The accountability routes through the real server on both stores (disparity, scenarios, measured
 * effect): each role's answer or refusal, the view of the reported-crime counts, bad parameters
 * named in 400s, the audit rows and the OpenAPI document; and the real CLI's three commands on the
 * PostgreSQL server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePatrolPlan } from '../services/patrol-plans.ts';
import { type ApiFixture, call, startApi } from '../test/api.ts';
import { runCli } from '../test/cli.ts';
import { BACKENDS } from '../test/db.ts';

type Curve = { units: number; expectedCovered: number; share: number }[];
type Err = { error: { code: string; message: string } };
const DAY = '2025-03-30';

describe.each(BACKENDS)('patrol disparity, scenarios and effect over HTTP (%s store)', (backend) => {
  let f: ApiFixture;
  const get = (path: string, role: keyof ApiFixture['users']) =>
    call(f, 'GET', path, { token: f.users[role].token });

  beforeAll(async () => {
    f = await startApi(backend);
    await makePatrolPlan(f.t.db, {
      area: 'callao',
      turno: 'noche',
      units: 10,
      actor: { actor: 'test', role: null, ip: null, requestId: null },
    });
  }, 120_000);
  afterAll(async () => {
    await f.close();
  });

  it('answers planners, officials, analysts and admins; refuses community, researcher and officer; names bad parameters; audits every read; in OpenAPI', async () => {
    const disparity = `/api/v1/patrol-disparity?from=2025-03-01&to=${DAY}`;
    const scenario = '/api/v1/patrol-scenarios?turno=noche&maxUnits=6';
    const effect = `/api/v1/patrol-effect?from=2025-03-01&to=${DAY}`;
    for (const path of [disparity, scenario, effect])
      for (const role of ['community', 'researcher', 'officer'] as const)
        expect((await get(path, role)).status, `${role} ${path}`).toBe(403);

    // Disparity: officials get the exact view (no restricted rows), analysts the full one.
    type Disparity = {
      view: string;
      turnos: { turno: string; reported: number; districts: { riskShare: number | null }[] }[];
    };
    const official = await get(disparity, 'official');
    expect(official.status, official.text).toBe(200);
    const analyst = (await get(disparity, 'analyst')).body as Disparity;
    const o = official.body as Disparity;
    expect(o.view).toBe('exact');
    expect(analyst.view).toBe('full');
    const noche = o.turnos.find((t) => t.turno === 'noche');
    expect(noche?.reported).toBeGreaterThan(0);
    expect(noche?.districts.reduce((s, d) => s + (d.riskShare ?? 0), 0)).toBeCloseTo(1, 9);
    for (const t of o.turnos)
      expect(t.reported).toBeLessThanOrEqual(analyst.turnos.find((x) => x.turno === t.turno)?.reported ?? -1);

    // Scenario for a planner: 0…6 units, non-decreasing.
    const s = await get(scenario, 'planner');
    expect(s.status, s.text).toBe(200);
    const total = (s.body as { total: { curve: Curve } }).total.curve;
    expect(total.map((p) => p.units)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (let i = 1; i < total.length; i++)
      expect(total[i]?.expectedCovered).toBeGreaterThanOrEqual(total[i - 1]?.expectedCovered ?? Infinity);

    const e = await get(effect, 'admin');
    expect(e.status, e.text).toBe(200);
    expect((e.body as { note: string }).note).toMatch(/observacional, no causal/);

    // Bad input: 400 naming the parameter; unknown area 404.
    const bad = async (path: string, field: string) => {
      const r = await get(path, 'analyst');
      expect(r.status, r.text).toBe(400);
      expect((r.body as Err).error.message).toContain(field);
    };
    await bad('/api/v1/patrol-scenarios?turno=noche&maxUnits=500', 'maxUnits');
    await bad(`/api/v1/patrol-disparity?from=${DAY}&to=2025-03-01`, 'from');
    await bad('/api/v1/patrol-effect?from=2025-03-01', 'to');
    expect(
      (await get(`/api/v1/patrol-effect?area=no-existe&from=2025-03-01&to=${DAY}`, 'analyst')).status,
    ).toBe(404);

    const rows = await f.t.db.query<{ action: string; n: number }>(
      `select action, count(*)::int as n from audit_log where action like 'patrol-%.read' and action <> 'patrol-plan.read' group by 1 order by 1`,
    );
    expect(rows).toEqual([
      { action: 'patrol-disparity.read', n: 2 },
      { action: 'patrol-effect.read', n: 1 },
      { action: 'patrol-scenario.read', n: 1 },
    ]);

    const doc = (await call(f, 'GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    for (const p of ['/api/v1/patrol-disparity', '/api/v1/patrol-scenarios', '/api/v1/patrol-effect'])
      expect(doc.paths[p], p).toHaveProperty('get');
  });

  it.runIf(backend === 'server')(
    'vigia disparity, scenario and patrol-effect (real CLI): Spanish tables, JSON, bad options named (exit 2)',
    async () => {
      const env = { DATABASE_URL: f.t.url };
      const d = await runCli(['disparity', '--area', 'callao', '--from', '2025-03-01', '--to', DAY], env);
      expect(d.code, d.stderr).toBe(0);
      expect(d.stdout).toMatch(/Disparidad del patrullaje — área callao/);
      expect(d.stdout).toMatch(/Regla: Se marca un distrito/);
      const s = await runCli(['scenario', '--turno', 'noche', '--max-units', '3', '--json'], env);
      expect(s.code, s.stderr).toBe(0);
      expect((JSON.parse(s.stdout) as { total: { curve: Curve } }).total.curve).toHaveLength(4);
      const e = await runCli(['patrol-effect', '--from', '2025-03-01', '--to', DAY], env);
      expect(e.code, e.stderr).toBe(0);
      expect(e.stdout).toMatch(/OBSERVACIONAL/);
      const bad = await runCli(['scenario', '--turno', 'noche', '--max-units', '0'], env);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--max-units: se espera un entero entre 1 y 200/);
      const late = await runCli(['disparity', '--from', DAY, '--to', '2025-03-01'], env);
      expect(late.code).toBe(2);
      expect(late.stderr).toMatch(/--from: el día inicial/);
    },
    120_000,
  );
});
