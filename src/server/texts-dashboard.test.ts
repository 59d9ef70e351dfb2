/**
 * "Resúmenes" and the community bulletins in headless Chromium against the real server and the
 * built dashboard (issue 14): an analyst generates a community bulletin and a committee briefing
 * from the form, sees each draft sentence by sentence with the verifier's marks, is refused the
 * approval of their own draft (the server's Spanish message shown) and downloads the briefing's PDF;
 * an official approves the bulletin; the community leader sees the approved bulletin in "Mi distrito"
 * and never the briefing draft. Screenshots go to artifacts/screenshots/.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEXT_EDITORS, TEXT_GENERATORS, TEXT_REVIEWERS } from '../../web/src/texts.ts';
import type { Role } from '../core/access.ts';
import { call } from '../test/api.ts';
import { bareNumbers, dashboardFixture, openDashboard, SHOTS } from '../test/browser.ts';
import { PERMISSIONS } from './permissions.ts';

const CALLAO = '070101';
const rolesOf = (key: string): string[] => Object.keys(PERMISSIONS[key]?.roles ?? {}).sort();

describe('Resúmenes and community bulletins in Chromium', () => {
  const f = dashboardFixture({ http: { loginAttemptsPer15Minutes: 1000 } });

  it('offers generating, editing and reviewing to the roles the permission table does', () => {
    const sorted = (r: readonly Role[]) => [...r].sort();
    expect(sorted(TEXT_GENERATORS)).toEqual(rolesOf('POST /api/v1/texts'));
    expect(sorted(TEXT_EDITORS)).toEqual(rolesOf('PATCH /api/v1/texts/:id'));
    expect(sorted(TEXT_REVIEWERS)).toEqual(rolesOf('POST /api/v1/texts/:id/review'));
  });

  const open = async (role: Role): Promise<Page> => {
    const page = await openDashboard(f, f.users[role].username, { context: { acceptDownloads: true } });
    await page.getByTestId('whoami').waitFor();
    return page;
  };

  /** Generates a text from the form; the opened draft's id. */
  const generate = async (page: Page, kind: 'bulletin' | 'briefing'): Promise<number> => {
    await page.getByTestId('texts-kind').selectOption(kind);
    await page.getByTestId('texts-district').selectOption(CALLAO);
    await page.getByTestId('texts-from').fill('2025-03-01');
    await page.getByTestId('texts-to').fill('2025-03-31');
    await page.getByTestId('texts-submit').click();
    const draft = page.locator(`[data-testid="text-draft"][data-kind="${kind}"]`);
    await draft.waitFor();
    return Number(await draft.getAttribute('data-id'));
  };

  it('analyst generates, sees the marks, cannot approve their own; an official approves; the community reads it', async () => {
    const analyst = await open('analyst');
    await analyst.getByTestId('nav-texts').click();
    const bulletin = await generate(analyst, 'bulletin');
    const marks = await analyst
      .locator('[data-testid="text-sentences"] li')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-status')));
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.every((m) => ['ok', 'sin verificar', 'rechazada'].includes(m ?? ''))).toBe(true);
    expect(await analyst.getByTestId('text-status').textContent()).toBe('Borrador');
    // The four-eyes rule is the server's: its Spanish refusal is shown as it comes.
    await analyst.getByTestId('text-approve').click();
    await expect
      .poll(() => analyst.getByTestId('text-error').textContent())
      .toMatch(/debe aprobarlo otra persona/);
    // Every figure of the list and the open draft says what it is (docs/dashboard.md).
    expect(await bareNumbers(analyst)).toEqual([]);
    await analyst.screenshot({ path: `${SHOTS}texts-analyst-bulletin.png`, fullPage: true });

    const briefing = await generate(analyst, 'briefing');
    expect(await analyst.getByTestId(`text-row-${briefing}`).count()).toBe(1);
    const [download] = await Promise.all([
      analyst.waitForEvent('download'),
      analyst.getByTestId('text-pdf').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`informe-codisec-${CALLAO}-2025-03-01-2025-03-31.pdf`);
    expect(
      readFileSync(await download.path())
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');
    await analyst.context().close();

    const official = await open('official');
    await official.getByTestId('nav-texts').click();
    await official.getByTestId(`text-open-${bulletin}`).click();
    await official.locator(`[data-testid="text-draft"][data-id="${bulletin}"]`).waitFor();
    await official.getByTestId('text-approve').click();
    await expect.poll(() => official.getByTestId('text-status').textContent()).toBe('Aprobado');
    await official.screenshot({ path: `${SHOTS}texts-official-approved.png`, fullPage: true });
    await official.context().close();

    const community = await open('community');
    expect(await community.getByTestId('nav-texts').count()).toBe(0);
    await community.getByTestId('community-district').selectOption(CALLAO);
    const shown = community.getByTestId('community-bulletin');
    await shown.first().waitFor();
    expect(await shown.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))))).toEqual([
      bulletin,
    ]);
    expect((await shown.first().textContent())?.length).toBeGreaterThan(40);
    await community
      .getByTestId('community-bulletins')
      .screenshot({ path: `${SHOTS}texts-community-bulletin.png` });
    await community.context().close();
    // Nor can the community reach the briefing draft through the API.
    expect(
      (await call(f, 'GET', `/api/v1/texts/${briefing}`, { token: f.users.community.token })).status,
    ).toBe(404);
  }, 120_000);
});
