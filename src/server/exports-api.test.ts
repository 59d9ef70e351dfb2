/**
 * Issue 13, officials and researchers, through the real server and CLI on both stores: the
 * population table (CLI and upload: clear errors, atomic, idempotent, replacement audited), the
 * indicators (rates per 1,000, change with an exact 95 % interval, "pocos casos", each role's
 * view), the one-page PDF (page 1 rendered, text) and XLSX (read back) reports, and the
 * researchers' CSV / Parquet exports (Parquet read back and compared with the CSV; no restricted
 * row's location or narrative). The populations are clearly fake (src/test/fixtures).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsvChunk } from '../ingest/csv.ts';
import { getStudyArea } from '../services/areas.ts';
import { writeDemoCsv } from '../services/demo.ts';
import { INCIDENT_EXPORT_COLUMNS } from '../services/exports.ts';
import { REPORT_COLOURS } from '../services/indicator-report.ts';
import { poissonChange } from '../services/indicators.ts';
import { ingestFile } from '../services/ingest.ts';
import { type ApiFixture, call, startApi } from '../test/api.ts';
import { runCli } from '../test/cli.ts';
import { BACKENDS } from '../test/db.ts';
import { countColour, pdfPageImage, pdfText } from '../test/pdf.ts';

const FIXTURE = fileURLToPath(new URL('../test/fixtures/poblacion-ficticia.csv', import.meta.url));
const SOURCE = 'FICTICIO: cifras inventadas para pruebas';
const PERIOD = 'from=2025-01-01&to=2025-02-28';

type Row = {
  category: string;
  count: number | null;
  previous: number | null;
  ratePer1000: number | null;
  change: number | null;
  lower: number | null;
  upper: number | null;
  fewCases: boolean;
};
type Ind = {
  rows: Row[];
  total: Row;
  population: { population: number; sources: string[] } | null;
  notes: string[];
};

describe('poissonChange: the exact conditional interval of a ratio of two counts', () => {
  it('matches the Clopper–Pearson bounds computed independently (scipy beta.ppf)', () => {
    const c = poissonChange(20, 10);
    expect(c.change).toBeCloseTo(1, 12);
    expect(c.lower).toBeCloseTo(-0.10649110961530917, 8);
    expect(c.upper).toBeCloseTo(3.7845524403381017, 8);
    const none = poissonChange(3, 0);
    expect(none.change).toBeNull();
    expect(none.lower).toBeCloseTo(-0.5867686449691061, 8);
    expect(none.upper).toBeNull();
    expect(poissonChange(0, 4).upper).toBeCloseTo(0.5148668593658703, 8);
    expect(poissonChange(0, 0)).toEqual({ change: null, lower: null, upper: null });
  });
});

describe.each(BACKENDS)('officials and researchers (%s store)', (backend) => {
  let f: ApiFixture;
  let dir: string;
  const env = () => ({ DATABASE_URL: f.t.url });
  const get = async (path: string, token: string) => {
    const r = await fetch(`${f.base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
  };

  beforeAll(async () => {
    f = await startApi(backend);
    // A smaller quarter a year earlier (another seed: other ids), for the year-on-year change.
    dir = mkdtempSync(join(tmpdir(), 'vigia-exports-'));
    const file = join(dir, 'prev.csv');
    await writeDemoCsv(
      await getStudyArea(f.t.db, 'callao'),
      { years: 0.25, start: '2024-01-01', annualVolume: 6000, seed: 12 },
      file,
    );
    await ingestFile(f.t.db, { file, adapter: 'sidpol-geo', area: 'callao' });
  }, 180_000);
  afterAll(async () => {
    await f?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a bad population file naming file, row and field, and stores nothing of it', async () => {
    const bad = join(dir, 'mala.csv');
    writeFileSync(bad, 'distrito,año,población\n070101,2025,1000\nNarnia,2025,5\n');
    const r = await runCli(['population', 'load', bad, '--area', 'callao', '--source', SOURCE], env());
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('mala.csv');
    expect(r.stderr).toContain('fila 3');
    expect(r.stderr).toContain('campo "distrito"');
    expect(r.stderr).toContain('Narnia');
    const pop = await f.t.db.query('select * from populations');
    expect(pop).toEqual([]);
    writeFileSync(bad, 'distrito,año,población\n070101,2025,1.000\n');
    const r2 = await runCli(['population', 'load', bad, '--area', 'callao', '--source', SOURCE], env());
    expect(r2.stderr).toContain('fila 2, campo "población"');
  });

  it('loads with the CLI once; a re-load changes nothing; a later figure replaces with a new audit entry', async () => {
    const first = await runCli(
      ['population', 'load', FIXTURE, '--area', 'callao', '--source', SOURCE, '--json'],
      env(),
    );
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ rows: 8, added: 8, replaced: 0 });
    const again = await runCli(
      ['population', 'load', FIXTURE, '--area', 'callao', '--source', SOURCE, '--json'],
      env(),
    );
    expect(JSON.parse(again.stdout)).toMatchObject({
      rows: 8,
      added: 0,
      replaced: 0,
      unchanged: 8,
      auditSeq: null,
    });
    const audits = () =>
      f.t.db.query<{ detail: { replaced: unknown[] } }>(
        `select detail::jsonb as detail from audit_log where action = 'population.load' order by seq`,
      );
    expect(await audits()).toHaveLength(1);
    // The upload (analyst) replaces one figure; the audit keeps the old one.
    const form = new FormData();
    form.append('file', new Blob(['distrito,año,población\n070105,2025,2000\n']), 'la-punta.csv');
    const up = await call(f, 'POST', `/api/v1/populations?area=callao&source=${encodeURIComponent(SOURCE)}`, {
      token: f.users.analyst.token,
      form,
    });
    expect(up.status, up.text).toBe(200);
    expect(up.body).toMatchObject({ added: 0, replaced: 1 });
    const log = await audits();
    expect(log).toHaveLength(2);
    expect(log[1]?.detail.replaced).toEqual([
      { district: '070105', year: 2025, before: { population: 1000, source: SOURCE }, after: 2000 },
    ]);
    const rows = await f.t.db.query<{ population: number }>(
      `select population from populations where district_code = '070105' and year = 2025`,
    );
    expect(rows).toEqual([{ population: 2000 }]);
    // Officials may not upload.
    const no = await call(f, 'POST', `/api/v1/populations?source=x`, { token: f.users.official.token, form });
    expect(no.status).toBe(403);
  });

  it('gives officials rates per 1,000, the change with its interval and the small-count flag', async () => {
    const r = await call(f, 'GET', `/api/v1/indicators?${PERIOD}`, { token: f.users.official.token });
    expect(r.status, r.text).toBe(200);
    const ind = r.body as Ind;
    const total = 100000 + 50000 + 10000 + 20000 + 2000 + 200000 + 30000;
    expect(ind.population).toEqual({ year: 2025, population: total, sources: [SOURCE] });
    const { count, previous } = ind.total as { count: number; previous: number };
    expect(count).toBeGreaterThan(0);
    expect(previous).toBeGreaterThan(0);
    expect(ind.total.ratePer1000).toBeCloseTo((count / total) * 1000, 10);
    expect(ind.total.change).toBeCloseTo(count / previous - 1, 10);
    expect(ind.total).toMatchObject(poissonChange(count, previous));
    expect(ind.total.lower as number).toBeLessThan(ind.total.change as number);
    for (const row of ind.rows) expect(row.fewCases).toBe((row.count ?? 0) < 10 || (row.previous ?? 0) < 10);
    // Protected categories are not counted in the official's view.
    expect(ind.rows.map((x) => x.category)).not.toContain('violencia_familiar');
    // One district: its own population; no rate for a year without one.
    const one = (
      await call(f, 'GET', `/api/v1/indicators?${PERIOD}&district=070102`, {
        token: f.users.official.token,
      })
    ).body as Ind;
    expect(one.population?.population).toBe(50000);
    const old = (
      await call(f, 'GET', '/api/v1/indicators?from=2024-01-01&to=2024-02-29', {
        token: f.users.official.token,
      })
    ).body as Ind;
    expect(old.population).toBeNull();
    expect(old.total.ratePer1000).toBeNull();
    // Community: whole months only (the published table).
    const c = await call(f, 'GET', '/api/v1/indicators?from=2025-01-05&to=2025-02-28', {
      token: f.users.community.token,
    });
    expect(c.status).toBe(400);
  });

  it('renders the one-page PDF (page 1 rendered, text) and the XLSX (read back), audited', async () => {
    const pdf = await get(`/api/v1/indicators/report.pdf?${PERIOD}`, f.users.official.token);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const json = (await call(f, 'GET', `/api/v1/indicators?${PERIOD}`, { token: f.users.official.token }))
      .body as Ind;
    const text = pdfText(pdf.bytes);
    expect(text).toContain('Indicadores de criminalidad');
    expect(text).toContain('2025-01-01 a 2025-02-28');
    expect(text).toContain(SOURCE);
    expect(text).toContain('IC 95 %');
    expect(text).toContain((json.total.count as number).toLocaleString('es-PE'));
    expect(text).toContain('Robo');
    const page = pdfPageImage(pdf.bytes, 1);
    expect(countColour(page, REPORT_COLOURS.current)).toBeGreaterThan(20);
    const xlsx = await get(`/api/v1/indicators/report.xlsx?${PERIOD}`, f.users.official.token);
    expect(xlsx.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Indicadores');
    expect(ws?.getCell('A6').value).toBe('Tipo de delito');
    const last = ws?.getRow(6 + json.rows.length + 1);
    expect(last?.getCell(1).value).toBe('Total');
    expect(last?.getCell(3).value).toBe(json.total.count);
    expect(last?.getCell(4).value).toBe(json.total.previous);
    expect(last?.getCell(8).value as number).toBeCloseTo(json.total.ratePer1000 as number, 10);
    expect(ws?.getCell('F4').value).toBe(SOURCE);
    const audits = await f.t.db.query<{ detail: { format: string } }>(
      `select detail::jsonb as detail from audit_log where action = 'indicators.report' order by seq`,
    );
    expect(audits.map((a) => a.detail.format)).toEqual(['pdf', 'xlsx']);
    // Community leaders and officers do not get the report.
    expect((await get(`/api/v1/indicators/report.pdf?${PERIOD}`, f.users.community.token)).status).toBe(403);
  });

  it('exports de-identified incidents as CSV and Parquet with the same rows, never a restricted row', async () => {
    const q = 'from=2025-01-01&to=2025-03-31';
    const csv = await get(`/api/v1/exports/incidents?format=csv&${q}`, f.users.researcher.token);
    expect(csv.status).toBe(200);
    const lines = csv.bytes.toString('utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(INCIDENT_EXPORT_COLUMNS.map((c) => c.name).join(','));
    const pq = await get(`/api/v1/exports/incidents?format=parquet&${q}`, f.users.researcher.token);
    expect(pq.status).toBe(200);
    const ab = pq.bytes.buffer.slice(pq.bytes.byteOffset, pq.bytes.byteOffset + pq.bytes.length);
    const objs = (await parquetReadObjects({ file: ab })) as Record<string, unknown>[];
    expect(objs.length).toBe(lines.length - 1);
    expect(objs.length).toBeGreaterThan(1000); // more than one page
    // Field by field against the CSV as a CSV reader parses it (quoted fields hold commas).
    const parsed = parseCsvChunk(csv.bytes.toString('utf8'), ',', true).rows.slice(1);
    expect(parsed).toHaveLength(objs.length);
    const asText = objs.map((o) =>
      INCIDENT_EXPORT_COLUMNS.map((c) =>
        o[c.name] === null || o[c.name] === undefined ? '' : String(o[c.name]),
      ),
    );
    expect(asText).toEqual(parsed);
    // The store's restricted rows of the period: none appears, by pseudonym, location or narrative.
    const restricted = await f.t.db.query<{ n: number }>(
      `select count(*)::int as n from incidents where restricted and occurred_at >= '2025-01-01' and occurred_at < '2025-04-01'`,
    );
    expect(restricted[0]?.n).toBeGreaterThan(0);
    const text = csv.bytes.toString('utf8');
    for (const c of ['violencia_familiar', 'sexual']) expect(text).not.toContain(`,${c},`);
    expect(objs.some((o) => o.category === 'violencia_familiar' || o.category === 'sexual')).toBe(false);
    const narratives = await f.t.db.query<{ narrative: string | null; external_id: string }>(
      `select narrative, external_id from incidents where restricted limit 20`,
    );
    for (const n of narratives) {
      if (n.narrative) expect(text).not.toContain(n.narrative);
      expect(text).not.toContain(n.external_id);
    }
    // Every location is a lattice centre (≈275 m), never the recorded point.
    for (const o of objs.slice(0, 200))
      if (o.lat !== null) expect(Math.abs(((o.lat as number) / 0.0025) % 1) - 0.5).toBeLessThan(1e-3);
    const audits = await f.t.db.query<{ detail: { format: string } }>(
      `select detail::jsonb as detail from audit_log where action = 'exports.incidents' order by seq`,
    );
    expect(audits.map((a) => a.detail.format)).toEqual(['csv', 'parquet']);
    expect((await get(`/api/v1/exports/incidents?${q}`, f.users.official.token)).status).toBe(403);
  });

  it('exports a stored backtest as CSV and Parquet with the same values', async () => {
    const csv = await get(`/api/v1/exports/backtests/${f.reportId}?format=csv`, f.users.researcher.token);
    expect(csv.status).toBe(200);
    const lines = csv.bytes.toString('utf8').trimEnd().split('\n');
    const pq = await get(`/api/v1/exports/backtests/${f.reportId}?format=parquet`, f.users.researcher.token);
    const ab = pq.bytes.buffer.slice(pq.bytes.byteOffset, pq.bytes.byteOffset + pq.bytes.length);
    const objs = (await parquetReadObjects({ file: ab })) as Record<string, unknown>[];
    expect(objs.length).toBe(lines.length - 1);
    expect(objs.length).toBeGreaterThan(0);
    const header = (lines[0] as string).split(',');
    objs.forEach((o, i) => {
      const cells = (lines[i + 1] as string).split(',');
      header.forEach((h, j) => {
        const v = o[h];
        expect(v === null || v === undefined ? '' : String(v), `${h} row ${i}`).toBe(cells[j]);
      });
    });
    expect((await get('/api/v1/exports/backtests/999999?format=csv', f.users.researcher.token)).status).toBe(
      404,
    );
  });
});
