import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputFileError } from '../core/errors.ts';
import { LIMITS } from '../ingest/limits.ts';
import { migrate } from '../storage/migrate.ts';
import { runCli } from '../test/cli.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { GEO_HEADER, geoRow, limaMs, tempFile, toCsv } from '../test/fixtures.ts';
import { addStudyArea } from './areas.ts';
import { ingestFile } from './ingest.ts';
import { DEAD_LETTER_QUEUE, DEFAULT_JOB_ENGINE_SETTINGS, JobEngine, runLock } from './job-engine.ts';
import {
  failedJobs,
  JOB_QUEUES,
  jobStatus,
  jobsIdle,
  retryFailedJob,
  submitIngest,
  WORKER_LOST_ERROR,
  workJobs,
} from './jobs.ts';

/** Real samples shipped with the repository (provenance and licences: test-data/README.md). */
const TEST_DATA = fileURLToPath(new URL('../../test-data/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../ingest/sources/test/', import.meta.url));
const NOW = Date.UTC(2026, 0, 1);

async function counts(
  t: TestDb,
): Promise<{ incidents: number; batches: number; rejects: number; monthly: number }> {
  const [r] = await t.db.query<{ incidents: number; batches: number; rejects: number; monthly: number }>(
    `select (select count(*)::int from incidents) as incidents, (select count(*)::int from ingest_batches) as batches,
            (select count(*)::int from ingest_rejects) as rejects, (select count(*)::int from sidpol_monthly) as monthly`,
  );
  return r as { incidents: number; batches: number; rejects: number; monthly: number };
}

