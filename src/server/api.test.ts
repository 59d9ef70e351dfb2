/**
 * The API's endpoints against the real server on a real port, on both stores: cursor paging,
 * uploads as background jobs with the reject report, forecasts in both forms, backtest reports,
 * districts, the OpenAPI document and interactive docs, and the domain metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TURNOS } from '../core/time.ts';
import { type ApiFixture, call, startApi, uploadForm } from '../test/api.ts';
import { BACKENDS } from '../test/db.ts';
import { buildApp } from './app.ts';
import { PERMISSIONS } from './permissions.ts';

describe.each(BACKENDS)('API endpoints (%s store)', (backend) => {
  let f: ApiFixture;
  let analyst: string;
  beforeAll(async () => {
    f = await startApi(backend);
    analyst = f.users.analyst.token;
  }, 120_000);
  afterAll(async () => {
    await f?.close();
  });

  it('pages through incidents with opaque cursors: every row once, newest first', async () => {
    const first = await call(f, 'GET', '/api/v1/incidents?limit=250&district=070101&total=true', {
      token: analyst,
    });
    expect(first.status).toBe(200);
    const page1 = first.body as {
      items: { id: string; occurredAt: string }[];
      nextCursor: string;
      total: number;
    };
    expect(page1.total).toBeGreaterThan(500);
    const ids: string[] = page1.items.map((i) => i.id);
    let times = page1.items.map((i) => i.occurredAt);
    let cursor: string | null = page1.nextCursor;
    while (cursor) {
      const r = await call(f, 'GET', `/api/v1/incidents?limit=250&district=070101&cursor=${cursor}`, {
        token: analyst,
      });
      expect(r.status).toBe(200);
      const p = r.body as {
        items: { id: string; occurredAt: string }[];
        nextCursor: string | null;
        total: null;
      };
      expect(p.total).toBeNull();
      ids.push(...p.items.map((i) => i.id));
      times = times.concat(p.items.map((i) => i.occurredAt));
      cursor = p.nextCursor;
    }
    expect(ids).toHaveLength(page1.total);
    expect(new Set(ids).size).toBe(ids.length);
    const sorted = [...times].sort().reverse();
    expect(times).toEqual(sorted);
    // The cursor reveals nothing and cannot be forged.
    const lastOfPage1 = page1.items.at(-1)?.id as string;
    expect(Buffer.from(page1.nextCursor, 'base64url').toString('latin1')).not.toContain(
      lastOfPage1.split(':')[1],
    );
    const forged = `${page1.nextCursor.slice(0, -3)}AAA`;
    const bad = await call(f, 'GET', `/api/v1/incidents?cursor=${forged}`, { token: analyst });
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { message: string } }).error.message).toMatch(/^cursor: /);
  });

  it('ingests an upload in the background and reports its rejects', async () => {
    const good = await call(f, 'POST', '/api/v1/ingest/jobs?format=sidpol-geo', {
      token: analyst,
      form: uploadForm('enero.csv'),
    });
    expect(good.status).toBe(202);
    const job = (good.body as { job: { id: number; status: string; params: Record<string, unknown> } }).job;
    expect(['queued', 'running', 'done']).toContain(job.status);
    expect(job.params).toEqual({ fileName: 'enero.csv', format: 'sidpol-geo', area: 'callao' });
    await f.app.ingestQueue.idle();
    const done = await call(f, 'GET', `/api/v1/ingest/jobs/${job.id}`, { token: analyst });
    const result = (done.body as { job: { status: string; result: Record<string, number | string> } }).job;
    expect(result.status).toBe('done');
    expect(result.result.file).toBe('enero.csv');
    expect(Number(result.result.rowsRead)).toBe(10);
    const rejects = await call(f, 'GET', `/api/v1/ingest/jobs/${job.id}/rejects`, { token: analyst });
    expect(rejects.status).toBe(200);
    const rj = (rejects.body as { rejects: { rowNumber: number; field: string; reason: string }[] }).rejects;
    expect(rj.length).toBe(Number(result.result.rejected));
    for (const x of rj) expect(x.reason.length).toBeGreaterThan(0);
    // A file that is not what it claims: the job fails with a Spanish message naming the client's file.
    const bin = await call(f, 'POST', '/api/v1/ingest/jobs', {
      token: analyst,
      form: uploadForm('malo.csv', Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0, 1, 2, 3])),
    });
    expect(bin.status).toBe(202);
    await f.app.ingestQueue.idle();
    const failed = await call(
      f,
      'GET',
      `/api/v1/ingest/jobs/${(bin.body as { job: { id: number } }).job.id}`,
      { token: analyst },
    );
    const fj = (failed.body as { job: { status: string; error: { code: string; message: string } } }).job;
    expect(fj.status).toBe('failed');
    expect(fj.error.code).toBe('INPUT_FILE_REJECTED');
    expect(fj.error.message).toContain('malo.csv');
    expect(fj.error.message).not.toContain(f.uploadDir);
    // The batch it made is in the audit log, under the uploader's name.
    const trail = await call(f, 'GET', '/api/v1/audit?action=ingest.batch', { token: f.users.admin.token });
    const entries = (trail.body as { entries: { actor: string; detail: string }[] }).entries;
    expect(
      entries.some(
        (e) => e.actor === `token:${analyst.split('_')[1]} (u-analyst)` && e.detail.includes('enero.csv'),
      ),
    ).toBe(true);
    const list = await call(f, 'GET', '/api/v1/ingest/jobs', { token: analyst });
    expect((list.body as { jobs: unknown[] }).jobs.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(list.body)).not.toContain(f.uploadDir);
  });

  it('serves the current forecast as a compact grid and as GeoJSON, ranked', async () => {
    const idx = await call(f, 'GET', '/api/v1/forecasts', { token: analyst });
    const metas = (idx.body as { forecasts: { group: string; turno: string | null; horizon: string }[] })
      .forecasts;
    expect(metas.map((m) => m.group)).toContain('all');
    expect(
      metas
        .filter((m) => m.horizon === 'turno' && m.group === 'property')
        .map((m) => m.turno)
        .sort(),
    ).toEqual(['madrugada', 'mañana', 'noche', 'tarde']);
    const g = await call(f, 'GET', '/api/v1/forecasts/current?group=property&turno=manana&format=grid', {
      token: analyst,
    });
    expect(g.status).toBe(200);
    const grid = g.body as {
      turno: string;
      grid: { rows: number; cols: number; cellSize: number };
      mask: string;
      risk: string;
      validCells: number;
      totalRisk: number;
      crs: { code: string };
    };
    expect(grid.turno).toBe('mañana');
    expect(grid.crs.code).toBe('EPSG:32718');
    const bits = Buffer.from(grid.mask, 'base64');
    const cells = grid.grid.rows * grid.grid.cols;
    expect(bits.length).toBe(Math.ceil(cells / 8));
    let valid = 0;
    for (let c = 0; c < cells; c++) valid += ((bits[c >> 3] as number) >> (c & 7)) & 1;
    expect(valid).toBe(grid.validCells);
    const riskBytes = Buffer.from(grid.risk, 'base64');
    const risk = new Float32Array(riskBytes.buffer, riskBytes.byteOffset, riskBytes.byteLength / 4);
    expect(risk.length).toBe(grid.validCells);
    expect(risk.reduce((a, b) => a + b, 0)).toBeCloseTo(grid.totalRisk, 2);
    const gj = await call(f, 'GET', '/api/v1/forecasts/current?group=property&turno=manana&format=geojson', {
      token: analyst,
    });
    expect(gj.headers.get('content-type')).toContain('application/geo+json');
    const fc = gj.body as {
      features: {
        properties: { risk: number; rank: number; cell: number };
        geometry: { coordinates: number[][][] };
      }[];
    };
    expect(fc.features).toHaveLength(grid.validCells);
    const top = fc.features.find((x) => x.properties.rank === 1);
    expect(top?.properties.risk).toBeCloseTo(Math.max(...risk), 4);
    const corner = fc.features[0]?.geometry.coordinates[0]?.[0] ?? [];
    const [lon = 0, lat = 0] = corner;
    expect(lon).toBeGreaterThan(-77.3);
    expect(lon).toBeLessThan(-77.0);
    expect(lat).toBeGreaterThan(-12.2);
    expect(lat).toBeLessThan(-11.7);
    const missing = await call(f, 'GET', '/api/v1/forecasts/current?group=violent&turno=noche', {
      token: analyst,
    });
    expect(missing.status).toBe(404);
    expect((missing.body as { error: { message: string } }).error.message).toContain('vigia forecast');
    const byId = await call(f, 'GET', `/api/v1/forecasts/${f.forecastId}`, { token: analyst });
    expect((byId.body as { id: number }).id).toBe(f.forecastId);
    expect((await call(f, 'GET', '/api/v1/forecasts/99999999', { token: analyst })).status).toBe(404);
  });

  it('serves persistent hotspots: the share of whole months each cell was in the top 5 %', async () => {
    const r = await call(f, 'GET', '/api/v1/hotspots/persistence?group=property&months=2', {
      token: f.users.planner.token,
    });
    expect(r.status).toBe(200);
    const g = r.body as { from: string; to: string; months: number; risk: string; validCells: number };
    // The two whole months before the month of the newest incident.
    const [latest] = await f.t.db.query<{ m: string }>(
      `select to_char(max(occurred_at) at time zone 'America/Lima', 'YYYY-MM') as m from incidents`,
    );
    expect(latest?.m).toBe('2025-04');
    expect([g.from, g.to, g.months]).toEqual(['2025-02-01', '2025-03-31', 2]);
    const bytes = Buffer.from(g.risk, 'base64');
    const values = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
    expect(values).toHaveLength(g.validCells);
    for (const v of values) expect([0, 0.5, 1]).toContain(v);
    const hot = values.filter((v) => v > 0).length;
    // Each month marks at least 5 % of the area hot unless fewer cells had any event.
    expect(hot).toBeGreaterThan(0);
    expect(values.filter((v) => v === 1).length).toBeLessThanOrEqual(hot);
    const community = await call(f, 'GET', '/api/v1/hotspots/persistence', {
      token: f.users.community.token,
    });
    expect(community.status).toBe(403);
  });

  it('marks the month the data is still arriving in as incomplete', async () => {
    const r = await call(f, 'GET', '/api/v1/stats/trends', { token: analyst });
    const area = (
      r.body as { series: { district: string | null; points: { month: string; complete: boolean }[] }[] }
    ).series.find((x) => x.district === null);
    const points = area?.points ?? [];
    expect(points.at(-1)).toMatchObject({ month: '2025-04', complete: false });
    expect(points.slice(0, -1).every((p) => p.complete)).toBe(true);
    expect(points.map((p) => p.month)).toContain('2025-03');
  });

  it('profiles incidents by turno, every incident counted once', async () => {
    const r = await call(f, 'GET', '/api/v1/stats/turnos', { token: analyst });
    const t = (r.body as { turnos: { turno: string | null; count: number }[] }).turnos;
    expect(t.map((x) => x.turno)).toEqual(['madrugada', 'mañana', 'tarde', 'noche', null]);
    const [all] = await f.t.db.query<{ n: number }>('select count(*)::int as n from incidents');
    expect(t.reduce((a, x) => a + x.count, 0)).toBe(all?.n);
    // Below the full view restricted rows are not counted; community views do not get turnos at all.
    const officer = await call(f, 'GET', '/api/v1/stats/turnos', { token: f.users.officer.token });
    const [shared] = await f.t.db.query<{ n: number }>(
      'select count(*)::int as n from incidents where not restricted',
    );
    const o = (officer.body as { turnos: { count: number }[] }).turnos;
    expect(o.reduce((a, x) => a + x.count, 0)).toBe(shared?.n);
    expect(shared?.n).toBeLessThan(all?.n as number);
    const community = await call(f, 'GET', '/api/v1/stats/turnos?district=070105&category=extorsion', {
      token: f.users.community.token,
    });
    expect(community.status).toBe(403);
  });

  it('serves backtest reports as JSON, CSV and HTML', async () => {
    const list = await call(f, 'GET', '/api/v1/backtests', { token: f.users.researcher.token });
    const reports = (list.body as { reports: { id: number; hitRateAt5: Record<string, number> }[] }).reports;
    expect(reports[0]?.id).toBe(f.reportId);
    expect(reports[0]?.hitRateAt5.oracle).toBeGreaterThan(reports[0]?.hitRateAt5.random as number);
    const json = await call(f, 'GET', `/api/v1/backtests/${f.reportId}`, { token: f.users.researcher.token });
    expect((json.body as { models: { name: string }[] }).models.map((m) => m.name)).toContain('naive-counts');
    const csv = await call(f, 'GET', `/api/v1/backtests/${f.reportId}?format=csv`, {
      token: f.users.researcher.token,
    });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text.split('\n').length).toBeGreaterThan(5);
    const html = await call(f, 'GET', `/api/v1/backtests/${f.reportId}?format=html`, {
      token: f.users.researcher.token,
    });
    expect(html.text).toContain('<html');
  });

  it('tells the dashboard about a configured base map and lets its images through the CSP', async () => {
    const plain = await call(f, 'GET', '/api/v1/ui', { token: f.users.community.token });
    expect(plain.body).toMatchObject({ tiles: null, area: 'callao', timeZone: 'America/Lima' });
    const tiles = { url: 'https://{s}.tile.example.org/{z}/{x}/{y}.png', attribution: '© Ejemplo' };
    const withTiles = buildApp({ db: f.t.db, logLevel: 'silent', uploadDir: f.uploadDir, tiles });
    const base = await withTiles.listen({ host: '127.0.0.1', port: 0 });
    try {
      const r = await call({ base }, 'GET', '/api/v1/ui', { token: f.users.community.token });
      expect((r.body as { tiles: unknown }).tiles).toEqual(tiles);
      expect(r.headers.get('content-security-policy')).toContain(
        "img-src 'self' data: https://*.tile.example.org",
      );
    } finally {
      await withTiles.close();
    }
  });

  it('tells the age of the data, one contract on /ui and the forecasts (stale after VIGIA_STALE_DATA_DAYS)', async () => {
    const [row] = await f.t.db.query<{ newest: Date }>(
      "select max(occurred_at) as newest from incidents where study_area = 'callao' and not restricted",
    );
    const newest = row?.newest as Date;
    const days = Math.floor((Date.now() - newest.getTime()) / 86_400_000);
    const expected = {
      area: 'callao',
      newestDay: new Intl.DateTimeFormat('sv-SE', { timeZone: 'America/Lima' }).format(newest),
      days: expect.any(Number),
      staleAfterDays: 7,
      stale: days > 7, // the seeded data is from early 2025
    };
    expect(expected.stale).toBe(true);
    const token = f.users.analyst.token;
    const ui = await call(f, 'GET', '/api/v1/ui', { token: f.users.community.token });
    const uiAge = (ui.body as { dataAge: { days: number } }).dataAge;
    expect(uiAge).toEqual(expected);
    expect(Math.abs(uiAge.days - days)).toBeLessThanOrEqual(1); // whole days; the test may cross midnight
    const idx = await call(f, 'GET', '/api/v1/forecasts', { token });
    expect((idx.body as { dataAge: unknown }).dataAge).toEqual(expected);
    for (const format of ['grid', 'geojson']) {
      const cur = await call(
        f,
        'GET',
        `/api/v1/forecasts/current?group=property&turno=tarde&format=${format}`,
        {
          token,
        },
      );
      expect(cur.status).toBe(200);
      expect((cur.body as { dataAge: unknown }).dataAge, format).toEqual(expected);
    }
    // A server with a longer limit calls the same data fresh.
    const lenient = buildApp({ db: f.t.db, logLevel: 'silent', uploadDir: f.uploadDir, staleDataDays: 3650 });
    const base = await lenient.listen({ host: '127.0.0.1', port: 0 });
    try {
      const r = await call({ base }, 'GET', '/api/v1/ui', { token: f.users.community.token });
      expect((r.body as { dataAge: unknown }).dataAge).toEqual({
        ...expected,
        staleAfterDays: 3650,
        stale: false,
      });
    } finally {
      await lenient.close();
    }
  });

  it('serves districts, areas and models', async () => {
    const d = await call(f, 'GET', '/api/v1/districts', { token: f.users.community.token });
    const fc = d.body as { features: { properties: { code: string; name: string } }[] };
    expect(fc.features).toHaveLength(7);
    expect(fc.features.map((x) => x.properties.name)).toContain('Ventanilla');
    const m = await call(f, 'GET', '/api/v1/models', { token: f.users.community.token });
    expect((m.body as { models: { kind: string }[] }).models.map((x) => x.kind)).toContain('sepp-grid');
    const a = await call(f, 'GET', '/api/v1/areas', { token: f.users.community.token });
    expect((a.body as { areas: { id: string }[] }).areas.map((x) => x.id)).toEqual(['callao']);
    const unknown = await call(f, 'GET', '/api/v1/districts?area=lima-sur', { token: analyst });
    expect(unknown.status).toBe(404);
  });

  it('publishes an OpenAPI document covering every route, and interactive docs', async () => {
    const doc = (await call(f, 'GET', '/openapi.json')).body as {
      openapi: string;
      paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const key of Object.keys(PERMISSIONS)) {
      const [method, url] = key.split(' ') as [string, string];
      const path = url.replace(/:(\w+)/g, '{$1}');
      expect(doc.paths[path]?.[method.toLowerCase()], key).toBeDefined();
    }
    const params = doc.paths['/api/v1/incidents']?.get?.parameters?.map((p) => p.name) ?? [];
    expect(params).toEqual(expect.arrayContaining(['from', 'to', 'district', 'category', 'cursor', 'limit']));
    const ui = await fetch(`${f.base}/docs/`, { redirect: 'follow' });
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
  });

  it('exports domain metrics: forecast age, ingest rows, deployed model hit rate', async () => {
    const m = await call(f, 'GET', '/metrics');
    expect(m.text).toMatch(/vigia_forecast_age_seconds\{area="callao"\} \d/);
    expect(m.text).toMatch(/vigia_ingest_rows\{area="callao",outcome="accepted"\} [1-9]/);
    expect(m.text).toMatch(/vigia_ingest_rows\{area="callao",outcome="rejected"\} \d/);
    expect(m.text).toMatch(
      /vigia_backtest_hit_rate\{area="callao",group="property",model="naive-counts"\} 0\.\d+/,
    );
    expect(m.text).toMatch(
      /vigia_http_requests_total\{method="GET",route="\/api\/v1\/forecasts\/:id",status="200"\}/,
    );
    expect(m.text).not.toMatch(/route="\/api\/v1\/forecasts\/\d/);
  });

  it('monitors the model in production: rolling hit rate and PAI of scored forecasts, the job queue', async () => {
    const text = (await call(f, 'GET', '/metrics')).text;
    const value = (re: RegExp): number => Number(text.match(re)?.[1] ?? Number.NaN);
    // The seeded forecasts of 29 and 30 March end before the newest incident: scored per group × turno.
    for (const turno of TURNOS) {
      const labels = `area="callao",group="property",turno="${turno}",model="naive-counts"`;
      const hitRate = value(new RegExp(`vigia_forecast_hit_rate\\{${labels}\\} (\\S+)`));
      expect(hitRate).toBeGreaterThanOrEqual(0);
      expect(hitRate).toBeLessThanOrEqual(1);
      expect(value(new RegExp(`vigia_forecast_pai\\{${labels}\\} (\\S+)`))).toBeGreaterThanOrEqual(0);
      expect(value(new RegExp(`vigia_forecast_scored_windows\\{${labels}\\} (\\S+)`))).toBeGreaterThanOrEqual(
        1,
      );
    }
    const day = 'area="callao",group="property",turno="dia",model="naive-counts"';
    const windows = value(new RegExp(`vigia_forecast_scored_windows\\{${day}\\} (\\S+)`));
    expect(windows).toBe(1);
    const events = value(new RegExp(`vigia_forecast_scored_events\\{${day}\\} (\\S+)`));
    expect(events).toBeGreaterThan(0);
    const dayHitRate = value(new RegExp(`vigia_forecast_hit_rate\\{${day}\\} (\\S+)`));
    expect(dayHitRate).toBeGreaterThan(0);
    expect(dayHitRate).toBeLessThanOrEqual(1);
    expect(value(new RegExp(`vigia_forecast_pai\\{${day}\\} (\\S+)`))).toBeGreaterThan(1);
    expect(text).toMatch(
      /vigia_forecast_hit_rate\{area="callao",group="all",turno="\w+",model="naive-counts"\} /,
    );
    // The uploads above: one job done, one failed.
    expect(value(/vigia_jobs\{kind="ingest",state="done"\} (\S+)/)).toBeGreaterThanOrEqual(1);
    expect(value(/vigia_jobs\{kind="ingest",state="failed"\} (\S+)/)).toBeGreaterThanOrEqual(1);
    expect(value(/vigia_jobs_failed_24h\{kind="ingest"\} (\S+)/)).toBeGreaterThanOrEqual(1);
    expect(value(/vigia_jobs_finished_24h\{kind="ingest"\} (\S+)/)).toBeGreaterThanOrEqual(2);
    expect(value(/vigia_job_run_seconds_max_24h\{kind="ingest"\} (\S+)/)).toBeGreaterThanOrEqual(0);
  });
});
