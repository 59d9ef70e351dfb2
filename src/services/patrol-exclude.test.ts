import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/env.ts';
import { mulberry32 } from '../core/random.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { geoRow, limaMs, tempFile, toCsv } from '../test/fixtures.ts';
import type { AuditContext } from './audit.ts';
import { excludedCategoriesOf, forecast } from './forecast.ts';
import { ingestFile } from './ingest.ts';
import { makePatrolPlan } from './patrol-plans.ts';

const actor: AuditContext = { actor: 'cli:planner', role: null, ip: null, requestId: null };
const DAY = '2025-01-01';

describe.each(BACKENDS)('crime types excluded from patrol forecasts on %s', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(backend);
    // The same robberies in Callao and Ventanilla; drug cases (found by police) only in Ventanilla.
    const rand = mulberry32(3);
    const row = (i: number, lat: number, lon: number, ubigeo: string, drugs: boolean) => {
      const at = limaMs(2024, 10, 1) + Math.floor(rand() * 90) * 86_400_000 + 20 * 3_600_000;
      return geoRow(900_000 + i, {
        fecha_hora_hecho: String(at),
        fecha_hora_registro_hecho: String(at + 3_600_000),
        ubigeo_hecho_delito: ubigeo,
        lat_hecho: (lat + (rand() - 0.5) * 0.01).toFixed(6),
        long_hecho: (lon + (rand() - 0.5) * 0.01).toFixed(6),
        ...(drugs
          ? {
              tipo_hecho: 'SEGURIDAD PUBLICA',
              subtipo_hecho: 'TRAFICO ILICITO DE DROGAS',
              modalidad_hecho: 'MICROCOMERCIALIZACION',
            }
          : {}),
      });
    };
    const rows = [
      ...Array.from({ length: 150 }, (_, i) => row(i, -12.056, -77.144, '70101', false)),
      ...Array.from({ length: 150 }, (_, i) => row(200 + i, -11.875, -77.13, '70106', false)),
      ...Array.from({ length: 450 }, (_, i) => row(400 + i, -11.875, -77.13, '70106', true)),
    ];
    const file = tempFile(`patrol-exclude-${backend}.csv`, toCsv(rows));
    await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao', now: Date.UTC(2025, 6, 1) });
  });
  afterAll(async () => {
    await t.drop();
  });

  /** Units per district of a plan made from a forecast under VIGIA_PATROL_EXCLUDE = `setting`. */
  const planUnder = async (setting: string | undefined) => {
    const { patrolExclude } = parseConfig(setting === undefined ? {} : { VIGIA_PATROL_EXCLUDE: setting });
    const made = await forecast(t.db, {
      area: 'callao',
      day: DAY,
      horizon: 'turno',
      groups: ['all'],
      model: 'naive-counts',
      cellSize: 500,
      exclude: patrolExclude,
    });
    const { plan } = await makePatrolPlan(t.db, {
      area: 'callao',
      day: DAY,
      turno: 'noche',
      units: 10,
      actor,
    });
    return { made, plan, units: plan.settings.unitsBySector };
  };

  it('leaves drug cases out by default (units split evenly), and follows them when the setting is empty', async () => {
    const excluded = await planUnder(undefined);
    const [callao, ventanilla] = [excluded.units['070101'] ?? 0, excluded.units['070106'] ?? 0];
    expect(Math.abs(callao - ventanilla)).toBeLessThanOrEqual(1);
    expect(excluded.made.every((f) => f.excludedCategories.join() === 'drogas,armas')).toBe(true);
    expect(excludedCategoriesOf(excluded.plan.modelConfig)).toEqual(['drogas', 'armas']);

    const included = await planUnder('');
    expect(included.units['070106']).toBeGreaterThanOrEqual(ventanilla + 3);
    expect(included.units['070106']).toBeGreaterThanOrEqual(3 * (included.units['070101'] ?? 0));
    expect(included.made.every((f) => f.excludedCategories.length === 0)).toBe(true);
    expect(excludedCategoriesOf(included.plan.modelConfig)).toEqual([]);
    expect(included.plan.version).toBe(2);

    // Only the groups holding an excluded category record it.
    const property = await forecast(t.db, {
      area: 'callao',
      day: DAY,
      horizon: 'turno',
      groups: ['property'],
      model: 'naive-counts',
      cellSize: 500,
      exclude: parseConfig({}).patrolExclude,
    });
    expect(property.every((f) => f.excludedCategories.length === 0)).toBe(true);
  });
});
