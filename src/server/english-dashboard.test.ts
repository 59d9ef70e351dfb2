import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGLISH, SPANISH } from '../../web/src/i18n.ts';
import { type ApiFixture, call, startApi, TEST_PASSWORD } from '../test/api.ts';
import { dashboardBrowser, SHOTS } from '../test/browser.ts';

/** Spanish UI strings to look for: those that differ from their English text (not "PAI", "Total"…). */
const NEEDLES = Object.entries(SPANISH)
  .filter(([key, es]) => es !== ENGLISH[key as keyof typeof ENGLISH] && es.trim().length >= 3)
  .map(([key, es]) => ({ key, es: es.trim() }));

/**
 * Data and server-composed text allowed in Spanish, each removed from the page text before the
 * search, by a narrow rule: what is data is matched in the elements that show data.
 */
const DATA_SELECTORS = [
  '.district-label', // district names on the map
  '[data-testid="hotspots"] li > span', // place labels: "Callao — Av. X / Jr. Y"
  '[data-testid="community-advice"] li', // residents' advice (a configurable Spanish table)
  '[data-testid="incidents-table"] td:nth-child(2)', // district names
  '[data-testid="incidents-table"] td:nth-child(4)', // the source's type / modality labels
  '[data-server-text]', // any element a view marks as server-composed Spanish text
];

/** Spanish words no English UI text holds (articles, prepositions, common UI words). */
const SPANISH_WORDS = [
  'del',
  'los',
  'las',
  'para',
  'que',
  'con',
  'una',
  'según',
  'está',
  'más',
  'días',
  'meses',
  'año',
];

/** Data values allowed verbatim: the study area's name as the server stores it (chart legends). */
const DATA_TEXTS = ['Provincia Constitucional del Callao'];

const wordRe = (s: string): RegExp =>
  new RegExp(`(^|[^\\p{L}])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'u');

describe('the English switch in Chromium', () => {
  let f: ApiFixture;
  let browser: Browser;

  beforeAll(async () => {
    f = await startApi('embedded', { loginAttemptsPer15Minutes: 1000 });
    // The evening plan of the seeded forecast's day: the officer's Mi turno shows its areas.
    const plan = await call(f, 'POST', '/api/v1/patrol-plans', {
      token: f.users.analyst.token,
      body: { turno: 'noche', day: '2025-03-30', units: 30 },
    });
    expect(plan.status, plan.text).toBe(201);
    browser = await dashboardBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  async function englishAs(role: 'admin' | 'officer' | 'community'): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'es-PE',
      timezoneId: 'America/Lima',
    });
    const page = await context.newPage();
    // 19:00 in Lima on the plan's day: the evening turno, whose plan is stored.
    await page.clock.setFixedTime(new Date('2025-03-30T19:00:00-05:00'));
    await page.goto(f.base);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByLabel('Username').fill(f.users[role].username);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('whoami').waitFor();
    return page;
  }

  /** Spanish UI strings left on the page (data and server-composed text removed first). */
  async function spanishLeft(page: Page): Promise<string[]> {
    await page.waitForLoadState('networkidle');
    const text = await page
      .evaluate((selectors) => {
        const root = document.body.cloneNode(true) as HTMLElement;
        for (const s of selectors) for (const el of root.querySelectorAll(s)) el.remove();
        document.body.append(root);
        root.style.position = 'absolute';
        // biome-ignore lint/performance/useDomNodeTextContent: the visible text is what is checked
        const visible = root.innerText;
        root.remove();
        return visible;
      }, DATA_SELECTORS)
      .then((t) => DATA_TEXTS.reduce((out, d) => out.replaceAll(d, ''), t));
    // Text written straight into a view (not from the table) shows up by its Spanish words.
    const words = SPANISH_WORDS.filter((w) => wordRe(w).test(text)).map(
      (w) =>
        `«${w}» in «${(text.match(new RegExp(`[^\\n]{0,40}(^|[^\\p{L}])${w}($|[^\\p{L}])[^\\n]{0,40}`, 'u')) ?? [''])[0]}»`,
    );
    return [...NEEDLES.filter((n) => wordRe(n.es).test(text)).map((n) => `${n.key}: «${n.es}»`), ...words];
  }

  it('leaves no Spanish UI string on any view of an administrator', async () => {
    const page = await englishAs('admin');
    const views = await page
      .locator('nav button')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') as string));
    expect(views.length).toBeGreaterThanOrEqual(12);
    const found: Record<string, string[]> = {};
    for (const v of views) {
      await page.getByTestId(v).click();
      if (v === 'nav-map' || v === 'nav-persistence')
        await page.waitForSelector('[data-testid="map"]:not([data-forecast-id=""])');
      // What a view shows after its first action too: the cell panel, the incident table.
      if (v === 'nav-map') await page.locator('[data-testid="hotspots"] li button').first().click();
      if (v === 'nav-incidents') {
        await page.getByRole('button', { name: 'Search' }).click();
        await page.getByTestId('incidents-table').waitFor();
      }
      const left = await spanishLeft(page);
      if (left.length) found[v] = left;
      await page.screenshot({ path: join(SHOTS, `english-${v.slice(4)}.png`), fullPage: true });
    }
    expect(found).toEqual({});
  }, 240_000);

  it("leaves no Spanish UI string on the officer's Mi turno and the community view", async () => {
    const found: Record<string, string[]> = {};
    for (const role of ['officer', 'community'] as const) {
      const page = await englishAs(role);
      if (role === 'officer') await page.getByTestId('shift-areas').waitFor();
      const left = await spanishLeft(page);
      if (left.length) found[role] = left;
      await page.screenshot({ path: join(SHOTS, `english-${role}.png`), fullPage: true });
      await page.context().close();
    }
    expect(found).toEqual({});
  }, 120_000);
});
