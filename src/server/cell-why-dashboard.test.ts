/**
 * The cell panel shows how the forecast's model makes up its value (issue 13): with an ETAS
 * (sepp-grid) forecast current, the top priority cell's panel shows the background level and the
 * triggered part, every figure labelled, in Spanish and in English (Chromium, real server).
 */
import { describe, expect, it } from 'vitest';
import { forecast } from '../services/forecast.ts';
import { bareNumbers, dashboardFixture, openDashboard, SHOTS } from '../test/browser.ts';

describe('dashboard: the cell panel explains the model’s value', () => {
  const f = dashboardFixture({
    // An ETAS forecast of the fixture's day, stored after the fixture's: the current one.
    setUp: async (api) => {
      await forecast(api.t.db, {
        area: 'callao',
        day: '2025-03-30',
        horizon: 'turno',
        groups: ['property'],
        model: 'sepp-grid',
      });
    },
  });

  it('shows background and triggered parts of the top cell, labelled, in both languages', async () => {
    const errors: string[] = [];
    const page = await openDashboard(f, f.users.analyst.username, { errors });
    await page.waitForSelector('[data-testid="map"]:not([data-forecast-id=""])');
    await page.locator('[data-testid="hotspots"] li button').first().click();
    const box = (await page.getByTestId('map').boundingBox()) as {
      x: number;
      y: number;
      width: number;
      height: number;
    };
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const parts = page.locator('[data-testid="cell-why-components"][data-kind="etas"]');
    await parts.waitFor({ timeout: 30_000 });
    const text = (await parts.textContent()) as string;
    expect(text).toContain('Nivel de fondo del modelo');
    expect(text).toContain('Parte disparada por hechos recientes cercanos');
    expect(text).toMatch(/\d+ % del valor/);
    expect(await page.getByTestId('cell-why-reading').textContent()).toMatch(
      /El \d+ % del valor es nivel de fondo; el \d+ % lo disparan hechos recientes cercanos\.$/,
    );
    expect(await bareNumbers(page)).toEqual([]);
    await page.getByTestId('cell-why').screenshot({ path: `${SHOTS}cell-why-etas.png` });
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => parts.textContent()).toContain('background level');
    expect(await bareNumbers(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);
});
