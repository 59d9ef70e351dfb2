/**
 * The mission sheet of a stored plan, on both stores: rendered to PDF, its first page turned into
 * pixels (pdftoppm) and its text read back (pdftotext) — the Spanish header, each visible area's
 * place and expected crimes, the map's outline colour; an officer's sheet holds only their sector;
 * the same plan and time give the same bytes; an unknown plan and another area's plan are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../core/access.ts';
import { ForbiddenError, NotFoundError } from '../core/errors.ts';
import { mulberry32 } from '../core/random.ts';
import { createRiskSurface } from '../core/risk-surface.ts';
import { gridForArea } from '../geo/area-grid.ts';
import { saveForecast } from '../storage/forecasts.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { countColour, countInk, pdfPageImage, pdfText } from '../test/pdf.ts';
import { changeUser, createUser } from './accounts.ts';
import { addStudyArea, getStudyArea } from './areas.ts';
import type { AuditContext } from './audit.ts';
import { missionSheet, SHEET_COLOURS } from './mission-sheet.ts';
import { makePatrolPlan, type StoredPatrolPlan } from './patrol-plans.ts';

const actor: AuditContext = { actor: 'user:ana', role: 'analyst', ip: null, requestId: null };
const DAY = '2025-03-10';
const AT = new Date('2025-03-10T22:30:00Z');
const SECTOR = '070101'; // Callao district

/** A turno forecast of `area` on a 500 m grid with seeded random values. */
async function storeForecast(t: TestDb, areaId: string, seed: number): Promise<void> {
  const area = await getStudyArea(t.db, areaId);
  const { grid, mask } = gridForArea(area, { cellSize: 500 });
  const rand = mulberry32(seed);
  const start = new Date(`${DAY}T23:00:00Z`);
  await saveForecast(t.db, {
    area: areaId,
    group: 'all',
    horizon: 'turno',
    turno: 'noche',
    targetDay: DAY,
    windowStart: start,
    windowEnd: new Date(start.getTime() + 6 * 3_600_000),
    modelKind: 'naive-counts',
    modelConfig: {},
    dataCutoff: new Date(`${DAY}T05:00:00Z`),
    eventsUsed: 100,
    surface: createRiskSurface(
      grid,
      Array.from(mask, (m) => (m === 1 ? rand() ** 3 : 0)),
      mask,
    ),
  });
}

