/**
 * GET /api/v1/crime-types against the real server on a real port, on both stores: the map's cell
 * panel ("most likely here this turno") — aggregate probabilities for a cell of the stored forecast's
 * grid, the forecast roles only, Spanish 400s naming the parameter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cellCount } from '../core/grid.ts';
import { getForecast } from '../storage/forecasts.ts';
import { SYNTHETIC_TAXONOMY } from '../synthetic/generator.ts';
import { type ApiFixture, call, startApi } from '../test/api.ts';
import { BACKENDS } from '../test/db.ts';

interface Answer {
  area: string;
  cell: number;
  day: string;
  turno: string | null;
  types: { label: string; probability: number }[];
  model: string;
  trainedOn: { from: string; to: string; incidents: number };
}

/** Modalities of the protected kinds: never an answer. */
const RESTRICTED_MODALITIES = [...SYNTHETIC_TAXONOMY.violencia_familiar, ...SYNTHETIC_TAXONOMY.sexual].map(
  (l) => l.modalidad,
);

function expectProbabilities(a: Answer): void {
  expect(a.types.length).toBeGreaterThan(0);
  for (const t of a.types) {
    expect(t.probability).toBeGreaterThanOrEqual(0);
    expect(t.probability).toBeLessThanOrEqual(1);
    expect(RESTRICTED_MODALITIES).not.toContain(t.label);
  }
  for (let i = 1; i < a.types.length; i++)
    expect(a.types[i - 1]?.probability).toBeGreaterThanOrEqual(a.types[i]?.probability as number);
  const total = a.types.reduce((s, t) => s + t.probability, 0);
  expect(total).toBeGreaterThan(0);
  expect(total).toBeLessThanOrEqual(1 + 1e-9);
}

describe.each(BACKENDS)('GET /api/v1/crime-types (%s store)', (backend) => {
  let f: ApiFixture;
  let cell: number;
  let cells: number;
  let outside: number;
  beforeAll(async () => {
    f = await startApi(backend);
    // The riskiest cell of the stored property forecast of 30/03/2025 (a place with history), and a
    // cell of the same grid outside the area.
    const stored = await getForecast(f.t.db, f.forecastId);
    if (!stored) throw new Error('the fixture stores a forecast');
    const { mask, values, grid } = stored.surface;
    cells = cellCount(grid);
    cell = -1;
    for (let c = 0; c < cells; c++)
      if (mask[c] && (cell < 0 || (values[c] as number) > (values[cell] as number))) cell = c;
    outside = mask.indexOf(0);
    expect(mask[cell]).toBe(1);
    expect(outside).toBeGreaterThanOrEqual(0);
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  it('answers the forecast roles with the top types of a cell, per turno and for the whole day', async () => {
    const get = (path: string, token = f.users.analyst.token) =>
      call(f, 'GET', `/api/v1/crime-types?${path}`, { token });
    // Concurrent first calls (one fit shared by the cache): a turno, the whole day, a researcher.
    const [night, whole, researcher] = await Promise.all([
      get(`cell=${cell}&turno=noche&group=property`),
      get(`cell=${cell}`),
      get(`cell=${cell}&turno=noche&day=2025-03-30`, f.users.researcher.token),
    ]);
    for (const r of [night, whole, researcher]) expect(r.status, r.text.slice(0, 300)).toBe(200);
    const a = night.body as Answer;
    // Aggregate only: exactly these fields, nothing about an incident.
    expect(Object.keys(a).sort()).toEqual(['area', 'cell', 'day', 'model', 'trainedOn', 'turno', 'types']);
    expect(a).toMatchObject({ area: 'callao', cell, day: '2025-03-30', turno: 'noche', model: 'gbt' });
    expect(a.trainedOn).toMatchObject({ from: '2024-03-30', to: '2025-03-30' });
    expect(a.trainedOn.incidents).toBeGreaterThan(1000);
    expectProbabilities(a);
    // The default day is the current forecast's; the same fitted model answers every call of the day.
    const day = whole.body as Answer;
    expect(day.day).toBe('2025-03-30');
    expect(day.turno).toBeNull();
    expect(day.trainedOn).toEqual(a.trainedOn);
    expectProbabilities(day);
    expect(researcher.body).toEqual(a);
    // The whole day mixes the four turnos: each type's probability lies between the turnos' own.
    const turnos = await Promise.all(
      ['madrugada', 'mañana', 'tarde', 'noche'].map(
        async (t) => (await get(`cell=${cell}&turno=${encodeURIComponent(t)}`)).body as Answer,
      ),
    );
    for (const t of day.types) {
      const per = turnos.map((x) => x.types.find((y) => y.label === t.label)?.probability);
      if (per.some((p) => p === undefined)) continue;
      expect(t.probability).toBeGreaterThanOrEqual(Math.min(...(per as number[])) - 1e-9);
      expect(t.probability).toBeLessThanOrEqual(Math.max(...(per as number[])) + 1e-9);
    }
  }, 120_000);

  it('refuses community views and callers without credentials', async () => {
    const community = await call(f, 'GET', `/api/v1/crime-types?cell=${cell}`, {
      token: f.users.community.token,
    });
    expect(community.status).toBe(403);
    expect(community.body).toMatchObject({
      error: { code: 'FORBIDDEN', message: expect.stringContaining('no tiene acceso') },
    });
    const anonymous = await call(f, 'GET', `/api/v1/crime-types?cell=${cell}`);
    expect(anonymous.status).toBe(401);
  });

  it('refuses bad parameters with a Spanish 400 naming the parameter', async () => {
    const bad = async (query: string, field: RegExp, message: RegExp): Promise<void> => {
      const r = await call(f, 'GET', `/api/v1/crime-types?${query}`, { token: f.users.analyst.token });
      expect(r.status, query).toBe(400);
      const e = (r.body as { error: { code: string; message: string } }).error;
      expect(e.code, query).toBe('VALIDATION');
      expect(e.message, query).toMatch(field);
      expect(e.message, query).toMatch(message);
    };
    await bad('', /cell/, /celda/);
    await bad('cell=abc', /cell/, /número entero/);
    await bad('cell=-3', /cell/, /número entero/);
    await bad(`cell=${cells + 10}`, /cell/, /no es una celda del área/);
    await bad(`cell=${outside}`, /cell/, /no es una celda del área/);
    await bad(`cell=${cell}&turno=siesta`, /turno/, /madrugada/);
    await bad(`cell=${cell}&day=30-03-2025`, /day/, /AAAA-MM-DD/);
    await bad(`cell=${cell}&day=2025-02-30`, /day/, /fecha inválida/);
    await bad(`cell=${cell}&group=drogas`, /group/, /property/);
    await bad(`cell=${cell}&x=1`, /querystring/, /x/);
    // A day without a stored forecast: the cell has no grid to refer to.
    const none = await call(f, 'GET', `/api/v1/crime-types?cell=${cell}&day=2025-01-15`, {
      token: f.users.analyst.token,
    });
    expect(none.status).toBe(404);
    expect((none.body as { error: { message: string } }).error.message).toContain('15/01/2025');
  });

  it('is in the OpenAPI document', async () => {
    const r = await call(f, 'GET', '/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.body as { paths: Record<string, { get?: { parameters?: { name: string }[] } }> };
    const names = doc.paths['/api/v1/crime-types']?.get?.parameters?.map((p) => p.name) ?? [];
    expect(names.sort()).toEqual(['area', 'cell', 'day', 'group', 'turno']);
  });
});
