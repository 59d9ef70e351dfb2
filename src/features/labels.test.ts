import { describe, expect, it } from 'vitest';
import { createEventSet } from '../core/events.ts';
import { buildFeatures } from './build.ts';
import { featureLabel } from './labels.ts';

describe('featureLabel', () => {
  it('gives every family a Spanish label with its group, days or radius', () => {
    expect(featureLabel('count.property.7d')).toBe('robos y hurtos en la celda, últimos 7 días');
    expect(featureLabel('count.property.all')).toBe('robos y hurtos en la celda, todo el historial');
    expect(featureLabel('count.all.1825d')).toBe('delitos en la celda, últimos 5 años');
    expect(featureLabel('ring8.violent.30d')).toBe('delitos violentos en las 8 vecinas, últimos 30 días');
    expect(featureLabel('hour.cellShare')).toBe('perfil horario de la celda');
    expect(featureLabel('calendar.holiday')).toBe('feriado');
    expect(featureLabel('cluster.distance')).toBe('distancia al conglomerado');
    expect(featureLabel('env.mercados.count300m')).toBe('mercados a menos de 300 m');
    expect(featureLabel('algo.desconocido')).toBe('algo.desconocido');
  });

  it('labels every column the feature builder writes (none left as its raw name)', () => {
    const grid = { x0: 0, y0: 0, cellSize: 100, cols: 2, rows: 2, rotationDeg: 0, crs: 'EPSG:32718' };
    const m = buildFeatures({
      events: createEventSet({ t: [], x: [], y: [] }),
      grid,
      mask: new Uint8Array(4).fill(1),
      windows: [{ start: Date.UTC(2024, 0, 2), end: Date.UTC(2024, 0, 3) }],
      timeZone: 'America/Lima',
      country: 'PE',
      districtOfCell: new Int16Array(4),
      groups: ['property', 'all'],
      allHistory: true,
    });
    for (const c of m.schema.columns) expect(featureLabel(c.name), c.name).not.toBe(c.name);
  });
});
