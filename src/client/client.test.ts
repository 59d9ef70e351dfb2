/**
 * The researchers' typed client (src/client) against the real server on a port (src/test/api.ts):
 * a researcher's token reads incident pages (de-identified, followed to the end), aggregates,
 * forecasts, backtests and indicators; exports come back as bytes or a stream (Parquet read back
 * with hyparquet, the same rows as the pages); refusals are VigiaApiErrors with the API's code and
 * Spanish message.
 */
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, startApi } from '../test/api.ts';
import { VigiaApiError, VigiaClient } from './index.ts';

const WEEK = { from: '2025-02-03', to: '2025-02-09' } as const;

describe('the typed client against the real server', () => {
  let f: ApiFixture;
  let client: VigiaClient;

  beforeAll(async () => {
    f = await startApi('embedded');
    client = new VigiaClient({ baseUrl: `${f.base}/`, token: f.users.researcher.token });
  }, 180_000);
  afterAll(async () => {
    await f?.close();
  });

  it('knows who the token is', async () => {
    const me = await client.me();
    expect(me.via).toBe('token');
    expect(me.user?.role).toBe('researcher');
    expect(me.scopes).toEqual(['read']);
  });

  it('reads de-identified incident pages and follows the cursor to the last one', async () => {
    const first = await client.incidents({ ...WEEK, limit: 25, total: true });
    expect(first.view).toBe('coarse');
    expect(first.items).toHaveLength(25);
    expect(first.nextCursor).not.toBeNull();
    const total = first.total as number;
    expect(total).toBeGreaterThan(25);
    const all = [];
    for await (const item of client.allIncidents({ ...WEEK, limit: 25 })) all.push(item);
    expect(all).toHaveLength(total);
    expect(new Set(all.map((i) => i.id)).size).toBe(total);
    for (const i of all) {
      expect(i.id).toMatch(/^p_[0-9a-f]{20}$/);
      expect(i.restricted).toBe(false);
      expect(i.narrative).toBeNull();
    }
  });

  it('reads aggregates, forecasts and a stored backtest with their typed answers', async () => {
    const stats = await client.stats({ ...WEEK, district: ['070101'] });
    expect(stats.view).toBe('exact');
    expect(new Set(stats.rows.map((r) => r.districtCode))).toEqual(new Set(['070101']));
    const trends = await client.trends({ from: '2025-01-01', to: '2025-03-31' });
    expect(trends.series.some((s) => s.district === null)).toBe(true);
    const forecasts = await client.forecasts();
    expect(forecasts.forecasts.map((x) => x.id)).toContain(f.forecastId);
    const grid = await client.forecast(f.forecastId);
    expect(grid.grid.cols * grid.grid.rows).toBeGreaterThan(0);
    const list = await client.backtests();
    expect(list.reports.map((r) => r.id)).toContain(f.reportId);
    const report = await client.backtest(f.reportId);
    expect(report.models.length).toBeGreaterThan(0);
    const ind = await client.indicators({ from: '2025-01-01', to: '2025-02-28' });
    expect(ind.total.count).toBe(ind.rows.reduce((s, r) => s + (r.count ?? 0), 0));
  });

  it('downloads a Parquet export that reads back to the same rows as the pages', async () => {
    const d = await client.exportIncidents({ format: 'parquet', ...WEEK });
    expect(d.contentType).toBe('application/vnd.apache.parquet');
    expect(d.filename).toBe(`incidentes-callao-${WEEK.from}-${WEEK.to}.parquet`);
    const bytes = await d.bytes();
    const rows = (await parquetReadObjects({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    })) as { pseudonym: string; category: string; lat: number | null }[];
    const pages = [];
    for await (const item of client.allIncidents({ ...WEEK, limit: 1000 })) pages.push(item);
    expect(rows.map((r) => r.pseudonym).sort()).toEqual(pages.map((i) => i.id).sort());
    const byId = new Map(pages.map((i) => [i.id, i]));
    for (const r of rows) {
      expect(r.category).toBe(byId.get(r.pseudonym)?.category);
      expect(r.lat).toBe(byId.get(r.pseudonym)?.lat ?? null);
    }
  });

  it('streams the backtest export as CSV, one row per model × coverage', async () => {
    const report = await client.backtest(f.reportId);
    const d = await client.exportBacktest(f.reportId, 'csv');
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of d.stream()) text += decoder.decode(chunk, { stream: true });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]?.split(',').slice(0, 3)).toEqual(['report_id', 'area', 'crime_group']);
    expect(lines).toHaveLength(1 + report.models.reduce((s, m) => s + m.curve.length, 0));
  });

  it('turns refusals into VigiaApiErrors with the API code and the Spanish message', async () => {
    const refused = async (p: Promise<unknown>): Promise<VigiaApiError> => {
      const e = await p.then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(VigiaApiError);
      return e as VigiaApiError;
    };
    // Researchers do not get the officials' printable report.
    const forbidden = await refused(client.indicatorReport({ from: '2025-01-01', to: '2025-01-31' }, 'pdf'));
    expect(forbidden).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    const missing = await refused(client.backtest(999_999));
    expect(missing).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(missing.message).toMatch(/no existe|no se encontr/i);
    const bad = await refused(client.incidents({ from: '2025-13-01' }));
    expect(bad).toMatchObject({ status: 400, code: 'VALIDATION' });
    expect(bad.fields.map((x) => x.field).join(' ') + bad.message).toContain('from');
    const stranger = new VigiaClient({ baseUrl: f.base, token: 'vigia_no-es-un-token' });
    expect(await refused(stranger.me())).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    // An analyst's token gets the report as a download.
    const analyst = new VigiaClient({ baseUrl: f.base, token: f.users.analyst.token });
    const pdf = await analyst.indicatorReport({ from: '2025-01-01', to: '2025-01-31' }, 'pdf');
    expect(pdf.contentType).toBe('application/pdf');
    expect(new TextDecoder().decode((await pdf.bytes()).subarray(0, 5))).toBe('%PDF-');
  });
});
