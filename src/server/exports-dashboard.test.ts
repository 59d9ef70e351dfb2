/**
 * Officials' and researchers' downloads in headless Chromium against the real server and the built
 * dashboard (issue 13): the "Indicadores" view says no population table is loaded and how an
 * analyst loads one, then — once one is loaded — shows rates per 1,000 with the change's interval
 * and "pocos casos", and downloads the one-page PDF (page 1 rendered with pdftoppm) and the XLSX
 * (read back) for the district chosen; "Evaluación de modelos" downloads de-identified incidents of
 * a period (CSV and Parquet, read back) and the shown backtest (CSV and Parquet). The browser's
 * clock is fixed so "the last 12 whole months" is known. Screenshots go to artifacts/screenshots/.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { parquetReadObjects } from 'hyparquet';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_ROLES, incidentsExportUrl, lastTwelveMonths, REPORT_ROLES } from '../../web/src/downloads.ts';
import { getStudyArea } from '../services/areas.ts';
import { writeDemoCsv } from '../services/demo.ts';
import { REPORT_COLOURS } from '../services/indicator-report.ts';
import { ingestFile } from '../services/ingest.ts';
import { type ApiFixture, call, startApi } from '../test/api.ts';
import { dashboardBrowser, logIn, SHOTS } from '../test/browser.ts';
import { countColour, pdfPageImage, pdfText } from '../test/pdf.ts';
import { PERMISSIONS } from './permissions.ts';

const POPULATION = fileURLToPath(new URL('../test/fixtures/poblacion-ficticia.csv', import.meta.url));
const SOURCE = 'FICTICIO: cifras inventadas para pruebas';
/** Lima, 10 January 2026: the last 12 whole months are the year 2025. */
const NOW = new Date('2026-01-10T10:00:00-05:00');
const YEAR = { from: '2025-01-01', to: '2025-12-31' };

type Row = { category: string; count: number | null; ratePer1000: number | null; fewCases: boolean };
type Ind = { rows: Row[]; total: Row; population: { population: number } | null };

const rolesOf = (key: string): string[] => Object.keys(PERMISSIONS[key]?.roles ?? {}).sort();
const bytesOf = async (d: Download): Promise<Buffer> => readFileSync(await d.path());
const arrayBuffer = (b: Buffer): ArrayBuffer =>
  b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

describe('the downloads of the dashboard: pure pieces', () => {
  it('the default period is the last 12 whole months in Lima', () => {
    expect(lastTwelveMonths(NOW.getTime())).toEqual(YEAR);
    expect(lastTwelveMonths(Date.parse('2024-03-05T12:00:00Z'))).toEqual({
      from: '2023-03-01',
      to: '2024-02-29',
    });
    // 03:00 UTC on 1 February is still 31 January in Lima.
    expect(lastTwelveMonths(Date.parse('2026-02-01T03:00:00Z'))).toEqual(YEAR);
  });

  it('offers the report and the exports to exactly the roles the permission table lets download them', () => {
    expect([...REPORT_ROLES].sort()).toEqual(rolesOf('GET /api/v1/indicators/report.pdf'));
    expect([...REPORT_ROLES].sort()).toEqual(rolesOf('GET /api/v1/indicators/report.xlsx'));
    expect([...EXPORT_ROLES].sort()).toEqual(rolesOf('GET /api/v1/exports/incidents'));
    expect([...EXPORT_ROLES].sort()).toEqual(rolesOf('GET /api/v1/exports/backtests/:id'));
  });
});

