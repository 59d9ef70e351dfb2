/**
 * GET /api/v1/patrol-plans/:id/mission-sheet.pdf through the real server on a port, on both stores:
 * the analyst's sheet of the whole plan and the officer's of their sector (PDF bytes, file name,
 * first page rendered by pdftoppm, text by pdftotext), the refusals (unknown plan, another area's
 * plan for an officer, roles without the plan's areas), the audit rows and the OpenAPI entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRiskSurface } from '../core/risk-surface.ts';
import { gridForArea } from '../geo/area-grid.ts';
import { addStudyArea, getStudyArea } from '../services/areas.ts';
import { SHEET_COLOURS } from '../services/mission-sheet.ts';
import { makePatrolPlan } from '../services/patrol-plans.ts';
import { saveForecast } from '../storage/forecasts.ts';
import { type ApiFixture, call, OFFICER_SECTOR, startApi } from '../test/api.ts';
import { BACKENDS } from '../test/db.ts';
import { countColour, countInk, pdfPageImage, pdfText } from '../test/pdf.ts';

type Area = { order: number; code: string; name: string; expected: number; place: { label: string } };
type Plan = { id: number; version: number; areas: Area[] };
type Err = { error: { code: string; message: string } };

const SETUP = { actor: 'test', role: null, ip: null, requestId: null };

describe.each(BACKENDS)('the mission sheet over HTTP (%s store)', (backend) => {
  let f: ApiFixture;
  let plan: Plan;
  const sheet = async (id: number, token: string) => {
    const r = await fetch(`${f.base}/api/v1/patrol-plans/${id}/mission-sheet.pdf`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const bytes = Buffer.from(await r.arrayBuffer());
    return { status: r.status, headers: r.headers, bytes };
  };

  beforeAll(async () => {
    f = await startApi(backend);
    const r = await call(f, 'POST', '/api/v1/patrol-plans', {
      token: f.users.analyst.token,
      body: { turno: 'noche', day: '2025-03-30', units: 30 },
    });
    expect(r.status, r.text).toBe(201);
    plan = (r.body as { plan: Plan }).plan;
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  it('gives analysts the whole plan as a PDF to download: map on page 1, every area with its place and expected crimes', async () => {
    const r = await sheet(plan.id, f.users.analyst.token);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    expect(r.headers.get('content-disposition')).toBe(
      `attachment; filename="mision-callao-2025-03-30-noche-v${plan.version}.pdf"`,
    );
    expect(r.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const page = pdfPageImage(r.bytes, 1);
    expect(countInk(page)).toBeGreaterThan(2000);
    expect(countColour(page, SHEET_COLOURS.areaOutline)).toBeGreaterThan(20);
    const text = pdfText(r.bytes);
    expect(text).toContain('Hoja de misión — patrullaje preventivo');
    expect(text).toContain('noche (18:00–24:00)');
    expect(text).toContain('Documento de uso policial interno');
    for (const a of plan.areas) {
      expect(text).toContain(a.place.label);
      expect(text).toContain(a.expected.toFixed(2));
    }
  });

  it("gives an officer only their sector's areas, and refuses what they may not see", async () => {
    const own = plan.areas.filter((a) => a.code === OFFICER_SECTOR);
    const others = plan.areas.filter((a) => a.code !== OFFICER_SECTOR);
    expect(own.length).toBeGreaterThan(0);
    expect(others.length).toBeGreaterThan(0);
    const r = await sheet(plan.id, f.users.officer.token);
    expect(r.status).toBe(200);
    const text = pdfText(r.bytes);
    for (const a of own) {
      expect(text).toContain(a.place.label);
      expect(text).toContain(a.expected.toFixed(2));
    }
    for (const a of others) {
      expect(text).not.toContain(a.place.label);
      expect(text).not.toContain(a.name);
    }
    expect(countColour(pdfPageImage(r.bytes, 1), SHEET_COLOURS.areaOutline)).toBeGreaterThan(10);

    // A plan of another study area: refused, saying why.
    await addStudyArea(f.t.db, {
      id: 'otra',
      name: 'Otra',
      timeZone: 'America/Lima',
      bbox: '-77.05,-12.08,-77.0,-12.04',
    });
    const area = await getStudyArea(f.t.db, 'otra');
    const { grid, mask } = gridForArea(area, { cellSize: 500 });
    const start = new Date('2025-03-30T23:00:00Z');
    await saveForecast(f.t.db, {
      area: 'otra',
      group: 'all',
      horizon: 'turno',
      turno: 'noche',
      targetDay: '2025-03-30',
      windowStart: start,
      windowEnd: new Date(start.getTime() + 6 * 3_600_000),
      modelKind: 'naive-counts',
      modelConfig: {},
      dataCutoff: new Date('2025-03-30T05:00:00Z'),
      eventsUsed: 10,
      surface: createRiskSurface(
        grid,
        Array.from(mask, (m, i) => m * ((i % 7) + 1)),
        mask,
      ),
    });
    const elsewhere = (await makePatrolPlan(f.t.db, { area: 'otra', turno: 'noche', units: 2, actor: SETUP }))
      .plan;
    const foreign = await call(f, 'GET', `/api/v1/patrol-plans/${elsewhere.id}/mission-sheet.pdf`, {
      token: f.users.officer.token,
    });
    expect(foreign.status).toBe(403);
    expect((foreign.body as Err).error.message).toBe(
      `El plan ${elsewhere.id} es del área otra; su sector (${OFFICER_SECTOR}) está en el área callao`,
    );

    const unknown = await call(f, 'GET', '/api/v1/patrol-plans/999999/mission-sheet.pdf', {
      token: f.users.analyst.token,
    });
    expect(unknown.status).toBe(404);
    expect((unknown.body as Err).error.message).toBe('No existe el plan de patrullaje 999999');
    const bad = await call(f, 'GET', '/api/v1/patrol-plans/abc/mission-sheet.pdf', {
      token: f.users.analyst.token,
    });
    expect(bad.status).toBe(400);
    for (const role of ['planner', 'official', 'community', 'researcher'] as const)
      expect((await sheet(plan.id, f.users[role].token)).status, role).toBe(403);

    const audited = await f.t.db.query<{ role: string; detail: string }>(
      `select role, detail from audit_log where action = 'patrol-plan.sheet' and target = $1 order by seq`,
      [`patrol-plan:${plan.id}`],
    );
    expect(
      audited.map((a) => {
        const d = JSON.parse(a.detail) as { view: string; areas: number };
        return [a.role, d.view, d.areas];
      }),
    ).toEqual([
      ['analyst', 'full', plan.areas.length],
      ['officer', 'sector', own.length],
    ]);
  });

  it('documents the route in OpenAPI as a PDF', async () => {
    const doc = (await call(f, 'GET', '/openapi.json')).body as {
      paths: Record<string, { get?: { responses: Record<string, { content?: Record<string, unknown> }> } }>;
    };
    const route = doc.paths['/api/v1/patrol-plans/{id}/mission-sheet.pdf'];
    expect(route?.get?.responses['200']?.content).toHaveProperty('application/pdf');
  });
});
