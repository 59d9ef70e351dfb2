/**
 * The planners' "Zonas emergentes" view in headless Chromium against the real server and the built
 * dashboard: the view is in a planner's navigation, the map draws the class grid, the legend's labels
 * and counts and the table of cells per class and district equal the API's answer (also after
 * changing the months), and the Shapefile (read back with `shapefile`) and KML downloads hold one
 * feature per cell; screenshot in artifacts/screenshots/emerging.png.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import * as shapefile from 'shapefile';
import { describe, expect, it } from 'vitest';
import { call } from '../test/api.ts';
import { dashboardFixture, openDashboard, SHOTS } from '../test/browser.ts';

type Emerging = {
  months: number;
  validCells: number;
  classes: { code: string; label: string; cells: number }[];
  districts: { code: string; name: string; cells: Record<string, number> }[];
};

const es = (n: number): string => n.toLocaleString('es-PE');

describe('the planners’ emerging hot spot view in Chromium', () => {
  const f = dashboardFixture({ http: { loginAttemptsPer15Minutes: 1000 }, timeout: 180_000 });

  const answer = async (months: number): Promise<Emerging> => {
    const r = await call(f, 'GET', `/api/v1/hotspots/emerging?group=property&months=${months}`, {
      token: f.users.planner.token,
    });
    expect(r.status, r.text).toBe(200);
    return r.body as Emerging;
  };

  /** Legend and table as shown, against the API's answer. */
  const expectShows = async (page: Page, a: Emerging): Promise<void> => {
    const legend = await page
      .locator('[data-testid="emerging-legend"] .legend-row')
      .evaluateAll((rows) =>
        rows.map((r) => [
          r.getAttribute('data-code'),
          r.querySelector('.legend-label')?.textContent,
          r.querySelector('.legend-count')?.textContent,
        ]),
      );
    expect(legend).toEqual(a.classes.map((c) => [c.code, c.label, `(${es(c.cells)})`]));
    const table = page.getByTestId('emerging-table');
    expect(await table.locator('thead th').allTextContents()).toEqual([
      'Clase',
      ...a.districts.map((d) => d.name),
      'Total',
    ]);
    const rows = await table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        code: tr.getAttribute('data-code'),
        cells: [...tr.querySelectorAll('th, td')].map((c) => c.textContent),
      })),
    );
    const shown = a.classes.filter((c) => c.cells > 0);
    expect(shown.length).toBeGreaterThan(1);
    expect(rows).toEqual(
      shown.map((c) => ({
        code: c.code,
        cells: [c.label, ...a.districts.map((d) => es(d.cells[c.code] ?? 0)), es(c.cells)],
      })),
    );
  };

  it('shows the class map, the legend and the counts of the API, and downloads Shapefile and KML', async () => {
    const a24 = await answer(24);
    // Data only in the last months of the seeded quarter: hot classes exist.
    expect(a24.classes.filter((c) => c.code.endsWith('_hot')).some((c) => c.cells > 0)).toBe(true);

    const errors: string[] = [];
    const page = await openDashboard(f, f.users.planner.username, {
      errors,
      context: { acceptDownloads: true },
    });
    const nav = page.getByTestId('nav-emerging');
    expect(await nav.textContent()).toBe('Zonas emergentes');
    await nav.click();
    await page.getByTestId('emerging-table').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('map').getAttribute('data-cells')).toBe(String(a24.validCells));
    await expectShows(page, a24);

    // The canvas holds coloured cells: hot classes in reds (red channel above blue).
    const painted = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('canvas.risk-canvas');
      const ctx = c?.getContext('2d');
      if (!c || !ctx) return { red: 0, blue: 0 };
      const px = ctx.getImageData(0, 0, c.width, c.height).data;
      let red = 0;
      let blue = 0;
      for (let i = 0; i < px.length; i += 4) {
        if ((px[i + 3] as number) < 200) continue;
        if ((px[i] as number) > (px[i + 2] as number) + 40) red++;
        else if ((px[i + 2] as number) > (px[i] as number) + 40) blue++;
      }
      return { red, blue };
    });
    expect(painted.red).toBeGreaterThan(0);
    expect(painted.blue > 0).toBe(a24.classes.some((c) => c.code.endsWith('_cold') && c.cells > 0));
    await page.screenshot({ path: join(SHOTS, 'emerging.png'), fullPage: true });

    // Another period: the view asks again and shows the new answer.
    const a12 = await answer(12);
    await page.getByTestId('months').selectOption('12');
    await expect
      .poll(async () =>
        page
          .locator('[data-testid="emerging-legend"] .legend-row .legend-count')
          .allTextContents()
          .then((t) => t.join('|')),
      )
      .toBe(a12.classes.map((c) => `(${es(c.cells)})`).join('|'));
    await expectShows(page, a12);

    // Shapefile: the zip read back, one polygon per cell, the classes counted as in the legend.
    const [shp] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-shp').click(),
    ]);
    const layer = 'zonas-emergentes-callao-property';
    expect(shp.suggestedFilename()).toBe(`${layer}.zip`);
    const dir = mkdtempSync(join(tmpdir(), 'vigia-emerging-ui-'));
    try {
      execFileSync('unzip', ['-q', (await shp.path()) as string, '-d', dir]);
      expect(readFileSync(join(dir, `${layer}.prj`), 'utf8')).toMatch(/GCS_WGS_1984/);
      const source = await shapefile.open(join(dir, `${layer}.shp`), join(dir, `${layer}.dbf`));
      const byClass = new Map<string, number>();
      for (let r = await source.read(); !r.done; r = await source.read()) {
        const code = String((r.value.properties as { codigo: string }).codigo);
        byClass.set(code, (byClass.get(code) ?? 0) + 1);
      }
      for (const c of a12.classes) expect(byClass.get(c.code) ?? 0, c.code).toBe(c.cells);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // KML: one Placemark per cell, named by its class label.
    const [kml] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-kml').click(),
    ]);
    expect(kml.suggestedFilename()).toBe(`${layer}.kml`);
    const text = readFileSync((await kml.path()) as string, 'utf8');
    expect(text.match(/<Placemark>/g)?.length).toBe(a12.validCells);
    const top = a12.classes.filter((c) => c.code !== 'none' && c.cells > 0)[0];
    expect(text).toContain(`<name>${top?.label}</name>`);

    expect(await page.getByTestId('download-geojson').getAttribute('href')).toBe(
      '/api/v1/hotspots/emerging?group=property&months=12&format=geojson',
    );
    expect(errors).toEqual([]);
    await page.context().close();
  }, 240_000);
});
