import { describe, expect, it } from 'vitest';
import { type ExplainablePlan, explainPlan } from './explain.ts';

const PLAN: ExplainablePlan = {
  turno: 'noche',
  day: '2025-03-30',
  group: 'all',
  forecastId: 7,
  forecastCreatedAt: '2025-03-30T12:00:00Z',
  modelKind: 'gbt-grid',
  modelConfig: { trainedModelId: 3 },
  settings: {
    unitsBySector: { A: 2, B: 1, C: 0 },
    unitsFrom: 'spread',
    maxCells: 4,
    dosage: { minutesPerVisit: 15, visits: 5 },
  },
  cellSize: 150,
  areas: [
    { order: 1, code: 'A', name: 'Callao', cells: [10, 11], expected: 0.9, cellExpected: [0.5, 0.4] },
    { order: 2, code: 'B', name: 'Bellavista', cells: [40], expected: 0.6, cellExpected: [0.6] },
    { order: 3, code: 'A', name: 'Callao', cells: [20, 21, 30], expected: 0.3 },
  ],
  sectors: [
    { code: 'A', name: 'Callao', units: 2, areas: 2, expectedCovered: 1.2, expectedTotal: 3, share: 0.4 },
    { code: 'B', name: 'Bellavista', units: 1, areas: 1, expectedCovered: 0.6, expectedTotal: 1, share: 0.6 },
    { code: 'C', name: 'La Punta', units: 0, areas: 0, expectedCovered: 0, expectedTotal: 0.2, share: 0 },
  ],
};

describe('explainPlan', () => {
  it('says which forecast, model and data, how areas were chosen, and why each area', () => {
    const e = explainPlan(PLAN, { dataCutoff: new Date('2025-03-31T00:00:00Z'), eventsUsed: 1234 });
    expect(e.forecast).toBe(
      'Pronóstico 7 del turno noche del 2025-03-30 (grupo all), hecho con el modelo Árboles potenciados (gbt-grid) (modelo entrenado 3, sin reajustar) el 2025-03-30 12:00 UTC, con 1234 incidentes conocidos antes de 2025-03-31 00:00 UTC (nada posterior se usó).',
    );
    expect(e.method).toContain('hasta 4 celdas de 150 m');
    expect(e.method).toContain('en proporción a sus delitos esperados');
    expect(e.method).toContain('5 veces, 15 minutos');
    expect(e.sectors.map((s) => s.text)).toEqual([
      'Callao: 2 unidades, 2 áreas que cubren 1.20 de 3.00 delitos esperados del distrito (40.0 %).',
      'Bellavista: 1 unidad, 1 área que cubre 0.60 de 1.00 delitos esperados del distrito (60.0 %).',
      'La Punta: sin unidades en este turno (0.20 delitos esperados en el distrito).',
    ]);
    expect(e.areas).toEqual([
      {
        order: 1,
        text: 'Área 1: 0.90 delitos esperados en el turno, el 30.0 % de los de Callao; es la de más riesgo del distrito en este plan (2 celdas contiguas; sus celdas: 10 (0.50), 11 (0.40)).',
      },
      {
        order: 2,
        text: 'Área 2: 0.60 delitos esperados en el turno, el 60.0 % de los de Bellavista; es la de más riesgo del distrito en este plan (1 celda; sus celdas: 40 (0.60)).',
      },
      {
        // Stored before cell values were kept: no per-cell detail.
        order: 3,
        text: 'Área 3: 0.30 delitos esperados en el turno, el 10.0 % de los de Callao; es la 2.ª de más riesgo del distrito en este plan (3 celdas contiguas).',
      },
    ]);
  });

  it("limits itself to the given sectors (an officer's view) and says when the forecast was re-made", () => {
    const e = explainPlan({ ...PLAN, modelConfig: {} }, null, new Set(['A']));
    expect(e.forecast).toContain('hecho con el modelo Árboles potenciados (gbt-grid) el ');
    expect(e.forecast).toContain('se rehízo después');
    expect(e.sectors.map((s) => s.code)).toEqual(['A']);
    expect(e.areas.map((a) => a.order)).toEqual([1, 3]);
    // The rank within the sector counts the sector's areas only.
    expect(e.areas[1]?.text).toContain('es la 2.ª de más riesgo');
    expect(JSON.stringify(e)).not.toContain('Bellavista');
  });

  it('says when the units per district were given by hand', () => {
    const e = explainPlan(
      { ...PLAN, settings: { ...PLAN.settings, unitsFrom: 'given' } },
      { dataCutoff: new Date(0), eventsUsed: 0 },
    );
    expect(e.method).toContain('las indicó quien hizo el plan');
  });
});