describe.each(BACKENDS)('ingest on %s', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
  });
  afterAll(async () => {
    await t.drop();
  });
  const geo = (file: string) => ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao', now: NOW });

  it('loads the real SIDPOL monthly rows: Callao kept, other districts rejected with a reason', async () => {
    const file = `${TEST_DATA}sidpol/denuncias_sidpol_lima_sample.csv`;
    const r = await ingestFile(t.db, {
      file,
      adapter: 'sidpol-monthly',
      area: 'callao',
      now: NOW,
      rejectSample: 1000,
    });
    expect(r).toMatchObject({ rowsRead: 560, accepted: 76, existing: 0, rejected: 484, encoding: 'utf-8' });
    expect(r.rejects.every((x) => x.field === 'UBIGEO_HECHO' && x.reason.includes('fuera del área'))).toBe(
      true,
    );
    const rows = await t.db.query<{ district_code: string; n: number; total: number }>(
      'select district_code, count(*)::int as n, sum(count)::int as total from sidpol_monthly group by 1 order by 1',
    );
    expect(rows.map((x) => x.district_code)).toEqual([
      '070101',
      '070102',
      '070103',
      '070104',
      '070105',
      '070106',
      '070107',
    ]);
    expect(rows.reduce((s, x) => s + x.n, 0)).toBe(76);
    const again = await ingestFile(t.db, { file, adapter: 'sidpol-monthly', area: 'callao', now: NOW });
    expect(again.alreadyIngested?.batchId).toBe(r.batchId);
    expect((await counts(t)).monthly).toBe(76);
  });

  it('loads the geo-layer fixture (CSV) with every trap handled', async () => {
    const r = await geo(`${FIXTURES}sidpol-geo-fixture.csv`);
    expect(r).toMatchObject({ rowsRead: 10, accepted: 10, rejected: 0 });
    const rows = await t.db.query<Record<string, unknown>>(
      'select external_id, source, district_code, geo_quality, time_precision, turno, category, channel, restricted, narrative, x, y from incidents order by external_id',
    );
    const by = new Map(rows.map((x) => [x.external_id, x]));
    expect(by.get('101')).toMatchObject({
      source: 'sidpol-geo',
      district_code: '070101',
      geo_quality: 'exact',
      category: 'robo',
      turno: 'noche',
      restricted: false,
    });
    expect(by.get('103')).toMatchObject({ time_precision: 'date', category: 'extorsion', turno: 'tarde' });
    expect(by.get('104')).toMatchObject({ geo_quality: 'station', district_code: '070106' });
    expect(by.get('105')).toMatchObject({ geo_quality: 'missing', district_code: '070104', x: null });
    expect(by.get('106')).toMatchObject({ category: 'violencia_familiar', restricted: true });
    expect(by.get('107')).toMatchObject({
      category: 'drogas',
      channel: 'discovered',
      district_code: '070107',
    });
    expect(by.get('109')).toMatchObject({ category: 'sexual', restricted: true, district_code: '070105' });
    expect(by.get('110')).toMatchObject({ category: 'armas', channel: 'discovered' });
    // UTM 18S metres: Callao sits near x ≈ 266 km, y ≈ 8,666 km.
    expect(by.get('101')?.x).toBeGreaterThan(260_000);
    expect(by.get('101')?.y).toBeGreaterThan(8_660_000);
    // Addresses in the export are never stored anywhere.
    const [leak] = await t.db.query<{ n: number }>(
      `select count(*)::int as n from incidents i where i::text ilike '%FICTICIA%' or i::text ilike '%INVENTADO%' or i::text ilike '%SUPUESTA%'`,
    );
    expect(leak?.n).toBe(0);
  });

  it('reads the same rows from an ArcGIS JSON export and adds nothing new', async () => {
    const r = await geo(`${FIXTURES}sidpol-geo-fixture.arcgis.json`);
    expect(r).toMatchObject({ rowsRead: 10, accepted: 0, existing: 10, rejected: 0 });
  });

  it('refuses a file with missing columns before writing anything, naming the columns', async () => {
    const before = await counts(t);
    const header = GEO_HEADER.filter((h) => h !== 'lat_hecho' && h !== 'subtipo_hecho');
    const file = tempFile(`missing-cols-${backend}.csv`, toCsv([geoRow(1)], header));
    const err = await geo(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputFileError);
    expect((err as Error).message).toMatch(
      /missing-cols.*faltan las columnas subtipo_hecho, lat_hecho o lat/,
    );
    expect(await counts(t)).toEqual(before);
  });

  it('rejects bad rows with row number and field, and keeps the good ones', async () => {
    const rows = [
      geoRow(2001), // row 1: fine
      geoRow(2002, { lat_hecho: 'abc' }), // 2: wrong type
      geoRow(2003, { fecha_hora_hecho: '2024-13-45 10:00' }), // 3: invalid date
      geoRow(2004, { fecha_hora_hecho: '2023-02-29 10:00:00' }), // 4: impossible date
      geoRow(2005, { fecha_hora_hecho: String(limaMs(2030, 1, 1)), fecha_hora_registro_hecho: '' }), // 5: future
      geoRow(2006, { lat_hecho: '-12.0464', long_hecho: '-77.0428' }), // 6: Lima centre, outside Callao
      geoRow(2007, {
        ubigeo_hecho_delito: '150101',
        lat_hecho: '',
        long_hecho: '',
        estado_coord: 'SIN COORDENADA',
      }), // 7
      geoRow(2008, { turno_hecho: 'vespertino' }), // 8: unknown shift
      geoRow(2001), // 9: duplicate of row 1
      geoRow(2009, { objectid: '' }), // 10: no id
      geoRow(2010, { fecha_hora_hecho: '2024-03-05 14:00', turno_hecho: '' }), // 11: local text time, fine
    ];
    const r = await geo(tempFile(`bad-rows-${backend}.csv`, toCsv(rows)));
    expect(r).toMatchObject({ rowsRead: 11, accepted: 2, rejected: 9 });
    const got = r.rejects.map((x) => [x.rowNumber, x.field, x.reason]);
    expect(got).toEqual([
      [2, 'lat_hecho', expect.stringContaining('latitud inválida')],
      [3, 'fecha_hora_hecho', 'fecha inválida o imposible'],
      [4, 'fecha_hora_hecho', 'fecha inválida o imposible'],
      [5, 'fecha_hora_hecho', 'fecha en el futuro'],
      [6, 'lat_hecho,long_hecho', 'coordenadas fuera del área de estudio callao'],
      [
        7,
        'ubigeo_hecho_delito',
        expect.stringContaining('código de distrito fuera del área de estudio callao'),
      ],
      [8, 'turno_hecho', expect.stringContaining('turno desconocido')],
      [9, 'id', 'fila duplicada: el mismo id aparece en la fila 1'],
      [10, 'objectid', 'falta el identificador'],
    ]);
    const [ok] = await t.db.query<{ turno: string; occurred_at: Date }>(
      `select turno, occurred_at from incidents where external_id = '2010'`,
    );
    expect(ok?.turno).toBe('tarde');
    expect(ok?.occurred_at.toISOString()).toBe('2024-03-05T19:00:00.000Z'); // 14:00 in Lima
  });

  it('rejects the cut-off last row of a truncated file and keeps the rest', async () => {
    const text = toCsv([geoRow(3001), geoRow(3002), geoRow(3003)]);
    const cut = text.slice(0, text.length - 60); // the third row loses its last fields
    const r = await geo(tempFile(`truncated-${backend}.csv`, cut));
    expect(r).toMatchObject({ rowsRead: 3, accepted: 2, rejected: 1 });
    expect(r.rejects[0]).toMatchObject({
      rowNumber: 3,
      field: '(fila)',
      reason: expect.stringContaining('truncado'),
    });
  });

  it('refuses binary, empty and header-only files, and truncated JSON, writing nothing', async () => {
    const before = await counts(t);
    const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    const cases: [string, string | Buffer, RegExp][] = [
      ['binario.csv', binary, /binario/],
      [
        'utf16.csv',
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(toCsv([geoRow(1)]), 'utf16le')]),
        /UTF-16/,
      ],
      ['vacio.csv', '', /vacío/],
      ['solo-encabezado.csv', `${GEO_HEADER.join(',')}\n`, /sin filas de datos/],
      ['espacios.csv', '  \n\n ', /vacío/],
      [
        'truncado.json',
        JSON.stringify({ features: [{ attributes: geoRow(1) }, { attributes: geoRow(2) }] }).slice(0, -40),
        /JSON truncado/,
      ],
      ['sin-features.json', '{"type":"FeatureCollection"}', /no tiene un arreglo "features"/],
    ];
    for (const [name, content, message] of cases) {
      const err = await geo(tempFile(`${backend}-${name}`, content)).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(InputFileError);
      expect((err as Error).message, name).toMatch(message);
      expect((err as Error).message, name).toContain(`${backend}-${name}`);
    }
    expect(await counts(t)).toEqual(before);
  });

  it('detects and decodes a Latin-1 (Windows-1252) export', async () => {
    const text = toCsv([
      geoRow(4001, {
        turno_hecho: 'MAÑANA',
        fecha_hora_hecho: String(limaMs(2024, 5, 1, 9)),
        fecha_hora_registro_hecho: '',
        modalidad_hecho: 'HURTO DE CELULAR - VÍA PÚBLICA',
        subtipo_hecho: 'HURTO',
      }),
      geoRow(4002, {
        distrito_hecho: 'MI PERÚ',
        ubigeo_hecho_delito: '70107',
        lat_hecho: '-11.855',
        long_hecho: '-77.125',
      }),
    ]);
    const r = await geo(tempFile(`latin1-${backend}.csv`, Buffer.from(text, 'latin1')));
    expect(r.rejects).toEqual([]);
    expect(r).toMatchObject({ encoding: 'windows-1252', accepted: 2, rejected: 0 });
    const rows = await t.db.query<{ turno: string; modalidad: string; district_code: string }>(
      `select turno, modalidad, district_code from incidents where external_id in ('4001', '4002') order by external_id`,
    );
    expect(rows[0]).toMatchObject({ turno: 'mañana', modalidad: 'HURTO DE CELULAR - VÍA PÚBLICA' });
    expect(rows[1]?.district_code).toBe('070107');
  });

  it('rejects the row with a stray Latin-1 byte in a UTF-8 file, storing no mojibake', async () => {
    const rows = [
      geoRow(4101, { modalidad_hecho: 'HURTO DE CELULAR - VÍA PÚBLICA', turno_hecho: 'MAÑANA' }),
      geoRow(4102, { modalidad_hecho: 'ROBO - VÍA PÚBLICA' }),
      geoRow(4103, { modalidad_hecho: 'ROBO AGRAVADO' }),
    ];
    const text = toCsv(rows).replace('ROBO AGRAVADO', 'ROBO CON ARMA PEQUE\u0000A');
    const nul = text.indexOf('\u0000');
    // The third row's "Ñ" is a lone Latin-1 byte (0xD1) in an otherwise UTF-8 file.
    const bytes = Buffer.concat([
      Buffer.from(text.slice(0, nul)),
      Buffer.from([0xd1]),
      Buffer.from(text.slice(nul + 1)),
    ]);
    const r = await geo(tempFile(`mixed-${backend}.csv`, bytes));
    expect(r).toMatchObject({ encoding: 'utf-8', rowsRead: 3, accepted: 2, rejected: 1 });
    expect(r.rejects).toEqual([
      {
        rowNumber: 3,
        field: 'modalidad_hecho',
        reason: expect.stringContaining(`posición ${Buffer.byteLength(text.slice(0, nul))} del archivo`),
        value: '0xD1',
      },
    ]);
    const stored = await t.db.query<{ modalidad: string; turno: string }>(
      `select modalidad, turno from incidents where external_id in ('4101', '4102') order by external_id`,
    );
    expect(stored).toEqual([
      { modalidad: 'HURTO DE CELULAR - VÍA PÚBLICA', turno: 'mañana' },
      { modalidad: 'ROBO - VÍA PÚBLICA', turno: 'noche' },
    ]);
  });

  it('rejects, naming the field, a NUL byte past 64 KiB, a JSON value nested 100 000 deep and over-long values', async () => {
    const filler = Array.from({ length: 600 }, (_, i) => geoRow(4200 + i)); // > 64 KiB before the NUL
    const csv = toCsv([
      ...filler,
      geoRow(4900, { subtipo_hecho: 'RO\u0000BO' }),
      geoRow(4901, { tipo_hecho: 'T'.repeat(LIMITS.labelChars + 1) }),
      geoRow(4902, { observacion: 'relato '.repeat(LIMITS.textChars) }),
      geoRow(4903, { objectid: '9'.repeat(LIMITS.idChars + 1) }),
      geoRow(4904),
    ]);
    expect(csv.indexOf('\u0000')).toBeGreaterThan(65_536);
    const r = await geo(tempFile(`limits-${backend}.csv`, csv));
    expect(r).toMatchObject({ rowsRead: 605, accepted: 601, rejected: 4 });
    expect(r.rejects.map((x) => [x.rowNumber, x.field, x.value?.length ?? null])).toEqual([
      [601, 'subtipo_hecho', null],
      [602, 'tipo_hecho', 120],
      [603, 'observacion', null], // free text never goes into a reject
      [604, 'objectid', LIMITS.idChars + 1],
    ]);
    expect(r.rejects[0]?.reason).toContain('NUL');
    expect(r.rejects[1]?.reason).toContain(`máximo ${LIMITS.labelChars}`);

    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const json = `{"features":[${JSON.stringify({ attributes: geoRow(4910) })},{"attributes":{"objectid":"4911","extra":${deep}}},${JSON.stringify({ attributes: geoRow(4912) })}]}`;
    const j = await geo(tempFile(`deep-${backend}.json`, json));
    expect(j).toMatchObject({ rowsRead: 3, accepted: 2, rejected: 1 });
    expect(j.rejects).toEqual([
      { rowNumber: 2, field: 'attributes.extra', reason: expect.stringContaining('anidado'), value: null },
    ]);
  });

  it('is idempotent: the same file is skipped, an overlapping file adds only new rows', async () => {
    const file = tempFile(`idem-${backend}.csv`, toCsv([geoRow(5001), geoRow(5002)]));
    const first = await geo(file);
    expect(first.accepted).toBe(2);
    const before = await counts(t);
    const again = await geo(file);
    expect(again.alreadyIngested?.batchId).toBe(first.batchId);
    expect(await counts(t)).toEqual(before);
    const overlap = await geo(tempFile(`idem2-${backend}.csv`, toCsv([geoRow(5002), geoRow(5003)])));
    expect(overlap).toMatchObject({ accepted: 1, existing: 1, rejected: 0 });
  });

  it('loads the real Chicago rows through a mapping file alone, into a bbox study area', async () => {
    await addStudyArea(t.db, {
      id: 'chicago',
      bbox: '-87.94,41.64,-87.52,42.03',
      timeZone: 'America/Chicago',
    });
    const r = await ingestFile(t.db, {
      file: `${TEST_DATA}chicago/chicago_crimes_sample_cut.csv`,
      adapter: 'mapped',
      mappingFile: fileURLToPath(new URL('../../mappings/chicago.json', import.meta.url)),
      area: 'chicago',
      now: NOW,
    });
    expect(r).toMatchObject({ rowsRead: 4889, accepted: 4889, rejected: 0 });
    const [first] = await t.db.query<{
      occurred_at: Date;
      category: string;
      turno: string;
      district_code: string | null;
    }>(
      `select occurred_at, category, turno, district_code from incidents where source = 'chicago-cpd' and external_id = '11023904'`,
    );
    // 7/19/2017 13:45 in Chicago (CDT, UTC−5) → 18:45 UTC; WEAPONS VIOLATION → armas.
    expect(first).toMatchObject({ category: 'armas', turno: 'tarde', district_code: null });
    expect(first?.occurred_at.toISOString()).toBe('2017-07-19T18:45:00.000Z');
    const [tally] = await t.db.query<{ theft: number; restricted: number; years: number }>(
      `select count(*) filter (where tipo = 'THEFT')::int as theft, count(*) filter (where restricted)::int as restricted,
         count(distinct extract(year from occurred_at))::int as years from incidents where study_area = 'chicago'`,
    );
    // The cut (test-data/README.md): 1,159 THEFT rows; 844 marked domestic plus 34 sexual offences.
    expect(tally).toMatchObject({ theft: 1159, years: 3, restricted: 878 });
  });

  it('re-reads a file when its mapping changes, and keeps one file in two overlapping areas', async () => {
    await addStudyArea(t.db, {
      id: 'overlap-a',
      bbox: '-78.6,-0.3,-78.4,-0.1',
      timeZone: 'America/Guayaquil',
    });
    await addStudyArea(t.db, {
      id: 'overlap-b',
      bbox: '-78.55,-0.25,-78.45,-0.15',
      timeZone: 'America/Guayaquil',
    });
    const mapping = (format: string) =>
      tempFile(
        `overlap-map-${format.replace(/\W/g, '')}-${backend}.json`,
        JSON.stringify({
          source: 'overlap-demo',
          id: 'id',
          time: { column: 'when', format },
          coordinates: { x: 'lon', y: 'lat' },
          type: { column: 'type' },
        }),
      );
    const csv = tempFile(
      `overlap-${backend}.csv`,
      'id,when,lat,lon,type\n1,2024-05-01 10:00,-0.195,-78.495,ROBO\n2,2024-05-01 11:00,-0.2,-78.5,ROBO\n',
    );
    const load = (area: string, mappingFile: string) =>
      ingestFile(t.db, { file: csv, adapter: 'mapped', mappingFile, area, now: NOW });
    // A wrong time format rejects every row; the corrected mapping reads the same file again.
    expect(await load('overlap-a', mapping('DD/MM/YYYY HH:mm'))).toMatchObject({ accepted: 0, rejected: 2 });
    const fixed = mapping('YYYY-MM-DD HH:mm');
    expect(await load('overlap-a', fixed)).toMatchObject({ status: 'loaded', accepted: 2, rejected: 0 });
    expect(await load('overlap-a', fixed)).toMatchObject({ status: 'already-ingested', accepted: 0 });
    // The second area has its own copy of the rows: none is "existing" there.
    expect(await load('overlap-b', fixed)).toMatchObject({ status: 'loaded', accepted: 2, existing: 0 });
    const rows = await t.db.query<{ study_area: string; n: number }>(
      `select study_area, count(*)::int as n from incidents where source = 'overlap-demo' group by 1 order by 1`,
    );
    expect(rows).toEqual([
      { study_area: 'overlap-a', n: 2 },
      { study_area: 'overlap-b', n: 2 },
    ]);
  });

  it('two CLI processes ingesting one file at once: one loads it, the other says so and exits 0', async () => {
    const n = 30_000;
    const file = tempFile(
      `concurrent-${backend}.csv`,
      toCsv(Array.from({ length: n }, (_, i) => geoRow(900_000 + i))),
    );
    const before = await counts(t);
    const env = { DATABASE_URL: t.url };
    const args = ['ingest', file, '-f', 'sidpol-geo', '--json'];
    const runs = await Promise.all([runCli(args, env), runCli(args, env)]);
    for (const r of runs) {
      expect(r.stderr).not.toMatch(/Error|duplicate key|at .*\.ts/);
      expect(r.code).toBe(0);
    }
    const statuses = runs.map((r) => (JSON.parse(r.stdout) as { status: string }).status).sort();
    expect(statuses[0]).toMatch(/^(already-ingested|in-progress)$/);
    expect(statuses[1]).toBe('loaded');
    const after = await counts(t);
    expect(after.batches - before.batches).toBe(1);
    expect(after.incidents - before.incidents).toBe(n);
  });

  it('reports the outcome of an upload job: loaded, then already ingested', async () => {
    const content = toCsv([geoRow(950_001), geoRow(950_002)]);
    const engine = new JobEngine(t.db, { ...DEFAULT_JOB_ENGINE_SETTINGS, pollSeconds: 0.5 });
    await workJobs(engine, t.db, { error: () => undefined });
    const ctx = { actor: 'test', role: 'admin', ip: null, requestId: null };
    const jobs = [];
    for (const _ of [1, 2])
      jobs.push(
        await submitIngest(
          t.db,
          engine,
          { fileName: 'denuncias.csv', format: 'sidpol-geo', area: 'callao' },
          Buffer.from(content),
          ctx,
        ),
      );
    await jobsIdle(t.db);
    await engine.stop(5);
    const results = await Promise.all(jobs.map(async (j) => (await jobStatus(t.db, j.id)).result));
    expect(results[0]).toMatchObject({ status: 'loaded', accepted: 2 });
    expect(results[1]).toMatchObject({ status: 'already-ingested', accepted: 0 });
  });

  it('a job whose worker died on its last run: recorded failed once the engine dead-letters it (not while a live worker holds it), upload kept, and a retry runs it', async () => {
    const engine = new JobEngine(t.db, {
      ...DEFAULT_JOB_ENGINE_SETTINGS,
      pollSeconds: 0.5,
      maintenanceSeconds: 1,
    });
    await engine.start(JOB_QUEUES);
    const ctx = { actor: 'test', role: 'admin', ip: null, requestId: null };
    const content = toCsv([geoRow(950_101), geoRow(950_102)]);
    const job = await submitIngest(
      t.db,
      engine,
      { fileName: 'denuncias.csv', format: 'sidpol-geo', area: 'callao' },
      Buffer.from(content),
      ctx,
    );
    const [{ engineId }] = (await t.db.query<{ engineId: string }>(
      'select engine_id as "engineId" from jobs where id = $1',
      [job.id],
    )) as [{ engineId: string }];
    // What a worker killed during the last run leaves (before any worker of this test runs): the
    // engine job active on its last retry with its lease run out, the record running.
    await t.db.query(
      `update pgboss.job set state = 'active', retry_count = retry_limit, started_on = now() - interval '2 hours'
       where id = $1`,
      [engineId],
    );
    await t.db.query(`update jobs set status = 'running', started_at = now() where id = $1`, [job.id]);
    await workJobs(engine, t.db, { error: () => undefined });
    const deadLettered = async () =>
      (
        await t.db.query(
          `select 1 from pgboss.job where name = $1 and state = 'completed' and data->>'jobId' = $2`,
          [DEAD_LETTER_QUEUE, String(job.id)],
        )
      ).length > 0;
    try {
      // While a live worker still holds the job's run (its lease ran out before it finished), the
      // dead letter's pass leaves the record to that worker.
      await t.db.transaction(async (tx) => {
        await tx.query(`select pg_advisory_xact_lock(${runLock('$1')})`, [engineId]);
        for (let i = 0; i < 300 && !(await deadLettered()); i++) await new Promise((r) => setTimeout(r, 100));
        expect(await deadLettered()).toBe(true);
        expect((await jobStatus(t.db, job.id)).status).toBe('running');
      });
      // No live run any more: the next dead letter's pass records it failed.
      await engine.send(DEAD_LETTER_QUEUE, {});
      let status = job.status;
      for (let i = 0; i < 300 && status !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = (await jobStatus(t.db, job.id)).status;
      }
      expect(await jobStatus(t.db, job.id)).toMatchObject({ status: 'failed', error: WORKER_LOST_ERROR });
      const [kept] = await t.db.query<{ kept: boolean }>(
        'select upload is not null as kept from jobs where id = $1',
        [job.id],
      );
      expect(kept).toEqual({ kept: true });
      expect((await failedJobs(t.db, engine, 10)).find((f) => f.id === engineId)?.jobId).toBe(job.id);
      await retryFailedJob(t.db, engine, engineId, ctx);
      await jobsIdle(t.db);
      expect(await jobStatus(t.db, job.id)).toMatchObject({
        status: 'done',
        result: { status: 'loaded', accepted: 2 },
      });
    } finally {
      await engine.stop(5);
    }
  }, 60_000);

  it('migration 0005 keeps the incidents stored under the old identity', async () => {
    const fresh = await createTestDb(backend);
    try {
      // Put the database back to the identity before 0005, with rows stored under it.
      await fresh.db.query(`alter table incidents drop constraint incidents_pkey;
        alter table incidents add primary key (source, external_id);
        drop index ingest_batches_file;
        create unique index ingest_batches_file on ingest_batches (study_area, adapter, file_sha256);
        delete from schema_migrations where version = 5`);
      await fresh.db.query(`insert into incidents (source, external_id, study_area, batch_id, occurred_at,
          time_precision, geo_quality, category, channel, restricted)
        select 'old-source', g::text, 'callao', 0, now(), 'exact', 'missing', 'otros', 'reported', false
        from generate_series(1, 3) g`);
      expect(await migrate(fresh.db)).toEqual([5]);
      const rows = await fresh.db.query<{ external_id: string }>(
        `select external_id from incidents where source = 'old-source' order by 1`,
      );
      expect(rows.map((r) => r.external_id)).toEqual(['1', '2', '3']);
      const [key] = await fresh.db.query<{ def: string }>(
        `select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'incidents_pkey'`,
      );
      expect(key?.def).toBe('PRIMARY KEY (study_area, source, external_id)');
    } finally {
      await fresh.drop();
    }
  });

  it('keeps genuine duplicate records of a file without ids when the mapping takes the row number as id', async () => {
    await addStudyArea(t.db, {
      id: 'houston-demo',
      bbox: '-95.8,29.5,-95.0,30.1',
      timeZone: 'America/Chicago',
    });
    const map = (name: string, id: unknown) =>
      tempFile(
        `${name}-${backend}.json`,
        JSON.stringify({
          source: `${name}-hpd`,
          ...(id === undefined ? {} : { id }),
          time: { column: 'date', format: 'YYYY-MM-DD HH:mm' },
          coordinates: { x: 'lon', y: 'lat' },
          type: { column: 'offense', categories: { THEFT: 'hurto' } },
        }),
      );
    // Rows 1 and 2 are the same offence reported twice (two real thefts: no id column tells them apart).
    const same = '2024-05-01 10:00,29.76,-95.37,THEFT';
    const csv = tempFile(
      `houston-${backend}.csv`,
      `date,lat,lon,offense\n${same}\n${same}\n2024-05-02 11:00,29.70,-95.40,THEFT\n`,
    );
    const load = (mappingFile: string) =>
      ingestFile(t.db, { file: csv, adapter: 'mapped', mappingFile, area: 'houston-demo', now: NOW });
    // Without an id the row's values are its identity: the second copy is rejected as a duplicate.
    expect(await load(map('hashed', undefined))).toMatchObject({ accepted: 2, rejected: 1 });
    const byRow = map('byrow', { rowNumber: true });
    const r = await load(byRow);
    expect(r).toMatchObject({ rowsRead: 3, accepted: 3, existing: 0, rejected: 0 });
    const ids = await t.db.query<{ external_id: string }>(
      `select external_id from incidents where source = 'byrow-hpd' order by external_id`,
    );
    expect(ids.map((x) => x.external_id.replace(/^[0-9a-f]{16}:/, ''))).toEqual(['1', '2', '3']);
    // The same file again is still recognised by its key.
    expect((await load(byRow)).alreadyIngested?.batchId).toBe(r.batchId);
  });

  it('registers an area from a GeoJSON boundary with districts, projected in its own UTM zone', async () => {
    // Two 1 km × 1 km districts side by side near Quito (zone 17 south), codes in property "code".
    const square = (lon0: number): number[][][] => [
      [
        [lon0, -0.2],
        [lon0 + 0.009, -0.2],
        [lon0 + 0.009, -0.191],
        [lon0, -0.191],
        [lon0, -0.2],
      ],
    ];
    const fc = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { code: 'A1', name: 'Norte' },
          geometry: { type: 'Polygon', coordinates: square(-78.5) },
        },
        {
          type: 'Feature',
          properties: { code: 'B2', name: 'Sur' },
          geometry: { type: 'Polygon', coordinates: square(-78.491) },
        },
      ],
    };
    const def = await addStudyArea(t.db, {
      id: 'quito-demo',
      timeZone: 'America/Guayaquil',
      boundaryFile: tempFile(`quito-${backend}.geojson`, JSON.stringify(fc)),
      districtField: 'code',
    });
    expect(def).toMatchObject({
      crs: { code: 'EPSG:32717' },
      districts: [
        { code: 'A1', name: 'Norte' },
        { code: 'B2', name: 'Sur' },
      ],
    });
    const mapping = tempFile(
      `quito-map-${backend}.json`,
      JSON.stringify({
        source: 'quito-demo',
        id: 'id',
        time: { column: 'when', format: 'YYYY-MM-DD HH:mm' },
        coordinates: { x: 'lon', y: 'lat' },
        type: { column: 'type', categories: { ROBO: 'robo' } },
      }),
    );
    const csv = tempFile(
      `quito-${backend}.csv`,
      'id,when,lat,lon,type\n1,2024-05-01 10:00,-0.195,-78.495,ROBO\n2,2024-05-01 11:00,-0.195,-78.487,ROBO\n3,2024-05-01 12:00,-0.5,-78.4,ROBO\n',
    );
    const r = await ingestFile(t.db, {
      file: csv,
      adapter: 'mapped',
      mappingFile: mapping,
      area: 'quito-demo',
      now: NOW,
    });
    expect(r).toMatchObject({ accepted: 2, rejected: 1 });
    const rows = await t.db.query<{ external_id: string; district_code: string; occurred_at: Date }>(
      `select external_id, district_code, occurred_at from incidents where study_area = 'quito-demo' order by external_id`,
    );
    // America/Guayaquil is UTC−5: 10:00 local = 15:00Z.
    expect(rows.map((x) => [x.external_id, x.district_code, x.occurred_at.toISOString()])).toEqual([
      ['1', 'A1', '2024-05-01T15:00:00.000Z'],
      ['2', 'B2', '2024-05-01T16:00:00.000Z'],
    ]);
  });
});
