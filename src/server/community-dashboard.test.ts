/**
 * "Mi distrito" for a community leader in Chromium against the real server: the district chosen
 * once and remembered, plain-language trends by crime type computed only from what the community
 * endpoints answer (published cells), a chart, the residents' advice per crime type and, with no
 * bulletin approved yet, a note saying so (texts-dashboard.test.ts shows an approved one).
 * Screenshots go to artifacts/screenshots/.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ADVICE } from '../prevention/advice.ts';
import { getStudyArea } from '../services/areas.ts';
import { writeDemoCsv } from '../services/demo.ts';
import { ingestFile } from '../services/ingest.ts';
import { call } from '../test/api.ts';
import { dashboardFixture, openDashboard, SHOTS } from '../test/browser.ts';

const CALLAO = '070101';

type Row = { month: string; category: string; count: number | null; suppressed: boolean };

describe('community leaders: Mi distrito in Chromium', () => {
  const f = dashboardFixture({
    http: { loginAttemptsPer15Minutes: 1000 },
    // Four more months before the seeded ones (2025): two windows of 3 whole months to compare.
    setUp: async (api) => {
      const file = join(mkdtempSync(join(tmpdir(), 'vigia-community-')), 'otono.csv');
      const area = await getStudyArea(api.t.db, 'callao');
      await writeDemoCsv(area, { years: 0.34, start: '2024-09-01', annualVolume: 12_000, seed: 12 }, file);
      await ingestFile(api.t.db, { file, adapter: 'sidpol-geo', area: 'callao' });
    },
    timeout: 180_000,
  });

  it('remembers the district, states trends from published cells only, and gives advice per crime type', async () => {
    const errors: string[] = [];
    const page = await openDashboard(f, f.users.community.username, {
      viewport: { width: 390, height: 844 },
      errors,
    });
    await page.getByTestId('community-district').waitFor();
    // Not chosen yet: the prompt; no bulletin approved yet, said plainly.
    expect(await page.getByText('Elija su distrito para ver').count()).toBe(1);
    await expect
      .poll(() => page.getByTestId('community-bulletins').textContent())
      .toContain('Aún no hay boletines aprobados');

    await page.getByTestId('community-district').selectOption(CALLAO);
    await page.locator('[data-testid="community-trends"] li').first().waitFor();
    const items = await page.locator('[data-testid="community-trends"] li').evaluateAll((lis) =>
      lis.map((li) => ({
        category: li.getAttribute('data-category') as string,
        trend: li.getAttribute('data-trend') as string,
        text: li.textContent ?? '',
      })),
    );
    expect(items.length).toBeGreaterThan(0);

    // The same sums from the community endpoint itself: published cells only.
    const trends = await call(f, 'GET', `/api/v1/stats/trends?district=${CALLAO}`, {
      token: f.users.community.token,
    });
    const months = (
      trends.body as { series: { district: string | null; points: { month: string; complete: boolean }[] }[] }
    ).series
      .find((s) => s.district === CALLAO)
      ?.points.filter((p) => p.complete)
      .slice(-6)
      .map((p) => p.month) as string[];
    expect(months).toHaveLength(6);
    const to = new Date(Date.UTC(Number(months[5]?.slice(0, 4)), Number(months[5]?.slice(5)), 0));
    const stats = await call(
      f,
      'GET',
      `/api/v1/stats?district=${CALLAO}&from=${months[0]}-01&to=${to.toISOString().slice(0, 10)}`,
      { token: f.users.community.token },
    );
    expect(stats.status, stats.text).toBe(200);
    const rows = (stats.body as { rows: Row[] }).rows;
    const sum = (category: string, ms: string[]) => {
      const cells = rows.filter((r) => r.category === category && ms.includes(r.month));
      return {
        count: cells.reduce((s, r) => s + (r.count ?? 0), 0),
        partial: cells.some((r) => r.suppressed),
      };
    };
    const shown = (s: { count: number; partial: boolean }) => `${s.partial ? '≥ ' : ''}${s.count}`;
    for (const item of items) {
      const recent = sum(item.category, months.slice(3));
      const before = sum(item.category, months.slice(0, 3));
      expect(item.text, item.category).toContain(`${shown(recent)} denuncias (antes: ${shown(before)})`);
      const expected =
        recent.partial || before.partial || recent.count + before.count < 10 || before.count === 0
          ? 'fewCases'
          : (recent.count - before.count) / before.count > 0.15
            ? 'up'
            : (recent.count - before.count) / before.count < -0.15
              ? 'down'
              : 'stable';
      expect(item.trend, item.category).toBe(expected);
      // No count from 1 to 4 is ever shown.
      for (const n of item.text.match(/\d+(?= denuncias| \(|\))/g) ?? [])
        expect(['1', '2', '3', '4']).not.toContain(n);
    }
    // A simple chart of the district's months.
    expect(await page.locator('figure.chart rect').count()).toBeGreaterThanOrEqual(6);
    // Advice for the most reported type is open, with the default table's text.
    const top = items[0]?.category as keyof typeof DEFAULT_ADVICE;
    const open = page.locator(`[data-testid="community-advice"] details[data-category="${top}"]`);
    expect(await open.getAttribute('open')).not.toBeNull();
    expect(await open.locator('li').allTextContents()).toEqual([...DEFAULT_ADVICE[top]]);
    // And always where to turn in case of violence at home.
    expect(
      await page
        .locator('[data-testid="community-advice"] details[data-category="violencia_familiar"]')
        .count(),
    ).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'community-mi-distrito.png'), fullPage: true });

    // Chosen once: a reload opens on the same district.
    await page.reload();
    await page.locator('[data-testid="community-trends"] li').first().waitFor();
    expect(await page.getByTestId('community-district').inputValue()).toBe(CALLAO);
    expect(await page.getByRole('heading', { name: 'Callao', exact: true }).count()).toBe(1);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);
});
