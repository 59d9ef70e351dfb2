/** Debian's Chromium driven by playwright-core, with the flags that work on this kind of machine. */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { TEST_PASSWORD } from './api.ts';

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
