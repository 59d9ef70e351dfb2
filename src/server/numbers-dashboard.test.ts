import { describe, expect, it } from 'vitest';
import { ROLES } from '../core/access.ts';
import { modelName } from '../core/models.ts';
import { call } from '../test/api.ts';
import {
  bareNumbers,
  dashboardFixture,
  logIn,
  openDashboard,
  SHOTS,
  settled,
  trackRequests,
} from '../test/browser.ts';

/**
 * Views whose figures are the same for every role that has them (the forecast, hot-spot, upload and
 * evaluation answers do not depend on the caller; the map's cell panel, which does, is checked as an analyst above):
 * walked once, for the first role that has them. The rest are walked for every role (their answers
 * or parts depend on the role: aggregate views, suppression, report and export panels, plans).
 */
const SAME_FOR_EVERY_ROLE = new Set(['map', 'persistence', 'emerging', 'account', 'ingest', 'backtests']);

describe('dashboard: every number on every page says what it is; the glossary', () => {
  const errors: string[] = [];
  const f = dashboardFixture({
    // The evening plan of the seeded forecast's day: the officer's Mi turno shows its areas.
    setUp: async (api) => {
      const plan = await call(api, 'POST', '/api/v1/patrol-plans', {
        token: api.users.analyst.token,
        body: { turno: 'noche', day: '2025-03-30', units: 30 },
      });
      expect(plan.status, plan.text).toBe(201);
    },
  });

  it('labels every figure of the map page, cell panel open, and says why the cell is high', async () => {
    const page = await openDashboard(f, f.users.analyst.username, { errors });
    await page.getByTestId('whoami').waitFor();
    await page.waitForSelector('[data-testid="map"]:not([data-forecast-id=""])');
    await page.locator('[data-testid="hotspots"] li').first().waitFor();

    // The model's Spanish name, the kind in parentheses.
    const id = await page.getByTestId('map').getAttribute('data-forecast-id');
    const kind = await page.evaluate(
      async (fid) =>
        ((await (await fetch(`/api/v1/forecasts/${fid}`)).json()) as { modelKind: string }).modelKind,
      id,
    );
    expect(await page.getByTestId('forecast-meta').textContent()).toContain(
      modelName(kind, { withKind: true }),
    );

    // Open the top priority cell: its panel, 12-month trend and "why".
    await page.locator('[data-testid="hotspots"] li button').first().click();
    const box = (await page.getByTestId('map').boundingBox()) as {
      x: number;
      y: number;
      width: number;
      height: number;
    };
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForSelector('[data-testid="cell-why"]:not([data-reading=""])', { timeout: 30_000 });
    await expect.poll(() => page.getByTestId('cell-trend').textContent()).not.toBe('…');
    const reading = (await page.getByTestId('cell-why-reading').textContent()) as string;
    expect(reading).toMatch(
      /^(Alto sobre todo por su nivel habitual|Alto por hechos recientes|Alto por su|No está)/,
    );
    expect(await page.getByTestId('cell-why').textContent()).toContain('Nivel habitual (último año)');

    // Digits are there (the check would be empty on a blank page), and none is bare.
    const withDigits = await page.evaluate(() => /\d/.test(document.body.textContent));
    expect(withDigits).toBe(true);
    expect(await bareNumbers(page)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}map-explained.png` });

    // The same in English.
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.getByTestId('cell-why').textContent()).toContain('Usual level');
    expect(await bareNumbers(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('labels every figure of every view of every role', async () => {
    const bare: Record<string, string[]> = {};
    const visited: string[] = [];
    for (const role of ROLES) {
      const context = await f.browser.newContext({
        viewport: { width: 1280, height: 900 },
        locale: 'es-PE',
        timezoneId: 'America/Lima',
      });
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(`${role}: ${e.message}`));
      trackRequests(page);
      // 19:00 in Lima on the plan's day: the evening turno, whose plan is stored.
      await page.clock.setFixedTime(new Date('2025-03-30T19:00:00-05:00'));
      await page.goto(f.base);
      await logIn(page, f.users[role].username);
      await page.getByTestId('whoami').waitFor();
      const views = await page
        .locator('nav button')
        .evaluateAll((els) => els.map((e) => (e.getAttribute('data-testid') as string).slice(4)));
      for (const view of views) {
        if (SAME_FOR_EVERY_ROLE.has(view) && visited.some((v) => v.endsWith(`/${view}`))) continue;
        await page.getByTestId(`nav-${view}`).click();
        if (view === 'map' || view === 'persistence')
          await page.waitForSelector('[data-testid="map"]:not([data-forecast-id=""])');
        await settled(page);
        visited.push(`${role}/${view}`);
        const found = await bareNumbers(page);
        if (found.length > 0) bare[`${role}/${view}`] = found;
        await page.screenshot({ path: `${SHOTS}numbers-${role}-${view}.png` });
      }
      await context.close();
    }
    // Every role's views were walked (the check would pass on pages that never loaded).
    expect(visited).toEqual(
      expect.arrayContaining(['officer/shift', 'official/kpis', 'community/community']),
    );
    expect(bare).toEqual({});
    expect(errors).toEqual([]);
  }, 300_000);

  it('opens the glossary from the header and closes it from the keyboard, in both languages', async () => {
    const context = await f.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'es-PE' });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(f.base);
    await logIn(page, f.users.official.username);
    await page.getByTestId('whoami').waitFor();

    const open = page.getByTestId('glossary-open');
    await open.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Glosario' });
    await dialog.waitFor();
    const text = (await dialog.textContent()) as string;
    for (const term of [
      'PAI',
      'PEI*',
      'Tasa de acierto',
      'Intervalo de confianza 95 %',
      'P(> referencia)',
      'Delitos esperados',
      'Percentil',
      'Turno',
      'Cobertura',
      'Dosis (Koper)',
      'Alertas de disparidad',
      'Razón de tasas (observacional)',
      'Tasa por 1 000 habitantes',
    ])
      expect(text).toContain(term);
    expect(text).toContain('Dónde aparece');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    // Focus goes back to the button that opened it.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'glossary-open',
    );

    // A term in a table opens its own entry: Indicadores' "Casos" column (the official's first view).
    await page.getByTestId('indicator-table').waitFor();
    await page.locator('[data-testid="indicator-table"] thead button.term', { hasText: 'Casos' }).click();
    await dialog.waitFor();
    await expect.poll(() => page.locator('#glossary-count').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);

    await page.getByRole('button', { name: 'English' }).click();
    await open.click();
    const en = page.getByRole('dialog', { name: 'Glossary' });
    await en.waitFor();
    expect(await en.textContent()).toContain('Hit rate');
    await page.getByTestId('glossary-close').click();
    await expect.poll(() => en.isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
