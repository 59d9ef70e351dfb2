/**
 * The dashboard end to end in headless Chromium (Debian's chromium via playwright-core) against the
 * real server on a real port: log in as each role and check what is and is not shown, change the
 * crime group's turno and see the map change, click a cell, upload bad files and read the Spanish
 * errors, keyboard use, no console errors. Screenshots go to artifacts/screenshots/.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../core/access.ts';
import { TEST_PASSWORD } from '../test/api.ts';
import { dashboardFixture, logIn, SHOTS } from '../test/browser.ts';
import { viewsFor } from './views.ts';

describe('dashboard in Chromium', () => {
  // Many logins from one address in a few seconds: the brute-force limit is tested elsewhere.
  const f = dashboardFixture({ http: { loginAttemptsPer15Minutes: 1000 } });
  const consoleErrors: string[] = [];

  async function loginAs(role: Role, viewport = { width: 1280, height: 800 }): Promise<Page> {
    const context = await f.browser.newContext({ viewport, locale: 'es-PE', timezoneId: 'America/Lima' });
    const page = await context.newPage();
    page.on('console', (m) => {
      // The officer's first view asks for the turno's patrol plan; none is stored here: a 404 it explains.
      const noPlan = m.location().url.includes('/api/v1/patrol-plans/current') && m.text().includes('404');
      if (m.type() === 'error' && !noPlan) consoleErrors.push(`${role}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`${role}: ${e.message}`));
    await page.goto(f.base);
    await logIn(page, f.users[role].username);
    await page.getByTestId('whoami').waitFor();
    return page;
  }

  const mapReady = async (page: Page): Promise<string> => {
    await page.waitForSelector('[data-testid="map"]:not([data-forecast-id=""])');
    return (await page.getByTestId('map').getAttribute('data-forecast-id')) as string;
  };

  /** Waits until the map shows another forecast than `id`. */
  const mapChanged = async (page: Page, id: string): Promise<void> => {
    await page.waitForSelector(
      `[data-testid="map"]:not([data-forecast-id="${id}"]):not([data-forecast-id=""])`,
    );
  };

  it('shows each role only its views', async () => {
    for (const role of ROLES) {
      const page = await loginAs(role);
      const navs = await page
        .locator('nav button')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
      // The views the server derives from permissions.ts (views.test.ts walks them against the table).
      const expected = viewsFor({ role, scopes: [], via: 'session' });
      expect(navs, role).toEqual(expected.map((v) => `nav-${v}`));
      if (role === 'community') {
        await page.getByTestId('community-table').waitFor();
        expect(await page.getByTestId('map').count()).toBe(0);
        expect(await page.getByText('Los conteos menores que 5 se ocultan').count()).toBe(1);
        // Suppressed cells show a dash, never a count from 1 to 4.
        const cells = await page.locator('[data-testid="community-table"] td').allTextContents();
        expect(cells.length).toBeGreaterThan(0);
        for (const c of cells) expect(['1', '2', '3', '4']).not.toContain(c);
      } else if (role === 'researcher') {
        // Hit-rate curves and the model comparison of the stored report.
        await page.getByTestId('report-table').waitFor();
        const models = await page.locator('[data-testid="report-table"] tbody th').allTextContents();
        // Model names in Spanish, the kind in parentheses (core/models.ts); the oracle is not a model kind.
        expect(models).toEqual(
          expect.arrayContaining([
            'Conteo simple (referencia) (naive-counts)',
            'Azar (referencia) (random)',
            'oracle',
          ]),
        );
        expect(await page.locator('figure.chart polyline').count()).toBe(models.length);
      } else if (role === 'official') {
        await page.getByTestId('kpi-table').waitFor();
        expect(await page.locator('[data-testid="kpi-table"] tbody tr').count()).toBe(8); // area + 7 districts
        // Trends: by month for the area, per district, per type, and the turno profile.
        await page.getByTestId('nav-trends').click();
        await page.getByTestId('trend-charts').waitFor();
        expect(await page.locator('[data-testid="trend-charts"] figure').count()).toBe(4);
        expect(await page.getByRole('img', { name: 'Perfil por turno' }).locator('rect').count()).toBe(5);
        await page.screenshot({ path: `${SHOTS}trends.png`, fullPage: true });
        // Patrols: the scenario curve per district from the stored forecast, aggregates only.
        await page.getByTestId('nav-patrols').click();
        await page.getByLabel('Grupo de delitos').selectOption('property');
        await page.getByTestId('scenario-table').waitFor();
        expect(await page.locator('[data-testid="scenario-table"] tbody tr').count()).toBe(7);
        expect(await page.locator('[data-testid="scenario"] figure.chart polyline').count()).toBe(8);
        await page.getByTestId('effect').waitFor();
        expect(await page.getByTestId('effect').textContent()).toContain('observacional');
        await page.getByTestId('disparity').waitFor();
        await page.screenshot({ path: `${SHOTS}patrols.png`, fullPage: true });
      } else if (role === 'planner') {
        // Persistent hotspots: months in the top 5 %, with its own legend and month choice.
        const first = await mapReady(page);
        expect(first).toBe('persistence-property-12');
        expect(await page.getByText('Meses en el 5 % más alto del área').count()).toBe(1);
        await page.getByLabel('Meses').selectOption('6');
        await mapChanged(page, first);
      } else if (role === 'officer') {
        // Mi turno (src/server/shift-dashboard.test.ts): no plan is stored in this fixture.
        await page.getByTestId('shift-message').waitFor();
      } else await mapReady(page);
      // Every control has an accessible name (a label or aria-label).
      const unnamed = await page.evaluate(`[...document.querySelectorAll('input, select, button')]
        .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim())
        .map((el) => el.outerHTML.slice(0, 80))`);
      expect(unnamed, role).toEqual([]);
      await page.screenshot({ path: `${SHOTS}role-${role}.png` });
      await page.context().close();
    }
  }, 120_000);

  it('changes the map with the turno, ranks hotspots and shows a clicked cell', async () => {
    const page = await loginAs('analyst');
    const first = await mapReady(page);
    expect(Number(await page.getByTestId('map').getAttribute('data-cells'))).toBeGreaterThan(5000);
    expect(await page.getByTestId('forecast-meta').textContent()).toContain('30/03/2025');
    const current = await page.getByLabel('Turno').inputValue();
    const other = current === 'noche' ? 'tarde' : 'noche';
    await page.getByLabel('Turno').selectOption(other);
    await mapChanged(page, first);
    expect(await page.locator('[data-testid="hotspots"] li').count()).toBeGreaterThan(0);
    // The hotspots are named as people know them (the server's names for the shown forecast).
    const shown = (await page.getByTestId('map').getAttribute('data-forecast-id')) as string;
    const named = (await page.evaluate(
      (id) => fetch(`/api/v1/forecasts/${id}/hotspots?limit=10`).then((r) => r.json()),
      shown,
    )) as { hotspots: { place: { label: string; directionsUrl: string } }[] };
    const top = named.hotspots[0]?.place as { label: string; directionsUrl: string };
    await expect
      .poll(() => page.locator('[data-testid="hotspots"] li > span').first().textContent())
      .toContain(top.label);
    expect(
      await page.locator('[data-testid="hotspots"] li').first().getByRole('link').getAttribute('href'),
    ).toBe(top.directionsUrl);
    // Another crime group: the map changes; one without a forecast says so in Spanish.
    const beforeGroup = (await page.getByTestId('map').getAttribute('data-forecast-id')) as string;
    await page.getByLabel('Grupo de delitos').selectOption('all');
    await mapChanged(page, beforeGroup);
    await page.getByLabel('Grupo de delitos').selectOption('extorsion');
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('No hay pronóstico vigente para esta selección');
    await page.getByLabel('Grupo de delitos').selectOption('property');
    await page.waitForSelector(`[data-testid="map"][data-forecast-id="${beforeGroup}"]`);
    // Another day: the map changes and the heading says which.
    const second = (await page.getByTestId('map').getAttribute('data-forecast-id')) as string;
    await page.getByLabel('Fecha').selectOption({ label: '29/03/2025' });
    await mapChanged(page, second);
    expect(await page.getByTestId('forecast-meta').textContent()).toContain('29/03/2025');
    await page.getByLabel('Fecha').selectOption({ index: 0 });
    await page.waitForSelector(`[data-testid="map"][data-forecast-id="${second}"]`);
    // "Ver" on the top hotspot zooms to it; a click on the map centre then reads that cell.
    await page.locator('[data-testid="hotspots"] li button').first().click();
    const box = (await page.getByTestId('map').boundingBox()) as {
      x: number;
      y: number;
      width: number;
      height: number;
    };
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.getByTestId('cell-info').textContent()).toContain('Puesto');
    expect(await page.getByTestId('cell-info').textContent()).toMatch(/Puesto1 \//);
    // The cell's last 12 months and, for an analyst, its recent incidents.
    await expect.poll(() => page.getByTestId('cell-trend').textContent()).toMatch(/\d/);
    await page.getByTestId('cell-incidents').waitFor();
    expect(await page.locator('[data-testid="cell-incidents"] li').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}map-cell.png` });
    // Exports of what is on screen.
    const saved = async (testId: string): Promise<{ name: string; bytes: Buffer }> => {
      const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
      return { name: dl.suggestedFilename(), bytes: readFileSync(await dl.path()) };
    };
    const png = await saved('export-png');
    expect(png.name).toMatch(/^vigia-property-\w+-2025-03-30\.png$/);
    expect(png.bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(png.bytes.length).toBeGreaterThan(20_000);
    const csv = await saved('export-csv');
    const lines = csv.bytes
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('orden,puesto,distrito,riesgo,celda,lat,lon');
    expect(lines.length).toBe((await page.locator('[data-testid="hotspots"] li').count()) + 1);
    const geo = await saved('export-geojson');
    const fc = JSON.parse(geo.bytes.toString('utf8')) as { features: unknown[] };
    expect(fc.features.length).toBe(Number(await page.getByTestId('map').getAttribute('data-cells')));
    // For a GIS: the zipped Shapefile and the KML of the same forecast (read back in forecast-gis.test.ts).
    const shp = await saved('export-shp');
    expect(shp.name).toMatch(/^vigia-property-\w+-2025-03-30\.zip$/);
    expect(shp.bytes.subarray(0, 2).toString()).toBe('PK');
    const kml = await saved('export-kml');
    expect(kml.name).toMatch(/^vigia-property-\w+-2025-03-30\.kml$/);
    expect(kml.bytes.toString('utf8').match(/<Placemark>/g)?.length).toBe(fc.features.length);
    await page.context().close();
  }, 60_000);

  it('logs in and reads a hotspot with the keyboard alone', async () => {
    const context = await f.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => consoleErrors.push(`keyboard: ${e.message}`));
    await page.goto(f.base);
    await page.getByLabel('Usuario').waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.type(f.users.officer.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByTestId('whoami').waitFor();
    // The officer's first view is Mi turno; the risk map is one keypress away.
    await page.getByTestId('nav-map').focus();
    await page.keyboard.press('Enter');
    await mapReady(page);
    await page.locator('[data-testid="hotspots"] li button').first().focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('cell-info').textContent()).toContain('Puesto');
    await context.close();
  }, 60_000);

  it('works from the keyboard with labelled controls', async () => {
    const page = await loginAs('planner');
    await page.getByTestId('nav-map').focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector(
      '[data-testid="map"]:not([data-forecast-id^="persistence"]):not([data-forecast-id=""])',
    );
    const first = await mapReady(page);
    for (const label of ['Grupo de delitos', 'Turno', 'Distrito'])
      expect(await page.getByLabel(label).count()).toBe(1);
    await page.getByLabel('Turno').focus();
    const before = await page.getByLabel('Turno').inputValue();
    await page.keyboard.press(before === 'noche' ? 'ArrowUp' : 'ArrowDown');
    await mapChanged(page, first);
    await page.context().close();
  }, 60_000);

  it('refuses bad uploads with Spanish messages and sends nothing', async () => {
    const page = await loginAs('analyst');
    await page.getByTestId('nav-ingest').click();
    const jobs = async (): Promise<number> =>
      ((await f.t.db.query<{ n: number }>('select count(*)::int as n from jobs'))[0] as { n: number }).n;
    const before = await jobs();
    await page
      .getByTestId('file')
      .setInputFiles({ name: 'vacio.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) });
    await page.getByRole('button', { name: 'Subir archivo' }).click();
    await expect
      .poll(() => page.getByTestId('upload-error').textContent())
      .toContain('El archivo está vacío');
    await page
      .getByTestId('file')
      .setInputFiles({ name: 'virus.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') });
    await page.getByRole('button', { name: 'Subir archivo' }).click();
    await expect
      .poll(() => page.getByTestId('upload-error').textContent())
      .toContain('Tipo de archivo no admitido');
    expect(await jobs()).toBe(before);
    // A CSV that is not one: the server's Spanish message comes back through the job.
    await page.getByTestId('file').setInputFiles({
      name: 'roto.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 0, 1]),
    });
    await page.getByRole('button', { name: 'Subir archivo' }).click();
    await page.waitForSelector('[data-testid="job-status"][data-status="failed"]');
    expect(await page.getByTestId('job-status').textContent()).toContain('roto.csv');
    await page.screenshot({ path: `${SHOTS}ingest-error.png` });
    await page.context().close();
  }, 60_000);

  it('checks date ranges before asking the server', async () => {
    const page = await loginAs('analyst');
    await page.getByTestId('nav-incidents').click();
    const audited = async (): Promise<number> =>
      (
        (
          await f.t.db.query<{ n: number }>(
            `select count(*)::int as n from audit_log where action = 'incidents.list'`,
          )
        )[0] as { n: number }
      ).n;
    const before = await audited();
    await page.getByTestId('from').fill('31/03/2025');
    await page.getByTestId('to').fill('01/03/2025');
    await page.getByRole('button', { name: 'Buscar' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('"Desde" debe ser anterior');
    await page.getByTestId('to').fill('31/02/2025');
    await page.getByRole('button', { name: 'Buscar' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Fecha inválida');
    expect(await audited()).toBe(before);
    await page.getByTestId('from').fill('01/03/2025');
    await page.getByTestId('to').fill('31/03/2025');
    await page.getByTestId('category').selectOption('robo');
    await page.getByRole('button', { name: 'Buscar' }).click();
    await page.getByTestId('incidents-table').waitFor();
    expect(await audited()).toBe(before + 1);
    const categories = await page
      .locator('[data-testid="incidents-table"] tbody tr td:nth-child(3)')
      .allTextContents();
    expect(new Set(categories)).toEqual(new Set(['Robo']));
    const dates = await page
      .locator('[data-testid="incidents-table"] tbody tr td:first-child')
      .allTextContents();
    // Date-only records show no invented time ("solo fecha" in the quality column).
    for (const d of dates) expect(d).toMatch(/^\d{2}\/03\/2025( \d{2}:\d{2})?$/);
    await page.context().close();
  }, 60_000);

  it('fits a phone for officers, and switches to English', async () => {
    const page = await loginAs('officer', { width: 390, height: 844 });
    // Without a stored plan the shift view says who makes plans; the risk map is the second view.
    expect(await page.getByTestId('shift-message').textContent()).toContain(
      'Los planes los genera un analista',
    );
    await page.getByTestId('nav-map').click();
    await mapReady(page);
    await page.getByLabel('Distrito').selectOption({ label: 'Bellavista' });
    await page.waitForTimeout(300);
    const listed = await page.locator('[data-testid="hotspots"] li > span').allTextContents();
    for (const l of listed) expect(l).toContain('Bellavista');
    const width = await page.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${SHOTS}officer-phone.png`, fullPage: true });
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.getByTestId('nav-shift').textContent()).toBe('My shift');
    await page.context().close();
  }, 60_000);

  it('lets admins manage users and tokens, checking input before sending', async () => {
    const page = await loginAs('admin');
    await page.getByTestId('nav-admin').click();
    await page.getByTestId('users-table').waitFor();
    const users = async (): Promise<number> =>
      ((await f.t.db.query<{ n: number }>('select count(*)::int as n from users'))[0] as { n: number }).n;
    const before = await users();
    await page.getByTestId('new-username').fill('nueva.analista');
    await page.getByTestId('new-password').fill('corta');
    await page.getByRole('button', { name: 'Crear' }).click();
    await expect
      .poll(() => page.getByTestId('admin-error').textContent())
      .toContain('al menos 12 caracteres');
    expect(await users()).toBe(before);
    await page.getByTestId('new-password').fill('una-clave-bastante-larga');
    await page.getByTestId('new-role').selectOption('officer');
    await page.getByRole('button', { name: 'Crear' }).click();
    await page.getByRole('cell', { name: 'nueva.analista', exact: true }).first().waitFor();
    expect(await users()).toBe(before + 1);
    await page.getByTestId('toggle-nueva.analista').click();
    await expect
      .poll(
        async () =>
          (
            await f.t.db.query<{ disabled: boolean }>(
              `select disabled from users where username = 'nueva.analista'`,
            )
          )[0]?.disabled,
      )
      .toBe(true);
    await page.getByRole('button', { name: 'Nuevo token de lectura' }).click();
    await expect.poll(() => page.getByTestId('token-secret').textContent()).toMatch(/vgt_\d+_/);
    await page.screenshot({ path: `${SHOTS}admin.png`, fullPage: true });
    // The audit log shows what was just done, filtered by action.
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-action').selectOption('user.create');
    await page.getByRole('button', { name: 'Buscar' }).click();
    await expect
      .poll(() => page.locator('[data-testid="audit-table"] tbody').textContent())
      .toContain('nueva.analista');
    const actions = await page
      .locator('[data-testid="audit-table"] tbody tr td:nth-child(5)')
      .allTextContents();
    expect(new Set(actions)).toEqual(new Set(['user.create']));
    await page.context().close();
  }, 60_000);

  it('lets a user change their own password and log in with it', async () => {
    const page = await loginAs('official');
    await page.getByTestId('nav-account').click();
    await page.getByLabel('Contraseña actual').fill(TEST_PASSWORD);
    await page.getByLabel('Contraseña nueva (mín. 12 caracteres)').fill('otra-clave-segura-1');
    await page.getByLabel('Repita la contraseña nueva').fill('otra-clave-distinta');
    await page.getByRole('button', { name: 'Cambiar contraseña' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('no coinciden');
    await page.getByLabel('Repita la contraseña nueva').fill('otra-clave-segura-1');
    await page.getByRole('button', { name: 'Cambiar contraseña' }).click();
    await page.getByRole('button', { name: 'Iniciar sesión' }).waitFor();
    await page.getByLabel('Usuario').fill(f.users.official.username);
    await page.getByLabel('Contraseña').fill('otra-clave-segura-1');
    await page.getByRole('button', { name: 'Iniciar sesión' }).click();
    await page.getByTestId('whoami').waitFor();
    // Back to the shared password.
    await page.getByTestId('nav-account').click();
    await page.getByLabel('Contraseña actual').fill('otra-clave-segura-1');
    await page.getByLabel('Contraseña nueva (mín. 12 caracteres)').fill(TEST_PASSWORD);
    await page.getByLabel('Repita la contraseña nueva').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Cambiar contraseña' }).click();
    await page.getByRole('button', { name: 'Iniciar sesión' }).waitFor();
    await page.context().close();
  }, 60_000);

  it('shows every role a banner while the data is stale', async () => {
    const [row] = await f.t.db.query<{ day: string; days: number }>(
      `select to_char(max(occurred_at) at time zone 'America/Lima', 'DD/MM/YYYY') as day,
         floor(extract(epoch from now() - max(occurred_at)) / 86400)::int as days from incidents`,
    );
    // The seeded data is from early 2025: far older than the default limit of 7 days.
    expect(row?.days).toBeGreaterThan(7);
    for (const role of ['community', 'officer'] as const) {
      const page = await loginAs(role);
      const banner = page.getByTestId('stale-banner');
      await banner.waitFor();
      expect(await banner.textContent()).toContain(
        `Datos desactualizados: la última denuncia es del ${row?.day}`,
      );
      expect(await banner.getAttribute('role')).toBe('status');
      if (role === 'officer') await page.screenshot({ path: `${SHOTS}stale-banner.png` });
      await page.context().close();
    }
  }, 60_000);

  it('says so when an uploaded file was already loaded', async () => {
    const page = await loginAs('analyst');
    await page.getByTestId('nav-ingest').click();
    const upload = async (): Promise<void> => {
      await page.getByTestId('file').setInputFiles({
        name: 'marzo.csv',
        mimeType: 'text/csv',
        buffer: readFileSync(
          fileURLToPath(new URL('../ingest/sources/test/sidpol-geo-fixture.csv', import.meta.url)),
        ),
      });
      await page.getByRole('button', { name: 'Subir archivo' }).click();
      await page.waitForSelector('[data-testid="job-status"][data-status="done"]');
    };
    await upload();
    expect(await page.getByTestId('job-status').textContent()).toMatch(/Carga terminada: 10 aceptadas?/);
    const [batch] = await f.t.db.query<{ id: number }>('select max(id)::int as id from ingest_batches');
    await upload();
    await page.getByTestId('already-ingested').waitFor();
    expect(await page.getByTestId('job-status').textContent()).toMatch(
      new RegExp(
        `^Este archivo ya fue cargado \\(lote ${batch?.id}\\) el \\d{2}/\\d{2}/\\d{4} \\d{2}:\\d{2}; no se agregó nada\\.$`,
      ),
    );
    await page.context().close();
  }, 60_000);

  it('logged no errors in the browser console', () => {
    expect(consoleErrors).toEqual([]);
  });
});
