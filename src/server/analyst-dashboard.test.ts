/**
 * The analysts' incident table in Chromium against the real server: the total count of matches,
 * geocode and time quality shown per row as the store knows it ("sin ubicación en la fuente",
 * "ubicada en la comisaría", "solo fecha", "exacta"), and the CSV export of the filtered rows, read
 * through the audited incident listing. Screenshots go to artifacts/screenshots/.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../services/ingest.ts';
import { type ApiFixture, startApi, UPLOAD_FIXTURE } from '../test/api.ts';
import { dashboardBrowser, logIn, SHOTS } from '../test/browser.ts';

/** Lima midnight of 2024-06-10: SIDPOL's way of writing "no time" (a date-only record). */
const MIDNIGHT = Date.parse('2024-06-10T00:00:00-05:00');

describe('analysts: incident table in Chromium', () => {
  let f: ApiFixture;
  let browser: Browser;

  beforeAll(async () => {
    f = await startApi('embedded', { loginAttemptsPer15Minutes: 1000 });
    // The SIDPOL fixture moved to June 2024 (the demo data is 2025): rows 101–103 exact, 104 forced
    // to the station, 105 without coordinates, 106 at local midnight (date only).
    const [head, ...lines] = readFileSync(UPLOAD_FIXTURE, 'utf8').trim().split('\n');
    const moved = lines.slice(0, 6).map((line, i) => {
      const ms = i === 5 ? MIDNIGHT : Date.parse('2024-06-02T15:30:00-05:00') + i * 86_400_000;
      return line.replace(/^\d+/, String(ms)).replace(/,\d{13}$/, `,${ms + 3_600_000}`);
    });
    const file = join(mkdtempSync(join(tmpdir(), 'vigia-analyst-')), 'junio.csv');
    writeFileSync(file, `${head}\n${moved.join('\n')}\n`);
    const report = await ingestFile(f.t.db, { file, adapter: 'sidpol-geo', area: 'callao' });
    expect(report.accepted).toBe(6);
    browser = await dashboardBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  it('shows the total, each row’s location and time quality, and exports the filtered rows as CSV', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'es-PE',
      timezoneId: 'America/Lima',
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(f.base);
    await logIn(page, f.users.analyst.username);
    await page.getByTestId('nav-incidents').click();
    await page.getByTestId('from').fill('01/06/2024');
    await page.getByTestId('to').fill('30/06/2024');
    await page.getByRole('button', { name: 'Buscar' }).click();
    await page.getByTestId('incidents-table').waitFor();

    // The total of matches, from the API's count (total=true), not the rows on screen.
    expect(await page.getByTestId('incidents-total').textContent()).toBe('6 coincidencias · 6 mostradas');

    const rows = await page
      .locator('[data-testid="incidents-table"] tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
    const quality = rows.map((r) => r[6]);
    expect(quality.filter((q) => q === 'sin ubicación en la fuente')).toHaveLength(1);
    expect(quality.filter((q) => q === 'ubicada en la comisaría')).toHaveLength(1);
    expect(quality.filter((q) => q === 'solo fecha')).toHaveLength(1);
    expect(quality.filter((q) => q === 'exacta')).toHaveLength(3);
    // The date-only row shows no invented time.
    const dateOnly = rows.find((r) => r[6] === 'solo fecha') as string[];
    expect(dateOnly[0]).toBe('10/06/2024');
    await page.screenshot({ path: join(SHOTS, 'analyst-incidents.png'), fullPage: true });

    const reads = async (): Promise<number> =>
      (
        await f.t.db.query<{ n: number }>(
          `select count(*)::int as n from audit_log where action = 'incidents.list' and actor = $1`,
          [f.users.analyst.username],
        )
      )[0]?.n ?? 0;
    const before = await reads();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('incidents-export').click(),
    ]);
    expect(download.suggestedFilename()).toBe('incidentes-2024-06-01-2024-06-30.csv');
    const csv = readFileSync((await download.path()) as string, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(csv[0]).toBe(
      'id,fecha_hora,precision_hora,distrito_codigo,distrito,categoria,tipo,subtipo,modalidad,canal,calidad_ubicacion,lat,lon,protegido',
    );
    expect(csv).toHaveLength(7);
    const body = csv.slice(1).map((l) => l.split(','));
    expect(body.map((c) => c[10]).sort()).toEqual(['exact', 'exact', 'exact', 'exact', 'missing', 'station']);
    expect(body.filter((c) => c[2] === 'date')).toHaveLength(1);
    // The export read the rows through the audited listing.
    expect(await reads()).toBeGreaterThan(before);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
