/**
 * The two real exports of issue 11 load through their mapping files alone, on both stores: Chicago's
 * aggravated assaults (no id, no type column) and Vancouver 2020 (row filter, time over five columns,
 * UTM coordinates, violent rows published without time or place). Fixtures are cuts of the real
 * files (test-data/README.md).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { compileStudyArea } from '../geo/study-area.ts';
import { loadEvents } from '../storage/events.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { tempFile } from '../test/fixtures.ts';
import { addStudyArea, getStudyArea } from './areas.ts';
import { ingestFile } from './ingest.ts';

const TEST_DATA = fileURLToPath(new URL('../../test-data/', import.meta.url));
const MAPPINGS = fileURLToPath(new URL('../../mappings/', import.meta.url));
const NOW = Date.UTC(2026, 0, 1);

/** Metres between two lat/lon points a few metres apart (equirectangular). */
function metres(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const k = 111_320;
  return Math.hypot((a.lat - b.lat) * k, (a.lon - b.lon) * k * Math.cos((a.lat * Math.PI) / 180));
}

describe.each(BACKENDS)('real exports through mapping files on %s', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
    await addStudyArea(t.db, {
      id: 'chicago',
      bbox: '-87.94,41.64,-87.52,42.03',
      timeZone: 'America/Chicago',
    });
    await addStudyArea(t.db, {
      id: 'vancouver',
      bbox: '-123.24,49.19,-123.01,49.32',
      timeZone: 'America/Vancouver',
    });
  });
  afterAll(async () => {
    await t.drop();
  });

  it('Chicago aggravated assaults: one constant type, row-number ids keep identical rows, location type kept', async () => {
    const r = await ingestFile(t.db, {
      file: `${TEST_DATA}chicago/chicago_aggravated_assaults_cut.csv`,
      adapter: 'mapped',
      mappingFile: `${MAPPINGS}chicago-aggravated-assaults.json`,
      area: 'chicago',
      now: NOW,
    });
    // 302 rows, two of them identical real records (rows 301 and 302): both stored.
    expect(r).toMatchObject({ status: 'loaded', rowsRead: 302, accepted: 302, rejected: 0, skipped: 0 });
    const [first] = await t.db.query<Record<string, unknown>>(
      `select occurred_at, time_precision, tipo, modalidad, category, turno, lat, lon, geo_quality, restricted
       from incidents where source = 'chicago-agg-assault' order by occurred_at, external_id limit 1`,
    );
    // 2010-01-01 00:05 in Chicago (CST, UTC−6).
    expect((first?.occurred_at as Date | undefined)?.toISOString()).toBe('2010-01-01T06:05:00.000Z');
    expect(first).toMatchObject({
      time_precision: 'exact',
      tipo: 'AGGRAVATED ASSAULT',
      modalidad: 'residence',
      category: 'lesiones',
      turno: 'madrugada',
      lat: 41.7922,
      lon: -87.6277,
      geo_quality: 'street',
      restricted: false,
    });
    const [dup] = await t.db.query<{ n: number }>(
      `select count(*)::int as n from incidents where source = 'chicago-agg-assault'
         and occurred_at = '2010-01-15 15:45:00+00' and lat = 41.8776 and lon = -87.6831`,
    );
    expect(dup?.n).toBe(2);
    const loaded = await loadEvents(t.db, { area: 'chicago', exactTimeOnly: true });
    expect(loaded.events.length).toBe(302);
  });

  it('derives a study area from where the Chicago incidents before a day are (not the box)', async () => {
    const before = '2015-01-01';
    const def = await addStudyArea(t.db, {
      id: 'chicago-datos',
      fromEvents: 'chicago',
      before,
      bufferM: 300,
      timeZone: 'America/Chicago',
    });
    const derived = compileStudyArea(def);
    const box = await getStudyArea(t.db, 'chicago');
    expect(def.crs.code).toBe(box.def.crs.code);
    // Much smaller than the box (≈ 1,900 km²): a few hundred incidents, each with ≤ 300 m around.
    expect(derived.areaKm2).toBeGreaterThan(10);
    expect(derived.areaKm2).toBeLessThan(0.5 * box.areaKm2);
    const rows = await t.db.query<{ lat: number; lon: number; early: boolean }>(
      `select lat, lon, occurred_at < '2015-01-01T06:00:00Z' as early from incidents where study_area = 'chicago'`,
    );
    const early = rows.filter((r) => r.early);
    expect(early.length).toBeGreaterThan(100);
    for (const r of early) {
      const [x, y] = derived.projection.forward(r.lon, r.lat);
      expect(derived.locate(x, y).kind).toBe('inside');
    }
    // Lake Michigan, 10 km off the shore, is in the box and not in the derived area.
    const [lx, ly] = derived.projection.forward(-87.53, 41.9);
    expect(box.locate(lx, ly).kind).toBe('inside');
    expect(derived.locate(lx, ly).kind).toBe('outside');
    await expect(
      addStudyArea(t.db, { id: 'x-datos', fromEvents: 'chicago', timeZone: 'America/Chicago' }),
    ).rejects.toMatchObject({ field: '--before' });
    await expect(
      addStudyArea(t.db, {
        id: 'x-datos',
        fromEvents: 'chicago',
        before: '2001-01-01',
        timeZone: 'America/Chicago',
      }),
    ).rejects.toMatchObject({ field: '--from-events' });
    await expect(
      addStudyArea(t.db, {
        id: 'x-datos',
        fromEvents: 'chicago',
        before: '2015-13-01',
        timeZone: 'America/Chicago',
      }),
    ).rejects.toMatchObject({ field: '--before' });
  });

  it('Vancouver 2020: filter, five time columns, EPSG:26910 metres, privacy rows date-only, unlocated and restricted', async () => {
    const r = await ingestFile(t.db, {
      file: `${TEST_DATA}vancouver/vancouver_crimes_2020_cut.csv`,
      adapter: 'mapped',
      mappingFile: `${MAPPINGS}vancouver.json`,
      area: 'vancouver',
      now: NOW,
    });
    // 396 rows: the 10 traffic collisions are skipped by the filter (not rejected), 386 stored.
    expect(r).toMatchObject({ status: 'loaded', rowsRead: 396, accepted: 386, rejected: 0, skipped: 10 });
    const [collisions] = await t.db.query<{ n: number }>(
      `select count(*)::int as n from incidents where source = 'vancouver-vpd' and tipo like 'Vehicle Collision%'`,
    );
    expect(collisions?.n).toBe(0);

    // Row 1: Break and Enter Commercial, 2020-06-19 03:40 PDT (UTC−7), X 491059.4824 Y 5459122.4178.
    const [b] = await t.db.query<{
      occurred_at: Date;
      time_precision: string;
      turno: string;
      lat: number;
      lon: number;
    }>(
      `select occurred_at, time_precision, turno, lat, lon from incidents
       where source = 'vancouver-vpd' and external_id like '%:1'`,
    );
    expect(b?.occurred_at.toISOString()).toBe('2020-06-19T10:40:00.000Z');
    expect(b).toMatchObject({ time_precision: 'exact', turno: 'madrugada' });
    // The same point converted independently (Snyder's inverse transverse Mercator series, GRS80,
    // zone 10): 49.2847885 N, 123.1229366 W — the 1000 block of Alberni Street, West End.
    expect(metres(b as { lat: number; lon: number }, { lat: 49.2847885, lon: -123.1229366 })).toBeLessThan(2);

    const [tally] = await t.db.query<Record<string, number>>(
      `select count(*) filter (where restricted)::int as restricted,
         count(*) filter (where restricted and geo_quality = 'missing' and lat is null and time_precision = 'date'
           and turno is null)::int as private_unplaced,
         count(*) filter (where geo_quality = 'missing')::int as unlocated,
         count(*) filter (where time_precision = 'date')::int as date_only,
         count(*) filter (where tipo = 'Homicide' and category = 'homicidio')::int as homicides
       from incidents where source = 'vancouver-vpd'`,
    );
    // 37 offences against a person + 19 homicides, all at X = Y = 0, HOUR = MINUTE = 0; 12 property
    // rows at 00:00 are date-only as well (dateOnlyAtMidnight).
    expect(tally).toEqual({
      restricted: 56,
      private_unplaced: 56,
      unlocated: 56,
      date_only: 68,
      homicides: 19,
    });

    // Models see located, exact-time, unrestricted rows only.
    const loaded = await loadEvents(t.db, { area: 'vancouver', exactTimeOnly: true });
    expect(loaded.events.length).toBe(386 - 56 - 12);
    expect(loaded.excludedDateOnly).toBe(12);
  });

  it('refuses a projected CRS it does not know without its proj4 definition, naming the field', async () => {
    const mapping = tempFile(
      `unknown-crs-${backend}.json`,
      JSON.stringify({
        source: 'vancouver-crs',
        id: { rowNumber: true },
        time: { parts: { year: 'YEAR', month: 'MONTH', day: 'DAY' } },
        coordinates: { x: 'X', y: 'Y', crs: 'EPSG:3005' },
        type: { column: 'TYPE' },
      }),
    );
    const run = ingestFile(t.db, {
      file: `${TEST_DATA}vancouver/vancouver_crimes_2020_cut.csv`,
      adapter: 'mapped',
      mappingFile: mapping,
      area: 'vancouver',
      now: NOW,
    });
    await expect(run).rejects.toBeInstanceOf(ValidationError);
    await expect(run).rejects.toThrow(/coordinates\.proj4.*EPSG:3005/);
  });
});
