/**
 * Forecasts for planners' GIS through the real server on both stores: `format=shp` (a zip read back
 * with `shapefile`: one polygon per valid cell, Spanish attributes celda, riesgo, rango, percentil
 * equal to the GeoJSON answer's, WGS84 .prj) and `format=kml` (one Placemark per valid cell), for
 * the current forecast and a stored one by id; 404 without a forecast, 400 for an unknown format.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as shapefile from 'shapefile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, startApi } from '../test/api.ts';
import type { Backend } from '../test/db.ts';

type GeoJson = {
  forecast: { id: number; validCells: number };
  features: { properties: { cell: number; risk: number; rank: number; percentile: number } }[];
};

// File formats, not storage: one store (suite time; both stores answer the forecasts in api tests).
const STORES: readonly Backend[] = ['server'];

describe.each(STORES)('forecasts as Shapefile and KML (%s store)', (backend) => {
  let f: ApiFixture;
  const raw = async (path: string, role: keyof ApiFixture['users'] = 'planner') => {
    const r = await fetch(`${f.base}${path}`, {
      headers: { authorization: `Bearer ${f.users[role].token}` },
    });
    return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
  };

  beforeAll(async () => {
    f = await startApi(backend);
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  it('answers the current and a stored forecast as a Shapefile read back and a KML with a Placemark per cell', async () => {
    const current = '/api/v1/forecasts/current?group=property&turno=mañana';
    const gj = await raw(`${current}&format=geojson`);
    expect(gj.status).toBe(200);
    const fc = JSON.parse(gj.bytes.toString('utf8')) as GeoJson;
    const byCell = new Map(fc.features.map((x) => [x.properties.cell, x.properties]));
    expect(byCell.size).toBe(fc.forecast.validCells);

    const shp = await raw(`${current}&format=shp`);
    expect(shp.status, shp.bytes.toString('utf8').slice(0, 300)).toBe(200);
    expect(shp.headers.get('content-type')).toBe('application/zip');
    const layer = 'pronostico-callao-property-2025-03-30-manana';
    expect(shp.headers.get('content-disposition')).toBe(`attachment; filename="${layer}.zip"`);
    const dir = mkdtempSync(join(tmpdir(), 'vigia-forecast-shp-'));
    try {
      writeFileSync(join(dir, 'f.zip'), shp.bytes);
      execFileSync('unzip', ['-q', join(dir, 'f.zip'), '-d', dir]);
      expect(readdirSync(dir).sort()).toEqual(
        ['f.zip', `${layer}.dbf`, `${layer}.prj`, `${layer}.shp`, `${layer}.shx`].sort(),
      );
      expect(readFileSync(join(dir, `${layer}.prj`), 'utf8')).toMatch(/GCS_WGS_1984/);
      const source = await shapefile.open(join(dir, `${layer}.shp`), join(dir, `${layer}.dbf`));
      let n = 0;
      for (let r = await source.read(); !r.done; r = await source.read()) {
        n++;
        const p = r.value.properties as Record<string, number>;
        expect(Object.keys(p).sort()).toEqual(['celda', 'percentil', 'rango', 'riesgo']);
        const want = byCell.get(p.celda as number);
        expect(want, `celda ${p.celda}`).toBeDefined();
        expect(p.rango).toBe(want?.rank);
        expect(p.percentil).toBeCloseTo(want?.percentile as number, 5);
        expect(p.riesgo).toBeCloseTo(want?.risk as number, 5);
        expect(r.value.geometry.type).toBe('Polygon');
        const ring = (r.value.geometry as { coordinates: number[][][] }).coordinates[0] ?? [];
        const [lon, lat] = ring[0] ?? [];
        expect(lon).toBeGreaterThan(-77.3);
        expect(lon).toBeLessThan(-77.0);
        expect(lat).toBeGreaterThan(-12.2);
        expect(lat).toBeLessThan(-11.7);
      }
      expect(n).toBe(fc.forecast.validCells);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const kml = await raw(`${current}&format=kml`);
    expect(kml.status).toBe(200);
    expect(kml.headers.get('content-type')).toMatch(/kml/);
    expect(kml.headers.get('content-disposition')).toBe(`attachment; filename="${layer}.kml"`);
    const text = kml.bytes.toString('utf8');
    expect(text.startsWith('<?xml')).toBe(true);
    expect(text.match(/<Placemark>/g)?.length).toBe(fc.forecast.validCells);
    expect(text).toContain('<name>1</name>');
    expect(text).toContain('<Data name="percentil">');

    // A stored forecast by id: the same cells.
    const byId = await raw(`/api/v1/forecasts/${f.forecastId}?format=kml`, 'analyst');
    expect(byId.status).toBe(200);
    const idText = byId.bytes.toString('utf8');
    const idGj = JSON.parse(
      (await raw(`/api/v1/forecasts/${f.forecastId}?format=geojson`, 'analyst')).bytes.toString('utf8'),
    ) as GeoJson;
    expect(idText.match(/<Placemark>/g)?.length).toBe(idGj.forecast.validCells);
    const idShp = await raw(`/api/v1/forecasts/${f.forecastId}?format=shp`, 'analyst');
    expect(idShp.status).toBe(200);
    expect(idShp.headers.get('content-type')).toBe('application/zip');
  });

  it('404s without a forecast, 400s an unknown format naming it, and refuses community views', async () => {
    const none = await raw('/api/v1/forecasts/current?group=property&day=2020-01-01&format=shp');
    expect(none.status).toBe(404);
    expect(none.bytes.toString('utf8')).toContain('No hay pronóstico');
    const bad = await raw('/api/v1/forecasts/current?group=property&format=dwg');
    expect(bad.status).toBe(400);
    expect(bad.bytes.toString('utf8')).toContain('format');
    expect((await raw(`/api/v1/forecasts/${f.forecastId}?format=kml`, 'community')).status).toBe(403);
  });
});
