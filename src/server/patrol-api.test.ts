/**
 * Patrol plans and the officer's patrol log through the real server on a port, on both stores:
 * making a plan (idempotent), each role's view of the current plan, every rule of the log (area
 * outside the officer's sector or plan, check-out without or before its check-in, a second open
 * check-in, an id reused), resends, an out-of-order pair, the audit rows, the exposure the logs
 * give, and the routes in the OpenAPI document.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exposureShare } from '../prevention/feedback.ts';
import { changeUser, createToken, createUser } from '../services/accounts.ts';
import { patrolExposure } from '../services/patrol-logs.ts';
import { getForecast } from '../storage/forecasts.ts';
import { type ApiFixture, call, OFFICER_SECTOR, startApi, TEST_PASSWORD } from '../test/api.ts';
import { BACKENDS } from '../test/db.ts';

type Area = {
  order: number;
  code: string;
  name: string;
  cells: number[];
  expected: number;
  cellExpected?: number[];
};
type Sector = { code: string; units: number; share: number; expectedCovered: number };
type Plan = { id: number; forecastId: number; modelKind: string; areas: Area[]; sectors: Sector[] };
type Explanation = {
  forecast: string;
  method: string;
  sectors: { code: string }[];
  areas: { order: number; text: string }[];
};
type View = {
  view: string;
  plan: { id: number };
  grid?: unknown;
  areas?: Area[];
  sectors: Sector[];
  explanation?: Explanation;
};
type Entry = { id: string; kind: string; minutes: number | null; checkIn: string | null; username: string };
type Err = { error: { code: string; message: string } };

const SETUP = { actor: 'test', role: null, ip: null, requestId: null };
const t = (hhmm: string): string => `2025-03-30T${hhmm}:00-05:00`;

describe.each(BACKENDS)('patrol plans and the patrol log over HTTP (%s store)', (backend) => {
  let f: ApiFixture;
  let plan: Plan;
  let own: Area;
  let other: Area;
  /** A second officer, in the sector of `other`. */
  let officer2: string;
  const officer = (): string => f.users.officer.token;
  const log = (body: Record<string, unknown>, token = officer()) =>
    call(f, 'POST', '/api/v1/patrol-logs', { token, body });
  const entries = async (token: string): Promise<Entry[]> => {
    const r = await call(f, 'GET', `/api/v1/patrol-logs?plan=${plan.id}`, { token });
    expect(r.status, r.text).toBe(200);
    return (r.body as { entries: Entry[] }).entries;
  };

  beforeAll(async () => {
    f = await startApi(backend);
    const r = await call(f, 'POST', '/api/v1/patrol-plans', {
      token: f.users.analyst.token,
      body: { turno: 'noche', day: '2025-03-30', units: 30 },
    });
    expect(r.status, r.text).toBe(201);
    plan = (r.body as { plan: Plan }).plan;
    own = plan.areas.find((a) => a.code === OFFICER_SECTOR) as Area;
    other = plan.areas.find((a) => a.code !== OFFICER_SECTOR) as Area;
    expect(own).toBeDefined();
    expect(other).toBeDefined();
    const u = await createUser(
      f.t.db,
      { username: 'u-officer-2', role: 'officer', password: TEST_PASSWORD },
      SETUP,
    );
    await changeUser(f.t.db, u.id, { sector: { area: 'callao', code: other.code } }, SETUP);
    officer2 = (await createToken(f.t.db, u, { name: 't', scopes: ['read'] }, SETUP)).token;
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  it('makes a plan once per forecast and settings; errors name the body field', async () => {
    const again = await call(f, 'POST', '/api/v1/patrol-plans', {
      token: f.users.admin.token,
      body: { turno: 'noche', day: '2025-03-30', units: 30 },
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, plan: { id: plan.id } });
    const bad = await call(f, 'POST', '/api/v1/patrol-plans', {
      token: f.users.analyst.token,
      body: { turno: 'noche', day: '2025-03-30', unitsBySector: { '999999': 2 } },
    });
    expect(bad.status).toBe(400);
    expect((bad.body as Err).error.message).toMatch(/^unitsBySector: .*999999/);
    const none = await call(f, 'POST', '/api/v1/patrol-plans', {
      token: f.users.analyst.token,
      body: { turno: 'noche', day: '2024-01-01', units: 3 },
    });
    expect(none.status).toBe(404);
    const officerMakes = await call(f, 'POST', '/api/v1/patrol-plans', {
      token: officer(),
      body: { turno: 'noche', units: 3 },
    });
    expect(officerMakes.status).toBe(403);
  });

  it("gives each role its view of the current plan: officers only their sector's areas, planners and officials aggregates", async () => {
    const view = async (token: string, query = 'turno=noche') => {
      const r = await call(f, 'GET', `/api/v1/patrol-plans/current?${query}`, { token });
      return { status: r.status, body: r.body as View & Err };
    };
    const full = await view(f.users.analyst.token);
    expect(full.status).toBe(200);
    expect(full.body.view).toBe('full');
    expect(full.body.plan.id).toBe(plan.id);
    expect(full.body.areas).toEqual(plan.areas);

    const mine = await view(officer());
    expect(mine.status).toBe(200);
    expect(mine.body.view).toBe('sector');
    const ownAreas = plan.areas.filter((a) => a.code === OFFICER_SECTOR);
    expect(mine.body.areas).toEqual(ownAreas);
    expect(mine.body.sectors.map((s) => s.code)).toEqual([OFFICER_SECTOR]);
    // Not one cell of another sector's areas.
    const foreign = new Set(plan.areas.filter((a) => a.code !== OFFICER_SECTOR).flatMap((a) => a.cells));
    expect(mine.body.areas?.flatMap((a) => a.cells).some((c) => foreign.has(c))).toBe(false);
    expect(JSON.stringify(mine.body)).not.toContain(`"${other.code}"`);
    // Every plan explains itself: the forecast and model, the method, why each area (own sector only).
    expect(full.body.explanation?.areas.map((a) => a.order)).toEqual(plan.areas.map((a) => a.order));
    expect(full.body.explanation?.forecast).toContain(`Pronóstico ${plan.forecastId} `);
    expect(full.body.explanation?.forecast).toContain(plan.modelKind);
    expect(full.body.explanation?.forecast).toMatch(/incidentes conocidos antes de/);
    expect(mine.body.explanation?.areas.map((a) => a.order)).toEqual(ownAreas.map((a) => a.order));
    expect(mine.body.explanation?.sectors.map((s) => s.code)).toEqual([OFFICER_SECTOR]);
    const first = ownAreas[0] as Area;
    expect(mine.body.explanation?.areas[0]?.text).toContain(
      `sus celdas: ${first.cells[0]} (${Number(first.cellExpected?.[0]).toFixed(2)})`,
    );
    expect(mine.body.explanation?.areas[0]?.text).not.toContain(other.name);
    // Another area than the sector's is refused.
    expect((await view(officer(), 'turno=noche&area=lima')).status).toBe(403);

    for (const role of ['planner', 'official'] as const) {
      const agg = await view(f.users[role].token);
      expect(agg.status).toBe(200);
      expect(agg.body.view).toBe('districts');
      expect(agg.body).not.toHaveProperty('areas');
      expect(agg.body).not.toHaveProperty('grid');
      expect(agg.body.sectors).toEqual(plan.sectors);
      expect(JSON.stringify(agg.body)).not.toContain('cells');
      expect(agg.body).not.toHaveProperty('explanation');
    }
    for (const role of ['community', 'researcher'] as const)
      expect((await view(f.users[role].token)).status).toBe(403);

    // An officer without a sector is told why.
    const u = await createUser(
      f.t.db,
      { username: 'u-sin-sector', role: 'officer', password: TEST_PASSWORD },
      SETUP,
    );
    const tok = (await createToken(f.t.db, u, { name: 't', scopes: ['read'] }, SETUP)).token;
    const lost = await view(tok);
    expect(lost.status).toBe(403);
    expect(lost.body.error.message).toContain('sector');
    // No plan for that turno: 404 naming how to make one.
    const missing = await view(f.users.analyst.token, 'turno=madrugada');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('patrol-plans');

    // Every read is audited with the caller's view.
    const audit = await call(f, 'GET', '/api/v1/audit?action=patrol-plan.read&limit=1000', {
      token: f.users.admin.token,
    });
    const rows = (audit.body as { entries: { role: string; target: string; detail: string }[] }).entries;
    const views = new Map(rows.map((r) => [r.role, JSON.parse(r.detail).view]));
    expect(views.get('analyst')).toBe('full');
    expect(views.get('officer')).toBe('sector');
    expect(views.get('planner')).toBe('districts');
    expect(views.get('official')).toBe('districts');
    expect(rows.every((r) => r.target === `patrol-plan:${plan.id}`)).toBe(true);
  });

  it('refuses check-ins outside the plan or the sector, with the field named and nothing stored', async () => {
    const otherSector = await log({
      id: randomUUID(),
      kind: 'check-in',
      planId: plan.id,
      areaOrder: other.order,
      at: t('19:00'),
    });
    expect(otherSector.status).toBe(422);
    expect((otherSector.body as Err).error).toMatchObject({ code: 'RULE_VIOLATION' });
    expect((otherSector.body as Err).error.message).toMatch(/^areaOrder: .*sector/);
    const notInPlan = await log({
      id: randomUUID(),
      kind: 'check-in',
      planId: plan.id,
      areaOrder: plan.areas.length + 1,
      at: t('19:00'),
    });
    expect(notInPlan.status).toBe(422);
    expect((notInPlan.body as Err).error.message).toMatch(/^areaOrder: /);
    const noPlan = await log({
      id: randomUUID(),
      kind: 'check-in',
      planId: 999_999,
      areaOrder: 1,
      at: t('19:00'),
    });
    expect(noPlan.status).toBe(422);
    expect((noPlan.body as Err).error.message).toMatch(/^planId: /);
    const badId = await log({
      id: 'no-uuid',
      kind: 'check-in',
      planId: plan.id,
      areaOrder: own.order,
      at: t('19:00'),
    });
    expect(badId.status).toBe(400);
    expect(JSON.stringify(badId.body)).toContain('body.id');
    expect(await entries(officer())).toEqual([]);
  });

  it('keeps a shift: check-in, resend, second check-in refused, check-out before, check-out, without', async () => {
    const inId = randomUUID();
    const checkIn = { id: inId, kind: 'check-in', planId: plan.id, areaOrder: own.order, at: t('19:10') };
    const first = await log(checkIn);
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ duplicate: false, entry: { id: inId, kind: 'check-in' } });
    // The offline queue resends it: the stored entry, no second row.
    const resent = await log(checkIn);
    expect(resent.status).toBe(200);
    expect(resent.body).toEqual({ ...(first.body as object), duplicate: true });
    // The same id with other content is a conflict.
    const reused = await log({ ...checkIn, at: t('19:11') });
    expect(reused.status).toBe(409);
    expect((reused.body as Err).error.message).toMatch(/^id: /);
    // A second open check-in.
    const second = await log({ ...checkIn, id: randomUUID(), at: t('19:20') });
    expect(second.status).toBe(409);
    expect((second.body as Err).error.message).toContain('check-in abierto');
    // A check-out timestamped before its check-in.
    const early = await log({
      id: randomUUID(),
      kind: 'check-out',
      planId: plan.id,
      areaOrder: own.order,
      checkIn: inId,
      at: t('19:05'),
      report: 'sin novedad',
    });
    expect(early.status).toBe(422);
    expect((early.body as Err).error.message).toMatch(/^at: .*anterior a su check-in/);
    // The check-out, without naming its check-in: closes the open one; minutes from the times.
    const outId = randomUUID();
    const out = await log({
      id: outId,
      kind: 'check-out',
      planId: plan.id,
      areaOrder: own.order,
      at: t('19:35'),
      report: 'táctica aplicada',
      tactic: 'presencia visible',
      note: 'comercios visitados',
    });
    expect(out.status, out.text).toBe(201);
    expect(out.body).toMatchObject({ entry: { checkIn: inId, minutes: 25, report: 'táctica aplicada' } });
    // A check-out with no open check-in, and a second check-out of the same check-in.
    const without = await log({
      id: randomUUID(),
      kind: 'check-out',
      planId: plan.id,
      areaOrder: own.order,
      at: t('19:50'),
      report: 'sin novedad',
    });
    expect(without.status).toBe(409);
    expect((without.body as Err).error.message).toMatch(/^checkIn: check-out sin check-in/);
    const twice = await log({
      id: randomUUID(),
      kind: 'check-out',
      planId: plan.id,
      areaOrder: own.order,
      checkIn: inId,
      at: t('19:50'),
      report: 'sin novedad',
    });
    expect(twice.status).toBe(409);
    // A visit overlapping the closed one.
    const overlap = await log({
      id: randomUUID(),
      kind: 'check-in',
      planId: plan.id,
      areaOrder: own.order,
      at: t('19:30'),
    });
    expect(overlap.status).toBe(409);
    expect((overlap.body as Err).error.message).toContain('superpone');
    expect((await entries(officer())).map((e) => e.id)).toEqual([inId, outId]);
  });

  it('accepts a check-in that arrives after its check-out when the times agree, refuses it otherwise', async () => {
    const inId = randomUUID();
    const outId = randomUUID();
    const out = await log({
      id: outId,
      kind: 'check-out',
      planId: plan.id,
      areaOrder: own.order,
      checkIn: inId,
      at: t('20:30'),
      report: 'incidente atendido',
    });
    expect(out.status, out.text).toBe(201);
    expect(out.body).toMatchObject({ entry: { minutes: null, checkIn: inId } });
    const late = await log({
      id: inId,
      kind: 'check-in',
      planId: plan.id,
      areaOrder: own.order,
      at: t('20:10'),
    });
    expect(late.status, late.text).toBe(201);
    const after = await entries(officer());
    expect(after.find((e) => e.id === outId)?.minutes).toBe(20);

    // A late check-in timestamped after its check-out is refused; the check-out stays waiting.
    const in2 = randomUUID();
    const out2 = randomUUID();
    expect(
      (
        await log({
          id: out2,
          kind: 'check-out',
          planId: plan.id,
          areaOrder: own.order,
          checkIn: in2,
          at: t('21:00'),
          report: 'sin novedad',
        })
      ).status,
    ).toBe(201);
    const wrong = await log({
      id: in2,
      kind: 'check-in',
      planId: plan.id,
      areaOrder: own.order,
      at: t('21:15'),
    });
    expect(wrong.status).toBe(422);
    expect((wrong.body as Err).error.message).toMatch(/^at: .*posterior a su check-out/);
    const now = await entries(officer());
    expect(now.map((e) => e.id)).not.toContain(in2);
    expect(now.find((e) => e.id === out2)?.minutes).toBeNull();
    expect(new Set(now.map((e) => e.id)).size).toBe(now.length);
  });

  it('shows officers their own entries and analysts everyone’s; exposure per cell comes from the visits', async () => {
    const id2 = randomUUID();
    expect(
      (
        await log(
          { id: id2, kind: 'check-in', planId: plan.id, areaOrder: other.order, at: t('19:00') },
          officer2,
        )
      ).status,
    ).toBe(201);
    expect(
      (
        await log(
          {
            id: randomUUID(),
            kind: 'check-out',
            planId: plan.id,
            areaOrder: other.order,
            at: t('19:40'),
            report: 'sin novedad',
          },
          officer2,
        )
      ).status,
    ).toBe(201);
    const mine = await entries(officer());
    expect(mine.every((e) => e.username === f.users.officer.username)).toBe(true);
    const all = await entries(f.users.analyst.token);
    expect(all.map((e) => e.username)).toContain('u-officer-2');
    expect(all.length).toBe(mine.length + 2);
    expect(
      (await call(f, 'GET', `/api/v1/patrol-logs?plan=${plan.id}`, { token: f.users.planner.token })).status,
    ).toBe(403);

    const exposure = await patrolExposure(f.t.db, {
      area: 'callao',
      from: '2025-03-30',
      to: '2025-03-30',
      turno: 'noche',
    });
    // Completed visits: 25 + 20 minutes in the officer's area, 40 in the other officer's.
    let inOwn = 0;
    for (const c of own.cells) inOwn += exposure.minutes[c] as number;
    let inOther = 0;
    for (const c of other.cells) inOther += exposure.minutes[c] as number;
    expect(inOwn).toBeCloseTo(45, 9);
    expect(inOther).toBeCloseTo(40, 9);
    expect(exposure.minutes.reduce((a, b) => a + b, 0)).toBeCloseTo(85, 9);
    expect(exposure.visits).toBe(3);
    expect(exposure.minutes[own.cells[0] as number]).toBeCloseTo(45 / own.cells.length, 9);
    const share = exposureShare(exposure.minutes);
    expect(share[other.cells[0] as number]).toBeCloseTo(40 / other.cells.length / 85, 9);

    const audit = await call(f, 'GET', '/api/v1/audit?action=patrol-log.create&limit=1000', {
      token: f.users.admin.token,
    });
    const rows = (audit.body as { entries: { actor: string; detail: string }[] }).entries;
    // One row per stored entry (resends and refusals add none).
    expect(rows.length).toBe(all.length);
    const reads = await call(f, 'GET', '/api/v1/audit?action=patrol-logs.read&limit=1000', {
      token: f.users.admin.token,
    });
    expect((reads.body as { entries: unknown[] }).entries.length).toBeGreaterThan(0);
  });

  it("lets an admin set a user's sector to a district of the area, and nothing else", async () => {
    const u = await createUser(
      f.t.db,
      { username: 'u-agente', role: 'officer', password: TEST_PASSWORD },
      SETUP,
    );
    const patch = (sector: unknown) =>
      call(f, 'PATCH', `/api/v1/users/${u.id}`, { token: f.users.admin.token, body: { sector } });
    const bad = await patch({ area: 'callao', code: '999999' });
    expect(bad.status).toBe(400);
    expect((bad.body as Err).error.message).toMatch(/^sector: .*999999/);
    const ok = await patch({ area: 'callao', code: other.code });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ user: { sector: { area: 'callao', code: other.code } } });
    const cleared = await patch(null);
    expect(cleared.body).toMatchObject({ user: { sector: null } });
    const audit = await call(f, 'GET', '/api/v1/audit?action=user.update&limit=1000', {
      token: f.users.admin.token,
    });
    const rows = (audit.body as { entries: { target: string; detail: string }[] }).entries;
    expect(rows.filter((r) => r.target === `user:${u.id}`).map((r) => JSON.parse(r.detail).sector)).toEqual([
      null,
      { area: 'callao', code: other.code },
    ]);
  });

  it('documents the routes in OpenAPI', async () => {
    const doc = (await call(f, 'GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.paths['/api/v1/patrol-plans']).toHaveProperty('post');
    expect(doc.paths['/api/v1/patrol-plans/current']).toHaveProperty('get');
    expect(doc.paths['/api/v1/patrol-logs']).toHaveProperty('post');
    expect(doc.paths['/api/v1/patrol-logs']).toHaveProperty('get');
    expect(doc.paths['/api/v1/forecasts/{id}/hotspots']).toHaveProperty('get');
  });

  it("names a forecast's hotspots as people know them, for the area or one district", async () => {
    type Hot = {
      cell: number;
      rank: number;
      expected: number;
      district: { code: string; name: string } | null;
      place: { label: string; directionsUrl: string; attribution: string | null };
    };
    const hot = async (query: string, token = officer()) => {
      const r = await call(f, 'GET', `/api/v1/forecasts/${plan.forecastId}/hotspots${query}`, { token });
      return { status: r.status, body: r.body as { hotspots: Hot[] } & Err };
    };
    const stored = await getForecast(f.t.db, plan.forecastId);
    const values = stored?.surface.values as Float64Array;
    const mask = stored?.surface.mask as Uint8Array;
    const top = Array.from(values.keys())
      .filter((c) => mask[c] === 1 && (values[c] as number) > 0)
      .sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);

    const all = await hot('?limit=5');
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body.hotspots.map((h) => h.cell)).toEqual(top.slice(0, 5));
    expect(all.body.hotspots.map((h) => h.rank)).toEqual([1, 2, 3, 4, 5]);
    for (const h of all.body.hotspots) {
      expect(h.expected).toBeCloseTo(values[h.cell] as number, 6);
      expect(h.place.label.startsWith(h.district?.name ?? '')).toBe(true);
      expect(h.place.directionsUrl).toMatch(
        /^https:\/\/www\.google\.com\/maps\/dir\/\?api=1&destination=-12\./,
      );
    }
    // One district: only its cells, ranked among the whole area's.
    const own = await hot(`?limit=3&district=${OFFICER_SECTOR}`);
    expect(own.status).toBe(200);
    expect(own.body.hotspots.length).toBe(3);
    expect(own.body.hotspots.every((h) => h.district?.code === OFFICER_SECTOR)).toBe(true);
    const ranks = own.body.hotspots.map((h) => h.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(own.body.hotspots.map((h) => h.cell)).toEqual(ranks.map((r) => top[r - 1]));

    const bad = await hot('?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/limit/);
    const nowhere = await hot('?district=999999');
    expect(nowhere.status).toBe(400);
    expect(nowhere.body.error.message).toMatch(/^district: .*999999/);
    const r = await call(f, 'GET', '/api/v1/forecasts/999999/hotspots', { token: officer() });
    expect(r.status).toBe(404);
  });
});
