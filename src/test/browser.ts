/** Debian's Chromium driven by playwright-core, with the flags that work on this kind of machine. */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { HttpSettings } from '../config/env.ts';
import { type ApiFixture, startApi, TEST_PASSWORD } from './api.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where the dashboard tests keep their screenshots (CI artifacts). */
export const SHOTS = fileURLToPath(new URL('../../artifacts/screenshots/', import.meta.url));

const DIST_INDEX = fileURLToPath(new URL('../../web/dist/index.html', import.meta.url));

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * Chromium for a dashboard test: fails clearly when Chromium is missing or the dashboard is not
 * built, and makes the screenshots folder.
 */
export async function dashboardBrowser(): Promise<Browser> {
  expect(existsSync(CHROMIUM_PATH), 'Debian chromium is installed (bash .ci/run installs it)').toBe(true);
  expect(existsSync(DIST_INDEX), 'the dashboard is built (npm run build:web)').toBe(true);
  mkdirSync(SHOTS, { recursive: true });
  return launchChromium();
}

/** Fills the login form (already on the page) and submits it. */
export async function logIn(page: Page, username: string, password = TEST_PASSWORD): Promise<void> {
  await page.getByLabel('Usuario').fill(username);
  await page.getByLabel('Contraseña').fill(password);
  await page.getByRole('button', { name: 'Iniciar sesión' }).click();
}

/** The real server (embedded store, seeded) and Chromium of a dashboard test file. */
export interface DashboardFixture extends ApiFixture {
  browser: Browser;
}

/**
 * Registers the set-up every dashboard test file shares: in `beforeAll`, the real server on the
 * embedded store with the seeded data (`http`: its settings), then the file's own data (`setUp`),
 * then Chromium ({@link dashboardBrowser}); in `afterAll`, both closed. The returned object is
 * filled in `beforeAll`: use it inside tests and hooks only.
 */
export function dashboardFixture(
  o: { http?: Partial<HttpSettings>; setUp?: (f: ApiFixture) => Promise<void>; timeout?: number } = {},
): DashboardFixture {
  const d = {} as DashboardFixture;
  beforeAll(async () => {
    Object.assign(d, await startApi('embedded', o.http));
    await o.setUp?.(d);
    d.browser = await dashboardBrowser();
  }, o.timeout ?? 120_000);
  afterAll(async () => {
    await d.browser?.close();
    await d.close?.();
  });
  return d;
}

/**
 * A page in a fresh context (es-PE, America/Lima, 1280 × 900 unless `viewport`; `context` adds
 * options) with the dashboard open and `username` logged in; uncaught page errors are pushed to
 * `errors` when given.
 */
export async function openDashboard(
  f: DashboardFixture,
  username: string,
  o: {
    viewport?: { width: number; height: number };
    errors?: string[];
    context?: BrowserContextOptions;
  } = {},
): Promise<Page> {
  const context = await f.browser.newContext({
    viewport: o.viewport ?? { width: 1280, height: 900 },
    locale: 'es-PE',
    timezoneId: 'America/Lima',
    ...o.context,
  });
  const page = await context.newPage();
  const { errors } = o;
  if (errors) page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(f.base);
  await logIn(page, username);
  return page;
}

/**
 * Visible text nodes holding a digit with nothing around them saying what they are: no ancestor
 * with a `title`, `aria-label` or `data-explained`, no `<label>`, `<th>` or `<dt>` around, not a
 * `<dd>` after its `<dt>`, not a cell of a table with column headers, and not written in a phrase
 * (docs/dashboard.md). A phrase: the number's run of sibling text holds a word of three letters or
 * more ("Tiempo en el área: 5 visitas × 15 min"), or, for a number stressed alone in a
 * `<strong>`/`<b>`/`<em>`, the text right around that element does ("<strong>18.00</strong> delitos
 * esperados"); a `<span>` of its own (a badge, an order number) needs its own label. The name of a
 * whole page part (a `<section>`, `<nav>`, `<main>`, `<form>`… "Mapa", "Indicadores") says nothing
 * about the numbers in it and does not count.
 */
export function bareNumbers(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const parts = new Set(['SECTION', 'NAV', 'MAIN', 'ARTICLE', 'ASIDE', 'HEADER', 'FOOTER', 'FORM']);
    const explained = (start: Element | null): boolean => {
      for (let el = start; el && el !== document.body; el = el.parentElement) {
        if (el.hasAttribute('data-explained')) return true;
        if (!parts.has(el.tagName) && (el.getAttribute('title') || el.getAttribute('aria-label')))
          return true;
        const tag = el.tagName;
        if (tag === 'LABEL' || tag === 'TH' || tag === 'DT') return true;
        // A <dd> is labelled by its <dt>; a table cell by its column's <th>.
        if (tag === 'DD' && el.previousElementSibling?.tagName === 'DT') return true;
        if (tag === 'TD' && el.closest('table')?.querySelector('thead th')) return true;
      }
      return false;
    };
    const word = /\p{L}{3,}/u;
    const text = (n: Node | null): n is Text => n?.nodeType === Node.TEXT_NODE;
    // The run of sibling text nodes around a node (React writes one sentence as several).
    const phrase = (n: Node): string => {
      let out = n.textContent ?? '';
      for (let p = n.previousSibling; text(p); p = p.previousSibling) out = p.data + out;
      for (let p = n.nextSibling; text(p); p = p.nextSibling) out += p.data;
      return out;
    };
    const inPhrase = (n: Node): boolean => {
      if (word.test(phrase(n))) return true;
      // A number stressed in a sentence (<strong>18.00</strong> delitos esperados) reads with the
      // text around it; a <span> of its own (a badge, an order number) needs its own label.
      const el = n.parentElement;
      const inline = el && ['STRONG', 'B', 'EM'].includes(el.tagName) && el.childNodes.length === 1;
      return !!inline && word.test(phrase(el));
    };
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent ?? '';
      const parent = n.parentElement;
      if (!/\d/.test(text) || !parent) continue;
      if (!parent.checkVisibility() || parent.closest('script, style')) continue;
      if (!inPhrase(n) && !explained(parent))
        out.push(`"${text.trim()}" in <${parent.tagName.toLowerCase()} class="${parent.className}">`);
    }
    return out;
  });
}

const traffic = new WeakMap<Page, { inFlight: number; last: number }>();

/** Counts the page's requests in flight, for {@link settled}. Call once, right after opening it. */
export function trackRequests(page: Page): void {
  const t = { inFlight: 0, last: Date.now() };
  traffic.set(page, t);
  page.on('request', () => {
    t.inFlight++;
    t.last = Date.now();
  });
  const done = (): void => {
    t.inFlight--;
    t.last = Date.now();
  };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
}

/**
 * Waits until the page has had no request in flight for `quietMs` and shows no "Cargando…" /
 * "Loading…": the view's data has arrived (bounded: 30 s). The page must be {@link trackRequests}ed.
 */
export async function settled(page: Page, quietMs = 200): Promise<void> {
  const t = traffic.get(page);
  if (!t) throw new Error('settled(page) needs trackRequests(page) first');
  await expect
    .poll(
      async () =>
        t.inFlight <= 0 &&
        Date.now() - t.last >= quietMs &&
        // biome-ignore lint/performance/useDomNodeTextContent: only visible text counts
        !(await page.evaluate(() => /Cargando…|Loading…/.test(document.body.innerText))),
      { timeout: 30_000, interval: 100 },
    )
    .toBe(true);
}
