/**
 * Dashboard first render: the map with the full Callao grid (6,455 cells at 150 m, ETAS turno
 * forecast) in headless Chromium against the real server over the 5-year demo data. After logging
 * in, the page is loaded `--runs` times (session cookie kept, HTTP cache cleared each time) and the
 * browser's own clock says when the grid was drawn: since navigation start, and since the map view
 * mounted.
 *
 *   node --import tsx bench/dashboard.bench.ts [--runs 7]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { launchChromium } from '../src/test/browser.ts';
import { BENCH_PASSWORD, serveDemo } from './serve-demo.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const runs = Number(arg('runs') ?? 7);

const demo = await serveDemo({ model: 'sepp-grid' });
const browser = await launchChromium();
const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await page.goto(demo.base);
await page.getByLabel('Usuario').fill('bench');
await page.getByLabel('Contraseña').fill(BENCH_PASSWORD);
await page.getByRole('button', { name: 'Iniciar sesión' }).click();
await page.waitForSelector('[data-testid="map"][data-rendered-at-ms]');
const samples: { sinceNavigation: number; sinceMount: number; cells: number }[] = [];
for (let i = 0; i < runs; i++) {
  await cdp.send('Network.clearBrowserCache');
  await page.reload();
  const el = await page.waitForSelector('[data-testid="map"][data-rendered-at-ms]');
  samples.push({
    sinceNavigation: Number(await el.getAttribute('data-rendered-at-ms')),
    sinceMount: Number(await el.getAttribute('data-first-render-ms')),
    cells: Number(await el.getAttribute('data-cells')),
  });
}
await browser.close();
await demo.stop();

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};
const result = {
  date: new Date().toISOString(),
  machine: `${cpus().length} vCPU ${cpus()[0]?.model ?? ''}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, Chromium ${browser.version()}`,
  cells: samples[0]?.cells,
  runs,
  medianSinceNavigationMs: median(samples.map((s) => s.sinceNavigation)),
  maxSinceNavigationMs: Math.max(...samples.map((s) => s.sinceNavigation)),
  medianSinceMountMs: median(samples.map((s) => s.sinceMount)),
  samples,
};
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/dashboard.json', `${JSON.stringify(result, null, 2)}\n`);
console.log(result);
