/**
 * The officer's shift ("Mi turno") end to end in headless Chromium at phone size (390 × 844) against
 * the real server and the built dashboard: the own sector's plan listed and outlined on the map,
 * check-in / check-out with a report, the offline queue (kept across a reload, sent in order once
 * back online, no duplicates) and an entry the server refuses shown in Spanish and dropped.
 * The browser's clock is fixed (page.clock) so the turno and the visits' minutes are known.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, call, OFFICER_SECTOR, startApi } from '../test/api.ts';
import { dashboardBrowser, logIn, SHOTS } from '../test/browser.ts';
import { countColour, countInk, pdfPageImage, pdfText } from '../test/pdf.ts';

type Area = {
  order: number;
  code: string;
  expected: number;
  cells: number[];
  place?: { label: string; directionsUrl: string };
};
type Entry = {
  id: string;
  kind: string;
  areaOrder: number;
  minutes: number | null;
  report: string | null;
  tactic: string | null;
  at: string;
};

/** Lima time on the plan's day (the officer's phone clock). */
const lima = (hhmm: string): Date => new Date(`2025-03-30T${hhmm}:00-05:00`);

describe('the officer shift in Chromium at phone size', () => {
  let f: ApiFixture;
  let browser: Browser;
  let planId: number;
  let own: Area[];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    f = await startApi('embedded', { loginAttemptsPer15Minutes: 1000 });
    // The evening turno's plan of 30 units; the officer's sector is the district of Callao.
    const r = await call(f, 'POST', '/api/v1/patrol-plans', {
      token: f.users.analyst.token,
      body: { turno: 'noche', day: '2025-03-30', units: 30 },
    });
    expect(r.status, r.text).toBe(201);
    const plan = (r.body as { plan: { id: number; areas: Area[] } }).plan;
    planId = plan.id;
    own = plan.areas.filter((a) => a.code === OFFICER_SECTOR);
    expect(own.length).toBeGreaterThanOrEqual(2);
    browser = await dashboardBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  const serverEntries = async (): Promise<Entry[]> => {
    const r = await call(f, 'GET', `/api/v1/patrol-logs?plan=${planId}`, { token: f.users.officer.token });
    expect(r.status, r.text).toBe(200);
    return (r.body as { entries: Entry[] }).entries;
  };
  const badge = (page: Page): Promise<string | null> => page.getByTestId('queue-badge').textContent();
  const queued = (page: Page): Promise<number> =>
    page.evaluate(
      (key) => (JSON.parse(localStorage.getItem(key) ?? '[]') as unknown[]).length,
      `vigia.patrolQueue.${f.users.officer.username}`,
    );

  it('lists the plan, maps it, and logs visits through an offline queue', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'es-PE',
      timezoneId: 'America/Lima',
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.clock.setFixedTime(lima('19:00'));
    await page.goto(f.base);
    await logIn(page, f.users.officer.username);

    // The first view: this turno's plan (19:00 is the evening turno), the own sector's areas in order.
    await page.getByTestId('shift-areas').waitFor();
    expect(await page.getByTestId('shift-turno').inputValue()).toBe('noche');
    const items = page.locator('[data-testid="shift-areas"] > li');
    await expect.poll(() => items.count()).toBe(own.length);
    expect(await items.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-order'))))).toEqual(
      own.map((a) => a.order),
    );
    const fmt = (n: number): string =>
      n.toLocaleString('es-PE', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    for (const [i, a] of own.entries()) {
      const text = (await items.nth(i).textContent()) as string;
      expect(text).toContain(a.place?.label ?? 'Callao');
      expect(text).toContain(`${fmt(a.expected)} delitos esperados en este turno`);
      expect(text).toContain('5 visitas × 15 min');
      if (a.place)
        expect(await items.nth(i).getByRole('link', { name: 'Cómo llegar' }).getAttribute('href')).toBe(
          a.place.directionsUrl,
        );
    }
    expect(await page.getByTestId('mission-sheet').getAttribute('href')).toBe(
      `/api/v1/patrol-plans/${planId}/mission-sheet.pdf`,
    );
    // The plan explains itself: where it comes from, and why each area.
    expect(await page.getByTestId('plan-why').textContent()).toContain('Pronóstico');
    expect(await items.first().getByTestId('area-why').textContent()).toContain(
      `Área ${own[0]?.order}: ${(own[0] as Area).expected.toFixed(2)} delitos esperados`,
    );
    // The mission sheet downloads from the phone and renders: page 1 has ink and the areas' outline colour.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('mission-sheet').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^mision-callao-2025-03-30-noche-v\d+\.pdf$/);
    const pdf = readFileSync(await download.path());
    const image = pdfPageImage(pdf, 1);
    expect(countInk(image)).toBeGreaterThan(1000);
    expect(countColour(image, '#c0392b', 40)).toBeGreaterThan(20);
    const text = pdfText(pdf);
    expect(text).toContain('Hoja de misión');
    for (const a of own) expect(text).toContain(a.place?.label ?? 'Callao');
    // The map: one outline and one number per area.
    await expect.poll(() => page.locator('path.patrol-area-outline').count()).toBe(own.length);
    expect(await page.locator('.area-number').allTextContents()).toEqual(own.map((a) => String(a.order)));
    // Phone first: no horizontal scroll, every control at least 44 px tall.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const small = await page
      .locator('.shift-view button, .shift-view select, .shift-view input, .shift-view a.button-link')
      .evaluateAll((els) =>
        els
          .filter((e) => (e as HTMLElement).offsetParent !== null)
          .map((e) => e.getBoundingClientRect().height)
          .filter((h) => h < 44),
      );
    expect(small).toEqual([]);
    expect(await badge(page)).toBe('Todo enviado');
    await page.screenshot({ path: `${SHOTS}officer-shift.png` });

    // Area 1: check-in, check-out 25 minutes later with "táctica aplicada".
    const [a1, a2] = own as [Area, Area];
    const item1 = page.locator(`[data-testid="area-${a1.order}"]`);
    const item2 = page.locator(`[data-testid="area-${a2.order}"]`);
    await item1.getByTestId('check-in').click();
    await item1.getByTestId('visit-open').waitFor();
    expect(await item2.getByTestId('check-in').isDisabled()).toBe(true); // one open visit at a time
    await page.clock.setFixedTime(lima('19:25'));
    await expect.poll(() => item1.getByTestId('elapsed').textContent()).toBe('25 min 00 s');
    await item1.getByTestId('check-out').click();
    await item1.getByLabel('Táctica aplicada').check();
    const tactic = (await item1
      .getByTestId('checkout-tactic')
      .locator('option')
      .nth(1)
      .getAttribute('value')) as string;
    await item1.getByTestId('checkout-tactic').selectOption(tactic);
    await item1.getByTestId('checkout-save').click();
    await expect.poll(() => item1.getByTestId('visits-done').textContent()).toContain('1 · 25 min');
    await expect.poll(() => badge(page)).toBe('Todo enviado');
    const sent = await serverEntries();
    expect(sent.map((e) => [e.kind, e.areaOrder, e.minutes, e.report, e.tactic])).toEqual([
      ['check-in', a1.order, null, null, null],
      ['check-out', a1.order, 25, 'táctica aplicada', tactic],
    ]);

    // Offline: area 2's visit waits on the phone.
    await context.setOffline(true);
    await page.clock.setFixedTime(lima('19:40'));
    await item2.getByTestId('check-in').click();
    await item2.getByTestId('visit-open').waitFor();
    await page.clock.setFixedTime(lima('19:55'));
    await item2.getByTestId('check-out').click();
    await item2.getByTestId('checkout-save').click(); // "sin novedad", the default report
    await expect.poll(() => badge(page)).toBe('2 pendientes de envío');
    expect(await item2.getByTestId('visits-done').textContent()).toContain('pendiente de envío');
    expect(await serverEntries()).toHaveLength(2);

    // A reload while the server cannot be reached keeps the queue. (Without a service worker the
    // page itself needs the network to load, so here only the patrol-log posts fail.)
    await page.route('**/api/v1/patrol-logs', (route) =>
      route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue(),
    );
    await context.setOffline(false);
    await page.reload();
    await page.getByTestId('shift-areas').waitFor();
    await expect.poll(() => badge(page)).toBe('2 pendientes de envío');
    expect(await queued(page)).toBe(2);
    expect(await serverEntries()).toHaveLength(2);

    // Back online: sent in order, once.
    await page.unroute('**/api/v1/patrol-logs');
    await context.setOffline(true);
    await context.setOffline(false);
    await expect.poll(() => badge(page), { timeout: 30_000 }).toBe('Todo enviado');
    const all = await serverEntries();
    expect(all.map((e) => [e.kind, e.areaOrder, e.minutes])).toEqual([
      ['check-in', a1.order, null],
      ['check-out', a1.order, 25],
      ['check-in', a2.order, null],
      ['check-out', a2.order, 15],
    ]);
    expect(new Set(all.map((e) => e.id)).size).toBe(4);
    expect(await queued(page)).toBe(0);

    // A check-out the server refuses (an area not in the plan): shown in Spanish, out of the queue.
    await page.evaluate(
      ({ key, planId }) =>
        localStorage.setItem(
          key,
          JSON.stringify([
            {
              id: crypto.randomUUID(),
              kind: 'check-out',
              planId,
              areaOrder: 999,
              checkIn: crypto.randomUUID(),
              at: '2025-03-30T20:10:00.000Z',
              report: 'sin novedad',
            },
          ]),
        ),
      { key: `vigia.patrolQueue.${f.users.officer.username}`, planId },
    );
    await page.reload();
    const refused = page.getByTestId('shift-refused');
    await refused.waitFor();
    expect(await refused.textContent()).toContain(
      `El servidor rechazó el check-out del área 999: areaOrder: el plan ${planId} no tiene el área 999`,
    );
    expect(await queued(page)).toBe(0);
    expect(await badge(page)).toBe('Todo enviado');
    expect(await serverEntries()).toHaveLength(4);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${SHOTS}officer-shift-refused.png` });
    await context.close();
  }, 120_000);

  it('tells an officer with no plan for the turno who makes plans', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'es-PE' });
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.clock.setFixedTime(lima('08:00')); // mañana: no plan stored for it
    await page.goto(f.base);
    await logIn(page, f.users.officer.username);
    const message = page.getByTestId('shift-message');
    await message.waitFor();
    expect(await message.textContent()).toContain('Los planes los genera un analista de Vigía');
    // Another turno from the selector shows its plan.
    await page.getByTestId('shift-turno').selectOption('noche');
    await expect.poll(() => page.locator('[data-testid="shift-areas"] > li').count()).toBe(own.length);
    await context.close();
  }, 60_000);

  it('follows the server’s time zone (VIGIA_TIME_ZONE), not the phone’s: the turno of now, the hours shown', async () => {
    // The same store served in UTC: 22:40 in Lima on 30/03 is 03:40 on 31/03 there (madrugada).
    const utc = await startApi(
      'embedded',
      { loginAttemptsPer15Minutes: 1000 },
      { t: f.t, seeded: f },
      { timeZone: 'UTC' },
    );
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'es-PE',
      timezoneId: 'America/Lima',
    });
    try {
      const page = await context.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.clock.setFixedTime(lima('22:40'));
      await page.goto(utc.base);
      await logIn(page, f.users.officer.username);
      await page.getByTestId('shift-message').waitFor(); // no plan for the madrugada
      expect(await page.getByTestId('shift-turno').inputValue()).toBe('madrugada');
      // The evening plan of 30/03: the check-in's hour is shown in UTC too.
      await page.getByTestId('shift-turno').selectOption('noche');
      await page.getByTestId('shift-day').fill('2025-03-30');
      await page.getByTestId('shift-plan').waitFor();
      const item = page.locator('[data-testid="shift-areas"] > li').first();
      await item.getByTestId('check-in').click();
      expect(await item.getByTestId('visit-open').textContent()).toContain('En visita desde las 03:40');
      await page.screenshot({ path: `${SHOTS}officer-shift-utc.png` });
    } finally {
      await context.close();
      await utc.close();
    }
  }, 60_000);

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
