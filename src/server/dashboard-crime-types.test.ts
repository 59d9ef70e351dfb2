import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dashboardFixture, openDashboard, SHOTS } from '../test/browser.ts';

describe('dashboard cell panel: most likely crime types', () => {
  const f = dashboardFixture();
  const errors: string[] = [];

  async function loginAs(username: string): Promise<Page> {
    const page = await openDashboard(f, username, { viewport: { width: 1280, height: 800 }, errors });
    await page.getByTestId('whoami').waitFor();
    await page.waitForSelector('[data-testid="map"]:not([data-forecast-id=""])');
    return page;
  }

  it('shows the top three types of a clicked cell for its turno, in Spanish and English', async () => {
    const page = await loginAs(f.users.analyst.username);
    const turno = await page.getByLabel('Turno').inputValue();
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/crime-types')) asked.push(r.url());
    });
    // Zoom to the top hotspot, then click the cell under the map's centre.
    await page.locator('[data-testid="hotspots"] li button').first().click();
    const box = (await page.getByTestId('map').boundingBox()) as {
      x: number;
      y: number;
      width: number;
      height: number;
    };
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const line = page.getByTestId('cell-types');
    // The first answer trains the model (seconds); the line says so meanwhile.
    await page.waitForSelector('[data-testid="cell-types"][data-state="ok"]', { timeout: 60_000 });
    const text = (await line.textContent()) as string;
    expect(text).toContain(`Más probable aquí (turno ${turno})`);
    // Three types with whole percentages, the rest elided.
    const shares = [...text.matchAll(/(\d+) %/g)].map((m) => Number(m[1]));
    expect(shares).toHaveLength(3);
    for (const s of shares) expect(s).toBeLessThanOrEqual(100);
    expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(102); // rounding of three shares
    expect(shares[0]).toBeGreaterThanOrEqual(shares[2] as number);
    expect(asked.at(-1)).toMatch(/cell=\d+&day=2025-03-30&group=property&turno=/);
    // The rest of the panel is intact.
    expect(await page.getByTestId('cell-info').textContent()).toContain('Puesto');
    await page.screenshot({ path: `${SHOTS}map-cell-types.png` });
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => line.textContent()).toContain('Most likely here (');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);
});
