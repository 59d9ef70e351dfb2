import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../core/random.ts';
import { ingestFile } from '../services/ingest.ts';
import { runCli } from '../test/cli.ts';
import { createTestDb, type TestDb } from '../test/db.ts';
import { geoRow, limaMs, tempFile, toCsv } from '../test/fixtures.ts';
import { pdfText } from '../test/pdf.ts';
import { parseUnitsBy } from './commands/plan.ts';

describe('parseUnitsBy', () => {
  it('reads code=units pairs and refuses malformed or repeated ones naming --units-by', () => {
    expect(parseUnitsBy('070101=10, 070102=5')).toEqual({ '070101': 10, '070102': 5 });
    expect(() => parseUnitsBy('070101=diez')).toThrow(
      /--units-by: "070101=diez" no tiene la forma código=unidades/,
    );
    expect(() => parseUnitsBy('070101=1,070101=2')).toThrow(
      /--units-by: el distrito "070101" aparece dos veces/,
    );
  });
});

describe('vigia plan (real CLI, PostgreSQL server)', () => {
  let t: TestDb;
  let env: Record<string, string>;
  const plans = async () =>
    (await t.db.query<{ n: number }>('select count(*)::int as n from patrol_plans'))[0]?.n;

  beforeAll(async () => {
    t = await createTestDb('server');
    env = { DATABASE_URL: t.url };
    // 600 robberies over 2024 around three districts' centres: Callao, Bellavista, Ventanilla.
    const rand = mulberry32(5);
    const centres = [
      [-12.056, -77.144, '70101'],
      [-12.062, -77.105, '70102'],
      [-11.875, -77.13, '70106'],
    ] as const;
    const rows = Array.from({ length: 600 }, (_, i) => {
      const [lat, lon, ubigeo] = centres[i % 3] as (typeof centres)[number];
      const t0 =
        limaMs(2024, 1, 1) + Math.floor(rand() * 365) * 86_400_000 + Math.floor(rand() * 24) * 3_600_000;
      return geoRow(800_000 + i, {
        fecha_hora_hecho: String(t0),
        fecha_hora_registro_hecho: String(t0 + 3_600_000),
        turno_hecho: '',
        ubigeo_hecho_delito: ubigeo,
        lat_hecho: (lat + (rand() - 0.5) * 0.01).toFixed(6),
        long_hecho: (lon + (rand() - 0.5) * 0.01).toFixed(6),
      });
    });
    const file = tempFile('plan-cli.csv', toCsv(rows));
    await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao', now: Date.UTC(2025, 0, 1) });
  }, 60_000);
  afterAll(async () => {
    await t.drop();
  });

  it('plans a turno from the stored forecast, prints the Spanish table, is idempotent and audited; bad input names the option', async () => {
    const day = '2025-01-01';
    // No forecast yet: not found (exit 4), naming the command that makes it.
    const missing = await runCli(
      ['plan', '--area', 'callao', '--turno', 'noche', '--day', day, '--units', '6'],
      env,
    );
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain(`vigia forecast --area callao --day ${day} --groups all`);

    const fc = await runCli(
      [
        'forecast',
        '--model',
        'naive-counts',
        '--groups',
        'all',
        '--cell-size',
        '500',
        '--day',
        day,
        '--allow-far',
      ],
      env,
    );
    expect(fc.code, fc.stderr).toBe(0);
    expect(fc.stdout).toContain('Corrección por retroalimentación: no aplicada');
    expect(fc.stdout).toContain('Excluidos por depender de la actividad policial: drogas, armas');

    const args = ['plan', '--area', 'callao', '--turno', 'noche', '--day', day, '--units', '6'];
    const first = await runCli(args, env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /Plan de patrullaje \d+ \(versión 1\) — área callao, turno noche del 01\/01\/2025/,
    );
    expect(first.stdout).toMatch(/orden +lugar +celdas +delitos esperados +minutos por visita +visitas/);
    expect(first.stdout).toMatch(/^1 +\S.*\(0701\d\d\) +[\d ]+ +\d+\.\d\d +15 +5$/m);
    expect(first.stdout).toMatch(
      /Cobertura: \d+\.\d\d de \d+\.\d\d delitos esperados en el turno \(\d+\.\d %\)/,
    );

    const again = await runCli([...args, '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    const plan = JSON.parse(again.stdout) as {
      id: number;
      version: number;
      duplicate: boolean;
      areas: {
        order: number;
        code: string;
        place: { label: string; streets: string[]; directionsUrl: string; attribution: string | null };
      }[];
      settings: { unitsBySector: Record<string, number> };
    };
    expect(plan).toMatchObject({ version: 1, duplicate: true });
    expect(first.stdout).toContain(`Plan de patrullaje ${plan.id} `);
    expect(Object.values(plan.settings.unitsBySector).reduce((a, b) => a + b, 0)).toBe(6);
    // One printed row per area, named by district and streets (the robberies are where the bundled
    // OSM layer has streets); the links in --json; the group's tactics and the OSM attribution below.
    const rows = first.stdout.split('\n').filter((l) => /^\d+ {2}/.test(l));
    expect(rows).toHaveLength(plan.areas.length);
    for (const [i, a] of plan.areas.entries()) {
      expect(rows[i]).toContain(`${a.place.label} (${a.code})`);
      expect(a.place.directionsUrl).toMatch(
        /^https:\/\/www\.google\.com\/maps\/dir\/\?api=1&destination=-\d+\.\d+,-77\.\d+$/,
      );
    }
    expect(plan.areas.filter((a) => a.place.streets.length === 2).length).toBeGreaterThan(0);
    expect(rows.some((r) => / — \S.* \/ \S/.test(r))).toBe(true);
    expect(first.stdout).toContain('Excluidos por depender de la actividad policial: drogas, armas');
    expect(first.stdout).toContain('Qué hacer en cada área:\n  - Presencia visible a pie');
    // The plan explains itself: which forecast and model, from which data, and how areas were chosen.
    expect(first.stdout).toMatch(/Por qué este plan:\n {2}Pronóstico \d+ del turno noche del /);
    expect(first.stdout).toContain('incidentes conocidos antes de');
    expect(first.stdout).toContain('Se eligieron áreas contiguas de hasta 4 celdas');
    expect(first.stdout).toContain('Nombres de calles y lugares: © OpenStreetMap contributors (ODbL)');

    const byDistrict = await runCli(
      ['plan', '--turno', 'noche', '--units-by', '070101=2,070106=1', '--json'],
      env,
    );
    expect(byDistrict.code, byDistrict.stderr).toBe(0);
    const given = JSON.parse(byDistrict.stdout) as { version: number; areas: { code: string }[] };
    expect(given.version).toBe(2);
    expect(given.areas.every((a) => a.code === '070101' || a.code === '070106')).toBe(true);

    const bad = [
      [['--turno', 'siesta', '--units', '6'], /--turno: turno desconocido "siesta"/],
      [['--units', '6'], /--turno: indique el turno/],
      [
        ['--turno', 'noche', '--units-by', '070101=2,999999=1'],
        /--units-by: el distrito "999999" no es un sector/,
      ],
      [['--turno', 'noche', '--units-by', '070101=dos'], /--units-by: "070101=dos" no tiene la forma/],
      [['--turno', 'noche', '--units', 'seis'], /--units: se espera un entero/],
    ] as const;
    for (const [extra, message] of bad) {
      const r = await runCli(['plan', ...extra], env);
      expect(r.code, `${extra.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(await plans()).toBe(2);
    const [audited] = await t.db.query<{ n: number; actors: string[] }>(
      `select count(*)::int as n, array_agg(distinct actor) as actors from audit_log where action = 'patrol-plan.create'`,
    );
    expect(audited?.n).toBe(2);
    expect(audited?.actors[0]).toMatch(/^cli:/);
  }, 180_000);

  it('writes the mission sheet of the plan with --pdf (Spanish PDF, every area); an unwritable path names --pdf', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigia-hoja-'));
    try {
      const file = join(dir, 'hoja.pdf');
      const args = ['plan', '--turno', 'noche', '--day', '2025-01-01', '--units', '6'];
      const r = await runCli([...args, '--pdf', file], env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`Hoja de misión (PDF): ${file}`);
      const plan = JSON.parse((await runCli([...args, '--json'], env)).stdout) as {
        areas: { expected: number; place: { label: string } }[];
      };
      const text = pdfText(readFileSync(file));
      expect(text).toContain('Hoja de misión — patrullaje preventivo');
      for (const a of plan.areas) {
        expect(text).toContain(a.place.label);
        expect(text).toContain(a.expected.toFixed(2));
      }
      const bad = await runCli([...args, '--pdf', join(dir, 'no-existe', 'hoja.pdf')], env);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--pdf: no se pudo escribir la hoja de misión en');
      expect(bad.stderr).toContain('la carpeta no existe');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