describe.each(BACKENDS)('mission sheet on %s', (backend) => {
  let t: TestDb;
  let plan: StoredPatrolPlan;
  let officer: Principal;

  beforeAll(async () => {
    t = await createTestDb(backend);
    await storeForecast(t, 'callao', 1);
    plan = (await makePatrolPlan(t.db, { area: 'callao', turno: 'noche', units: 12, actor })).plan;
    const u = await createUser(
      t.db,
      { username: 'efectivo', role: 'officer', password: 'clave-de-prueba-larga' },
      actor,
    );
    await changeUser(t.db, u.id, { sector: { area: 'callao', code: SECTOR } }, actor);
    officer = { userId: u.id, username: u.username, role: 'officer', scopes: ['read'], via: 'token' };
  }, 120_000);
  afterAll(async () => {
    await t?.drop();
  });

  it('renders the whole plan: header, map with the areas outlined on page 1, every area listed; same plan and time → same bytes; audited', async () => {
    expect(plan.areas.some((a) => a.code === SECTOR)).toBe(true);
    expect(plan.areas.some((a) => a.code !== SECTOR)).toBe(true);
    const sheet = await missionSheet(t.db, {
      planId: plan.id,
      view: 'full',
      principal: null,
      actor,
      generatedAt: AT,
    });
    expect(sheet.pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(sheet.filename).toBe(`mision-callao-${DAY}-noche-v${plan.version}.pdf`);

    const page = pdfPageImage(sheet.pdf, 1);
    expect(page.width).toBeGreaterThan(500); // A4 landscape at 50 dpi: 585 × 413
    expect(countInk(page)).toBeGreaterThan(2000);
    expect(countColour(page, SHEET_COLOURS.areaOutline)).toBeGreaterThan(20);

    const text = pdfText(sheet.pdf);
    for (const s of [
      'Hoja de misión — patrullaje preventivo',
      'Callao (callao)',
      '10/03/2025',
      'noche (18:00–24:00)',
      `${plan.id}, versión ${plan.version}`,
      `${plan.forecastId} (modelo Conteo simple (referencia)`,
      'por user:ana',
      'Delitos esperados en el turno',
      'Qué hacer',
      'Koper, 1995',
      'Documento de uso policial interno',
      'Nombres de calles y lugares: © OpenStreetMap contributors (ODbL)',
    ])
      expect(text).toContain(s);
    // Every area: its place label, its expected crimes with 2 decimals, its centre.
    for (const a of plan.areas) {
      expect(text).toContain(a.place?.label as string);
      expect(text).toContain(a.expected.toFixed(2));
      expect(text).toContain(`${a.place?.lat.toFixed(5)}, ${a.place?.lon.toFixed(5)}`);
    }
    expect(text).toMatch(/página 1 de \d/);

    const again = await missionSheet(t.db, {
      planId: plan.id,
      view: 'full',
      principal: null,
      actor,
      generatedAt: AT,
    });
    expect(again.pdf.equals(sheet.pdf)).toBe(true);
    const later = await missionSheet(t.db, {
      planId: plan.id,
      view: 'full',
      principal: null,
      actor,
      generatedAt: new Date(AT.getTime() + 60_000),
    });
    expect(later.pdf.equals(sheet.pdf)).toBe(false);
    const audited = await t.db.query<{ n: number }>(
      `select count(*)::int as n from audit_log where action = 'patrol-plan.sheet' and target = $1`,
      [`patrol-plan:${plan.id}`],
    );
    expect(audited[0]?.n).toBe(3);
  });

  it("gives an officer only their own sector: no other sector's area or district on the sheet", async () => {
    const sheet = await missionSheet(t.db, {
      planId: plan.id,
      view: 'sector',
      principal: officer,
      actor: { ...actor, actor: 'user:efectivo', role: 'officer' },
      generatedAt: AT,
    });
    expect(sheet.areas).toBe(plan.areas.filter((a) => a.code === SECTOR).length);
    const text = pdfText(sheet.pdf);
    expect(text).toContain('Callao (070101)');
    expect(text).toMatch(/Cobertura del sector Callao \(070101\)/);
    for (const a of plan.areas.filter((x) => x.code === SECTOR)) {
      expect(text).toContain(a.place?.label as string);
      expect(text).toContain(a.expected.toFixed(2));
    }
    for (const a of plan.areas.filter((x) => x.code !== SECTOR)) {
      expect(text).not.toContain(a.place?.label as string);
      expect(text).not.toContain(a.name);
    }
    expect(countColour(pdfPageImage(sheet.pdf, 1), SHEET_COLOURS.areaOutline)).toBeGreaterThan(10);
  });

  it('refuses an unknown plan and, for an officer, a plan of another study area (Spanish errors)', async () => {
    const unknown = missionSheet(t.db, {
      planId: 999_999,
      view: 'full',
      principal: null,
      actor,
      generatedAt: AT,
    });
    await expect(unknown).rejects.toBeInstanceOf(NotFoundError);
    await expect(unknown).rejects.toThrow('No existe el plan de patrullaje 999999');

    await addStudyArea(t.db, {
      id: 'otra',
      name: 'Otra',
      timeZone: 'America/Lima',
      bbox: '-77.05,-12.08,-77.0,-12.04',
    });
    await storeForecast(t, 'otra', 2);
    const elsewhere = (await makePatrolPlan(t.db, { area: 'otra', turno: 'noche', units: 2, actor })).plan;
    const refused = missionSheet(t.db, {
      planId: elsewhere.id,
      view: 'sector',
      principal: officer,
      actor,
      generatedAt: AT,
    });
    await expect(refused).rejects.toBeInstanceOf(ForbiddenError);
    await expect(refused).rejects.toThrow(
      `El plan ${elsewhere.id} es del área otra; su sector (070101) está en el área callao`,
    );
    // An analyst gets it (an area without districts: one sector, the area's outline on the map).
    const whole = await missionSheet(t.db, {
      planId: elsewhere.id,
      view: 'full',
      principal: null,
      actor,
      generatedAt: AT,
    });
    expect(pdfText(whole.pdf)).toContain('Otra (otra)');
    expect(countColour(pdfPageImage(whole.pdf, 1), SHEET_COLOURS.areaOutline)).toBeGreaterThan(10);
  });
});