describe('officials and researchers download from the dashboard in Chromium', () => {
  let f: ApiFixture;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    f = await startApi('embedded', { loginAttemptsPer15Minutes: 1000 });
    // A quarter a year earlier, for the year-on-year change and its interval.
    const dir = mkdtempSync(join(tmpdir(), 'vigia-exports-ui-'));
    try {
      const file = join(dir, 'prev.csv');
      await writeDemoCsv(
        await getStudyArea(f.t.db, 'callao'),
        { years: 0.25, start: '2024-01-01', annualVolume: 6000, seed: 12 },
        file,
      );
      await ingestFile(f.t.db, { file, adapter: 'sidpol-geo', area: 'callao' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    browser = await dashboardBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  const login = async (role: 'official' | 'researcher'): Promise<Page> => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'es-PE',
      timezoneId: 'America/Lima',
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.clock.setFixedTime(NOW);
    await page.goto(f.base);
    await logIn(page, f.users[role].username);
    return page;
  };
  const download = async (page: Page, testId: string): Promise<Download> => {
    const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
    return d;
  };
  const indicators = async (query: string): Promise<Ind> => {
    const r = await call(f, 'GET', `/api/v1/indicators?${query}`, { token: f.users.official.token });
    expect(r.status, r.text).toBe(200);
    return r.body as Ind;
  };
  const fmt = (n: number, digits = 0): string =>
    n.toLocaleString('es-PE', { minimumFractionDigits: digits, maximumFractionDigits: digits });

  it('Indicadores: a note without population, rates once one is loaded, the PDF and XLSX of the district chosen', async () => {
    const page = await login('official');
    // The official lands on the indicators; the period is the last 12 whole months.
    await page.getByTestId('indicator-table').waitFor();
    expect(await page.getByTestId('ind-period').textContent()).toContain('01/01/2025 – 31/12/2025');
    const before = await indicators(`from=${YEAR.from}&to=${YEAR.to}`);
    expect(before.population).toBeNull();
    const note = (await page.getByTestId('no-population').textContent()) as string;
    expect(note).toContain('No hay tabla de población cargada');
    expect(note).toContain('vigia population load');
    expect(await page.getByTestId('rate').count()).toBe(0);
    const total = page.locator('[data-testid="indicator-table"] tr[data-category="total"]');
    expect(await total.textContent()).toContain(fmt(before.total.count as number));
    await page.screenshot({ path: `${SHOTS}official-indicators-no-population.png`, fullPage: true });

    // An analyst loads the (fictitious) population table; the view now shows rates per 1,000.
    const form = new FormData();
    form.append('file', new Blob([readFileSync(POPULATION)]), 'poblacion.csv');
    const up = await call(f, 'POST', `/api/v1/populations?source=${encodeURIComponent(SOURCE)}`, {
      token: f.users.analyst.token,
      form,
    });
    expect(up.status, up.text).toBe(200);
    await page.reload();
    await page.getByTestId('ind-population').waitFor();
    expect(await page.getByTestId('no-population').count()).toBe(0);
    expect(await page.getByTestId('ind-population').textContent()).toContain(SOURCE);
    const after = await indicators(`from=${YEAR.from}&to=${YEAR.to}`);
    expect(after.population).not.toBeNull();
    expect(await total.getByTestId('rate').textContent()).toBe(fmt(after.total.ratePer1000 as number, 2));
    // The change with its interval, and "pocos casos" exactly where the API flags few cases.
    expect(await total.textContent()).toMatch(/%\s\(.+%\s–\s.+\)/);
    await expect
      .poll(() => page.getByTestId('few-cases').count())
      .toBe([...after.rows, after.total].filter((r) => r.fewCases).length);
    expect(await page.getByTestId('few-cases').first().textContent()).toBe('pocos casos');

    // One district: the report links follow the choice.
    await page.getByTestId('ind-district').selectOption('070102');
    await expect
      .poll(() => page.getByTestId('report-pdf').getAttribute('href'))
      .toBe(`/api/v1/indicators/report.pdf?from=${YEAR.from}&to=${YEAR.to}&district=070102`);
    const district = await indicators(`from=${YEAR.from}&to=${YEAR.to}&district=070102`);
    await expect
      .poll(() => total.getByTestId('rate').textContent())
      .toBe(fmt(district.total.ratePer1000 as number, 2));
    await page.screenshot({ path: `${SHOTS}official-indicators.png`, fullPage: true });

    const pdfDownload = await download(page, 'report-pdf');
    expect(pdfDownload.suggestedFilename()).toMatch(/\.pdf$/);
    const pdf = await bytesOf(pdfDownload);
    expect(countColour(pdfPageImage(pdf, 1), REPORT_COLOURS.current)).toBeGreaterThan(20);
    const text = pdfText(pdf);
    expect(text).toContain('Indicadores de criminalidad');
    expect(text).toContain('2025-01-01 a 2025-12-31');
    expect(text).toContain('Bellavista');
    expect(text).toContain(SOURCE);

    const xlsxDownload = await download(page, 'report-xlsx');
    expect(xlsxDownload.suggestedFilename()).toMatch(/\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(arrayBuffer(await bytesOf(xlsxDownload)));
    const ws = wb.getWorksheet('Indicadores');
    expect(ws?.getCell('A6').value).toBe('Tipo de delito');
    expect(ws?.getRow(6 + district.rows.length + 1).getCell(3).value).toBe(district.total.count);
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });

  it('Evaluación de modelos: incidents of a period and the shown backtest, as CSV and Parquet', async () => {
    const page = await login('researcher');
    await page.getByTestId('export-panel').waitFor();
    expect(await page.getByTestId('report').inputValue()).toBe(String(f.reportId));
    const period = { from: '2025-02-01', to: '2025-02-28' };
    await page.getByTestId('export-from').fill(period.from);
    await page.getByTestId('export-to').fill(period.to);
    await expect
      .poll(() => page.getByTestId('export-incidents-parquet').getAttribute('href'))
      .toBe(incidentsExportUrl('parquet', period));
    await page.screenshot({ path: `${SHOTS}researcher-exports.png`, fullPage: true });

    // The researcher's pages of the same period: the count the files must hold.
    const first = await call(
      f,
      'GET',
      `/api/v1/incidents?from=${period.from}&to=${period.to}&total=true&limit=1`,
      {
        token: f.users.researcher.token,
      },
    );
    const expected = (first.body as { total: number }).total;
    expect(expected).toBeGreaterThan(100);

    const pq = await download(page, 'export-incidents-parquet');
    expect(pq.suggestedFilename()).toBe(`incidentes-callao-${period.from}-${period.to}.parquet`);
    const rows = (await parquetReadObjects({ file: arrayBuffer(await bytesOf(pq)) })) as {
      pseudonym: string;
      occurred_hour_utc: string;
    }[];
    expect(rows).toHaveLength(expected);
    for (const r of rows) expect(r.pseudonym).toMatch(/^p_[0-9a-f]{20}$/);
    const csv = (await bytesOf(await download(page, 'export-incidents-csv'))).toString('utf8');
    expect(csv.trimEnd().split('\n')).toHaveLength(expected + 1);

    const btCsv = (await bytesOf(await download(page, 'export-backtest-csv'))).toString('utf8');
    const btLines = btCsv.trimEnd().split('\n');
    expect(btLines[0]?.startsWith('report_id,')).toBe(true);
    const btPq = await download(page, 'export-backtest-parquet');
    expect(btPq.suggestedFilename()).toBe(`backtest-${f.reportId}.parquet`);
    const btRows = (await parquetReadObjects({ file: arrayBuffer(await bytesOf(btPq)) })) as {
      report_id: number;
    }[];
    expect(btRows).toHaveLength(btLines.length - 1);
    expect(new Set(btRows.map((r) => r.report_id))).toEqual(new Set([f.reportId]));
    expect(pageErrors).toEqual([]);
    await page.context().close();
  });
});
