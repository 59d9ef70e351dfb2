import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsvChunk } from '../../src/ingest/csv.ts';
import { PROVINCE_SIDE_M, provinces, REJECT_EVERY, writeProvince } from './generate.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigia-national-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('national simulation data', () => {
  it('splits the incidents exactly, writes them seeded, inside each bbox, with the declared rejects', () => {
    const ps = provinces(3, 25_000);
    expect(ps.reduce((s, p) => s + p.incidents, 0)).toBe(25_000);
    expect(new Set(ps.map((p) => p.def.id)).size).toBe(3);
    const [p] = provinces(1, 12_000);
    if (!p) throw new Error('no province');
    const a = writeProvince(p, 1, dir, { endDay: '2026-01-01', days: 60 });
    const first = readFileSync(a.file, 'utf8');
    const b = writeProvince(p, 1, dir, { endDay: '2026-01-01', days: 60 });
    expect(readFileSync(b.file, 'utf8')).toBe(first);
    const [header = [], ...rows] = parseCsvChunk(first, ',', true).rows;
    expect(rows.length).toBe(12_000);
    expect(a.rejects).toBe(Math.floor(12_000 / REJECT_EVERY));
    const [minLon, minLat, maxLon, maxLat] = p.def.bbox as [number, number, number, number];
    const col = (name: string) => header.indexOf(name);
    const [time, lon, lat] = [col('fecha_hora_hecho'), col('long_hecho'), col('lat_hecho')];
    let bad = 0;
    const outside: string[][] = [];
    for (const r of rows) {
      const t = r[time] as string;
      if (t === 'sin fecha') bad++;
      else if (!(t >= '2025-11-02' && t < '2026-01-01')) outside.push(r);
      const [x, y] = [Number(r[lon]), Number(r[lat])];
      if (!(x > minLon && x < maxLon && y > minLat && y < maxLat)) outside.push(r);
    }
    expect(outside).toEqual([]);
    expect(bad).toBe(a.rejects);
    expect((maxLat - minLat) * 111_320).toBeCloseTo(PROVINCE_SIDE_M, -1);
  });
});
