/**
 * The analysts' incident table in Chromium against the real server: the total count of matches,
 * geocode and time quality shown per row as the store knows it ("sin ubicación en la fuente",
 * "ubicada en la comisaría", "solo fecha", "exacta"), and the CSV export of the filtered rows, read
 * through the audited incident listing; the evaluations view's "Modelos en producción" (a challenger
 * promoted from the dashboard by a backtest, its evidence shown, a rollback). Screenshots go to
 * artifacts/screenshots/.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIFECYCLE_EDITORS } from '../../web/src/lifecycle.ts';
import { ingestFile } from '../services/ingest.ts';
import { promoteChallenger } from '../services/model-lifecycle.ts';
import { train } from '../services/training.ts';
import { UPLOAD_FIXTURE } from '../test/api.ts';
import { bareNumbers, dashboardFixture, openDashboard, SHOTS } from '../test/browser.ts';
import { PERMISSIONS } from './permissions.ts';

/** Lima midnight of 2024-06-10: SIDPOL's way of writing "no time" (a date-only record). */
const MIDNIGHT = Date.parse('2024-06-10T00:00:00-05:00');

describe('analysts: incident table in Chromium', () => {
  const f = dashboardFixture({
    http: { loginAttemptsPer15Minutes: 1000 },
    setUp: async (api) => {
      // The SIDPOL fixture moved to June 2024 (the demo data is 2025): rows 101–103 exact, 104 forced
      // to the station, 105 without coordinates, 106 at local midnight (date only).
      const [head, ...lines] = readFileSync(UPLOAD_FIXTURE, 'utf8').trim().split('\n');
      const moved = lines.slice(0, 6).map((line, i) => {
        const ms = i === 5 ? MIDNIGHT : Date.parse('2024-06-02T15:30:00-05:00') + i * 86_400_000;
        return line.replace(/^\d+/, String(ms)).replace(/,\d{13}$/, `,${ms + 3_600_000}`);
      });
      const file = join(mkdtempSync(join(tmpdir(), 'vigia-analyst-')), 'junio.csv');
      writeFileSync(file, `${head}\n${moved.join('\n')}\n`);
      const report = await ingestFile(api.t.db, { file, adapter: 'sidpol-geo', area: 'callao' });
      expect(report.accepted).toBe(6);
    },
    timeout: 180_000,
  });

  it('shows the total, each row’s location and time quality, and exports the filtered rows as CSV', async () => {
    const errors: string[] = [];
    const page = await openDashboard(f, f.users.analyst.username, {
      viewport: { width: 1280, height: 800 },
      errors,
      context: { acceptDownloads: true },
    });
    await page.getByTestId('nav-incidents').click();
    await page.getByTestId('from').fill('01/06/2024');
    await page.getByTestId('to').fill('30/06/2024');
    await page.getByRole('button', { name: 'Buscar' }).click();
    await page.getByTestId('incidents-table').waitFor();

    // The total of matches, from the API's count (total=true), not the rows on screen.
    expect(await page.getByTestId('incidents-total').textContent()).toBe('6 coincidencias · 6 mostradas');

    const rows = await page
      .locator('[data-testid="incidents-table"] tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
    const quality = rows.map((r) => r[6]);
    expect(quality.filter((q) => q === 'sin ubicación en la fuente')).toHaveLength(1);
    expect(quality.filter((q) => q === 'ubicada en la comisaría')).toHaveLength(1);
    expect(quality.filter((q) => q === 'solo fecha')).toHaveLength(1);
    expect(quality.filter((q) => q === 'exacta')).toHaveLength(3);
    // The date-only row shows no invented time.
    const dateOnly = rows.find((r) => r[6] === 'solo fecha') as string[];
    expect(dateOnly[0]).toBe('10/06/2024');
    await page.screenshot({ path: join(SHOTS, 'analyst-incidents.png'), fullPage: true });

    const reads = async (): Promise<number> =>
      (
        await f.t.db.query<{ n: number }>(
          `select count(*)::int as n from audit_log where action = 'incidents.list' and actor = $1`,
          [f.users.analyst.username],
        )
      )[0]?.n ?? 0;
    const before = await reads();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('incidents-export').click(),
    ]);
    expect(download.suggestedFilename()).toBe('incidentes-2024-06-01-2024-06-30.csv');
    const csv = readFileSync((await download.path()) as string, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(csv[0]).toBe(
      'id,fecha_hora,precision_hora,distrito_codigo,distrito,categoria,tipo,subtipo,modalidad,canal,calidad_ubicacion,lat,lon,protegido',
    );
    expect(csv).toHaveLength(7);
    const body = csv.slice(1).map((l) => l.split(','));
    expect(body.map((c) => c[10]).sort()).toEqual(['exact', 'exact', 'exact', 'exact', 'missing', 'station']);
    expect(body.filter((c) => c[2] === 'date')).toHaveLength(1);
    // The export read the rows through the audited listing.
    expect(await reads()).toBeGreaterThan(before);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('Modelos en producción: promotes a better challenger by backtest, shows its evidence, rolls back', async () => {
    // The dashboard offers the actions to exactly the roles the server lets act.
    const rolesOf = (key: string): string[] => Object.keys(PERMISSIONS[key]?.roles ?? {}).sort();
    expect([...LIFECYCLE_EDITORS].sort()).toEqual(rolesOf('POST /api/v1/models/promote'));
    expect([...LIFECYCLE_EDITORS].sort()).toEqual(rolesOf('POST /api/v1/models/rollback'));

    // A random champion and a counts challenger of the seeded 2025 data (cut on 1 March).
    const who = { actor: 'setup', role: null, ip: null, requestId: null };
    const base = {
      area: 'callao',
      group: 'property',
      until: '2025-03-01',
      horizon: 'day',
      audit: who,
    } as const;
    const champ = (await train(f.t.db, { ...base, model: 'random', seed: 1 })).model;
    await promoteChallenger(f.t.db, { challenger: champ.id, audit: who });
    const better = (await train(f.t.db, { ...base, model: 'naive-counts' })).model;

    const errors: string[] = [];
    const page = await openDashboard(f, f.users.analyst.username, { errors });
    await page.getByTestId('nav-backtests').click();
    const entry = page.locator('[data-testid="lifecycle-entry"][data-group="property"][data-horizon="day"]');
    await entry.waitFor();
    expect(await entry.getByTestId('lifecycle-champion').getAttribute('data-model-id')).toBe(
      String(champ.id),
    );
    expect(await entry.textContent()).toContain('Aún no hay decisiones de promoción.');

    // Promote the challenger: a confirmation, then the backtest decides (default period: 28 days
    // after the later data cutoff).
    await entry.getByTestId(`lifecycle-promote-${better.id}`).click();
    await page.getByTestId('lifecycle-confirm-yes').click();
    await expect
      .poll(() => entry.getByTestId('lifecycle-champion').getAttribute('data-model-id'), { timeout: 60_000 })
      .toBe(String(better.id));
    expect(await page.getByTestId('lifecycle-notice').textContent()).toContain(
      'Promovido: el retador pasa a campeón',
    );
    const decision = entry.getByTestId('lifecycle-decision');
    expect(await decision.getAttribute('data-decision')).toBe('promoted');
    const evidence = (await decision.textContent()) as string;
    for (const label of [
      'Periodo del backtest01/03/2025 – 28/03/2025',
      'Ventanas con delitos comparadas28',
      'Acierto del campeón al 5 % del área',
      'Acierto del retador al 5 % del área',
      'Intervalo de confianza 95 % de la diferencia',
      'p de Wilcoxon (umbral)',
      'pasa a campeón',
    ])
      expect(evidence).toContain(label);
    expect(await entry.getByTestId('lifecycle-difference').textContent()).toMatch(
      /^\+\d+[.,]\d puntos porcentuales$/,
    );
    expect(await entry.getByTestId('lifecycle-p').textContent()).toMatch(/^0[.,]0\d{3} \(0[.,]05\)$/);
    expect(await entry.getByTestId('lifecycle-history').textContent()).toContain('promovido por backtest');
    expect(await bareNumbers(page)).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'models-in-production.png'), fullPage: true });

    // Roll back to the first champion, after a confirmation.
    await entry.getByTestId(`lifecycle-rollback-${champ.id}`).click();
    await page.getByTestId('lifecycle-confirm-yes').click();
    await expect
      .poll(() => entry.getByTestId('lifecycle-champion').getAttribute('data-model-id'))
      .toBe(String(champ.id));
    expect(await entry.getByTestId('lifecycle-history').textContent()).toContain('vuelta atrás');
    expect(errors).toEqual([]);
    await page.context().close();
  }, 180_000);
});
