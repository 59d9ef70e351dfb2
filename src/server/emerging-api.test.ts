/**
 * Emerging hot spots through the real server on both stores: the roles that get it, the compact grid
 * and its counts per class and district, GeoJSON, the zipped Shapefile read back with `shapefile`
 * (features, Spanish attributes, WGS84 .prj), the KML parsed (Placemarks, a name), 400s naming the
 * parameter, the audit, OpenAPI; and the real CLI on the PostgreSQL server.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as shapefile from 'shapefile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMERGING_CLASSES } from '../analysis/emerging.ts';
import { type ApiFixture, call, startApi } from '../test/api.ts';
import { runCli } from '../test/cli.ts';
import { BACKENDS } from '../test/db.ts';

type Grid = {
  validCells: number;
  eventsUsed: number;
  months: number;
  classes: { code: string; label: string; cells: number }[];
  districts: { code: string; name: string; cells: Record<string, number> }[];
  mask: string;
  cellClasses: string;
};
type Err = { error: { code: string; message: string } };
const PATH = '/api/v1/hotspots/emerging?group=all&months=12';

describe.each(BACKENDS)('emerging hot spots over HTTP (%s store)', (backend) => {
  let f: ApiFixture;
  const get = (path: string, role: keyof ApiFixture['users']) =>
    call(f, 'GET', path, { token: f.users[role].token });
  const raw = async (path: string) => {
    const r = await fetch(`${f.base}${path}`, {
      headers: { authorization: `Bearer ${f.users.planner.token}` },
    });
    return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
  };

  beforeAll(async () => {
    f = await startApi(backend);
  }, 120_000);
  afterAll(async () => {
    await f.close();
  });

  it('answers planners, analysts, admins and officials with a class per cell and counts per class and district; refuses the others', async () => {
    for (const role of ['community', 'researcher', 'officer'] as const)
      expect((await get(PATH, role)).status, role).toBe(403);
    const r = await get(PATH, 'planner');
    expect(r.status, r.text).toBe(200);
    const g = r.body as Grid;
    expect(g.months).toBe(12);
    expect(g.eventsUsed).toBeGreaterThan(0);
    expect(g.classes.map((c) => c.code)).toEqual(EMERGING_CLASSES.map((c) => c.code));
    expect(g.classes.find((c) => c.code === 'new_hot')?.label).toBe('Punto caliente nuevo');
    // Every valid cell has one class; the grid's bytes agree with the counts.
    expect(g.classes.reduce((s, c) => s + c.cells, 0)).toBe(g.validCells);
    const bytes = Buffer.from(g.cellClasses, 'base64');
    expect(bytes.length).toBe(g.validCells);
    for (const [i, c] of g.classes.entries())
      expect(bytes.filter((b) => b === i).length, c.code).toBe(c.cells);
    // Data only in the last months: some cells are significant hot spots of the recent months.
    expect(g.classes.filter((c) => c.code.endsWith('_hot')).reduce((s, c) => s + c.cells, 0)).toBeGreaterThan(
      0,
    );
    // Districts: Callao's seven, their cells within the area's.
    expect(g.districts).toHaveLength(7);
    const inDistricts = g.districts.reduce(
      (s, d) => s + Object.values(d.cells).reduce((a, b) => a + b, 0),
      0,
    );
    expect(inDistricts).toBeLessThanOrEqual(g.validCells);
    expect(inDistricts).toBeGreaterThan(0);
    // The same aggregate for every allowed role: restricted rows are never counted.
    for (const role of ['analyst', 'admin', 'official'] as const) {
      const o = await get(PATH, role);
      expect(o.status, role).toBe(200);
      expect((o.body as Grid).cellClasses, role).toBe(g.cellClasses);
    }
  });

  it('GeoJSON, Shapefile (read back) and KML (parsed) with Spanish attributes', async () => {
    // 500 m cells keep the files small.
    const path = `${PATH}&cellSize=500`;
    const g = (await get(path, 'planner')).body as Grid;
    const gj = await raw(`${path}&format=geojson`);
    expect(gj.status).toBe(200);
    expect(gj.headers.get('content-type')).toMatch(/geo\+json/);
    const fc = JSON.parse(gj.bytes.toString('utf8')) as {
      features: { properties: Record<string, unknown>; geometry: { coordinates: number[][][] } }[];
    };
    expect(fc.features).toHaveLength(g.validCells);
    const [lon, lat] = (fc.features[0]?.geometry.coordinates[0]?.[0] ?? []) as number[];
    expect(lon).toBeGreaterThan(-77.3);
    expect(lon).toBeLessThan(-77.0);
    expect(lat).toBeGreaterThan(-12.2);
    expect(lat).toBeLessThan(-11.7);

    const shp = await raw(`${path}&format=shp`);
    expect(shp.status).toBe(200);
    expect(shp.headers.get('content-type')).toBe('application/zip');
    expect(shp.headers.get('content-disposition')).toMatch(/zonas-emergentes-callao-all\.zip/);
    const dir = mkdtempSync(join(tmpdir(), 'vigia-shp-'));
    try {
      writeFileSync(join(dir, 'z.zip'), shp.bytes);
      execFileSync('unzip', ['-q', join(dir, 'z.zip'), '-d', dir]);
      const base = join(dir, 'zonas-emergentes-callao-all');
      expect(readFileSync(`${base}.prj`, 'utf8')).toMatch(/GCS_WGS_1984/);
      const source = await shapefile.open(`${base}.shp`, `${base}.dbf`);
      let n = 0;
      const byClass = new Map<string, number>();
      for (let r = await source.read(); !r.done; r = await source.read()) {
        n++;
        const p = r.value.properties as Record<string, unknown>;
        expect(Object.keys(p).sort()).toEqual(
          [
            'celda',
            'clase',
            'codigo',
            'distrito',
            'eventos',
            'gi_z_fin',
            'meses_cal',
            'meses_fri',
            'tend_cnt',
            'tend_p',
            'tend_z',
          ].sort(),
        );
        byClass.set(String(p.codigo), (byClass.get(String(p.codigo)) ?? 0) + 1);
        expect(r.value.geometry.type).toBe('Polygon');
      }
      expect(n).toBe(g.validCells);
      for (const c of g.classes) expect(byClass.get(c.code) ?? 0, c.code).toBe(c.cells);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const kml = await raw(`${path}&format=kml`);
    expect(kml.status).toBe(200);
    const text = kml.bytes.toString('utf8');
    expect(text.startsWith('<?xml')).toBe(true);
    expect(text.match(/<Placemark>/g)?.length).toBe(g.validCells);
    const top = g.classes.filter((c) => c.cells > 0).sort((a, b) => b.cells - a.cells)[0];
    expect(text).toContain(`<name>${top?.label}</name>`);
  });

  it('names bad parameters in 400s, 404s an unknown area, audits every read, and is in OpenAPI', async () => {
    const bad = async (path: string, field: string) => {
      const r = await get(path, 'planner');
      expect(r.status, r.text).toBe(400);
      expect((r.body as Err).error.message).toContain(field);
    };
    await bad('/api/v1/hotspots/emerging?months=5', 'months');
    await bad('/api/v1/hotspots/emerging?format=dwg', 'format');
    await bad('/api/v1/hotspots/emerging?cellSize=20', 'cellSize');
    expect((await get('/api/v1/hotspots/emerging?area=no-existe', 'planner')).status).toBe(404);
    const before = await f.t.db.query<{ n: number }>(
      `select count(*)::int as n from audit_log where action = 'hotspots.emerging'`,
    );
    await get(PATH, 'official');
    const after = await f.t.db.query<{ n: number }>(
      `select count(*)::int as n from audit_log where action = 'hotspots.emerging'`,
    );
    expect((after[0]?.n ?? 0) - (before[0]?.n ?? 0)).toBe(1);
    const doc = (await call(f, 'GET', '/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.paths['/api/v1/hotspots/emerging']).toHaveProperty('get');
  });

  it.runIf(backend === 'server')(
    'vigia hotspots emerging (real CLI): table per class and district, JSON, bad months named (exit 2)',
    async () => {
      const env = { DATABASE_URL: f.t.url };
      const t = await runCli(['hotspots', 'emerging', '--group', 'all', '--months', '12'], env);
      expect(t.code, t.stderr).toBe(0);
      expect(t.stdout).toMatch(/Zonas calientes emergentes — área callao, grupo all, 12 meses/);
      expect(t.stdout).toMatch(/Por distrito:/);
      const j = await runCli(['hotspots', 'emerging', '--group', 'all', '--months', '12', '--json'], env);
      expect(j.code, j.stderr).toBe(0);
      const api = (await get(PATH, 'planner')).body as Grid;
      const cli = JSON.parse(j.stdout) as Grid;
      expect(cli.classes).toEqual(api.classes);
      expect(cli.districts).toEqual(api.districts);
      const bad = await runCli(['hotspots', 'emerging', '--months', '3'], env);
      expect(bad.code, bad.stderr).toBe(2);
      expect(bad.stderr).toMatch(/--months: se espera un número entero de meses entre 10 y 60/);
    },
    120_000,
  );
});
