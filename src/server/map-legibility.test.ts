/**
 * Map legibility in Chromium against the real server: the numbered priority markers never cover a
 * district name or each other (bounding boxes, at desktop and phone sizes), the map fills its box,
 * and the printable map (PNG) carries the north arrow, the scale bar, the filters, the legend and
 * the priority list. Screenshots go to artifacts/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, startApi } from '../test/api.ts';
import { dashboardBrowser, logIn, SHOTS } from '../test/browser.ts';

type Box = { x: number; y: number; w: number; h: number };
type Marker = { n: number; x: number; y: number; r: number; cx: number; cy: number };

const overlaps = (a: Box, b: Box): boolean =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const boxOf = (m: Marker): Box => ({ x: m.x - m.r, y: m.y - m.r, w: 2 * m.r, h: 2 * m.r });

describe('map legibility and the printable map in Chromium', () => {
  let f: ApiFixture;
  let browser: Browser;

  beforeAll(async () => {
    f = await startApi('embedded', { loginAttemptsPer15Minutes: 1000 });
    browser = await dashboardBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await f?.close();
  });

  async function openMap(viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser.newContext({
      viewport,
      locale: 'es-PE',
      timezoneId: 'America/Lima',
      acceptDownloads: true,
    });
    const page = await context.newPage();
    await page.goto(f.base);
    await logIn(page, f.users.analyst.username);
    await page.getByTestId('nav-map').click();
    await page.waitForSelector('[data-testid="map"]:not([data-forecast-id=""])');
    // The ten numbered markers and the district names are drawn.
    await page.waitForFunction(
      () =>
        JSON.parse(document.querySelector<HTMLCanvasElement>('canvas.risk-canvas')?.dataset.markers ?? '[]')
          .length === 10 && document.querySelectorAll('.district-label').length > 0,
    );
    return page;
  }

  /** Markers and district names in the map's pixels, as the browser laid them out. */
  const layout = (page: Page) =>
    page.evaluate(() => {
      const map = document.querySelector('[data-testid="map"]') as HTMLElement;
      const o = map.getBoundingClientRect();
      const labels = [...document.querySelectorAll('.district-label')].map((el) => {
        const b = el.getBoundingClientRect();
        return { x: b.left - o.left, y: b.top - o.top, w: b.width, h: b.height };
      });
      const canvas = document.querySelector<HTMLCanvasElement>('canvas.risk-canvas') as HTMLCanvasElement;
      const parent = map.parentElement as HTMLElement;
      return {
        markers: JSON.parse(canvas.dataset.markers ?? '[]') as Marker[],
        labels,
        map: { w: o.width, h: o.height },
        parentWidth: parent.getBoundingClientRect().width,
        canvas: { w: canvas.getBoundingClientRect().width, h: canvas.getBoundingClientRect().height },
      };
    });

  const checkLegible = (l: Awaited<ReturnType<typeof layout>>, where: string): void => {
    expect(
      l.markers.map((m) => m.n),
      where,
    ).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const m of l.markers) {
      for (const label of l.labels)
        expect(overlaps(boxOf(m), label), `${where}: marker ${m.n} on a name`).toBe(false);
      for (const other of l.markers)
        if (other.n !== m.n)
          expect(overlaps(boxOf(m), boxOf(other)), `${where}: ${m.n} on ${other.n}`).toBe(false);
    }
  };

  it('keeps the numbered markers off the district names and each other, and fills the box, on a desktop and a phone', async () => {
    for (const [name, viewport] of [
      ['desktop', { width: 1280, height: 800 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      const page = await openMap(viewport);
      const l = await layout(page);
      checkLegible(l, name);
      // The top cells sit close together at the area's zoom: some numbers had to move off their cell.
      expect(
        l.markers.some((m) => m.x !== m.cx || m.y !== m.cy),
        name,
      ).toBe(true);
      // The map fills its box: as wide as its column, as tall as laid out, drawn edge to edge.
      expect(Math.abs(l.map.w - l.parentWidth) < 1 || l.map.w > l.parentWidth * 0.7, name).toBe(true);
      expect(l.map.h, name).toBeGreaterThan(viewport.height * 0.5);
      expect(Math.round(l.canvas.w), name).toBe(Math.round(l.map.w));
      expect(Math.round(l.canvas.h), name).toBe(Math.round(l.map.h));
      await page.screenshot({ path: join(SHOTS, `map-markers-${name}.png`) });
      // Zoomed into a district the rule still holds.
      const before = JSON.stringify(l.markers);
      await page.getByLabel('Distrito').first().selectOption('070101');
      await expect.poll(async () => JSON.stringify((await layout(page)).markers)).not.toBe(before);
      checkLegible(await layout(page), `${name}, Callao`);
      await page.context().close();
    }
  }, 120_000);

  it('prints the map with north arrow, scale bar, filters, legend and the priority list', async () => {
    const page = await openMap({ width: 1280, height: 800 });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-png').click(),
    ]);
    const png = readFileSync((await download.path()) as string);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const map = await page.getByTestId('map').boundingBox();
    // Read the image back in the browser: size, and ink where the arrow, the bar and the list go.
    const probe = await page.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      return { w: img.width, h: img.height };
    }, png.toString('base64'));
    expect(probe.w).toBe(Math.round(map?.width ?? 0));
    // Footer: title + 4 filters, legend title + 5 classes, list title + 10 areas (20 px a line).
    expect(probe.h).toBe(Math.round((map?.height ?? 0) + 16 + 20 * 5 + 8 + 20 * 6 + 8 + 20 * 11 + 8));
    const ink = (x: number, y: number, w: number, h: number) =>
      page.evaluate(
        async ([b64, x, y, w, h]) => {
          const img = new Image();
          img.src = `data:image/png;base64,${b64}`;
          await img.decode();
          const c = document.createElement('canvas');
          c.width = img.width;
          c.height = img.height;
          const ctx = c.getContext('2d') as CanvasRenderingContext2D;
          ctx.drawImage(img, 0, 0);
          const d = ctx.getImageData(x as number, y as number, w as number, h as number).data;
          let n = 0;
          for (let i = 0; i < d.length; i += 4)
            if ((d[i] as number) + (d[i + 1] as number) + (d[i + 2] as number) < 200) n++;
          return n;
        },
        [png.toString('base64'), x, y, w, h] as const,
      );
    const mw = Math.round(map?.width ?? 0);
    const mh = Math.round(map?.height ?? 0);
    expect(await ink(mw - 40, 10, 24, 44), 'north arrow').toBeGreaterThan(40);
    expect(await ink(14, mh - 18, 30, 4), 'scale bar').toBeGreaterThan(60);
    // Each of the ten list lines has text.
    const listTop = mh + 16 + 20 * 5 + 8 + 20 * 6 + 8 + 20;
    for (let i = 0; i < 10; i++)
      expect(await ink(10, listTop + i * 20 - 6, 200, 12), `list ${i + 1}`).toBeGreaterThan(10);
    await page.context().close();
  }, 120_000);
});
