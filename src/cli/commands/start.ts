/**
 * `vigia start` (npm start): brings Vigía up on the configured store — migrations, the demo data and
 * a first set of forecasts and patrol plans on first run — and serves the API until stopped.
 */
import type { Command } from 'commander';
import { type Config, getConfig } from '../../config/env.ts';
import { createLogger } from '../../config/logger.ts';
import { CRIME_CATEGORIES, isCategory } from '../../core/taxonomy.ts';
import { TURNOS } from '../../core/time.ts';
import { getStudyArea } from '../../services/areas.ts';
import { dataAge, staleNotice } from '../../services/data-age.ts';
import { DEFAULT_SYNTHETIC_OPTIONS, demoFilePath, writeDemoCsv } from '../../services/demo.ts';
import { currentForecastIndex, forecast } from '../../services/forecast.ts';
import { ingestFile } from '../../services/ingest.ts';
import { fillRedactedNarratives } from '../../services/narrative-redaction.ts';
import { listPatrolPlans, makePatrolPlan } from '../../services/patrol-plans.ts';
import { summarizeArea } from '../../services/queries.ts';
import type { Db } from '../../storage/db.ts';
import { openStore } from '../../storage/store.ts';
import { n, progressBar, table } from '../output.ts';
import { cliAuditContext } from '../secret.ts';
import { serveUntilSignal } from './serve.ts';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description(
      'inicia Vigía: base de datos, migraciones, datos de demostración y pronósticos en el primer uso, y el servidor HTTP',
    )
    .option('--no-serve', 'solo prepara la base y termina (sin servidor HTTP)')
    .option(
      '--demo-years <n>',
      'años de datos sintéticos en el primer uso',
      String(DEFAULT_SYNTHETIC_OPTIONS.years),
    )
    .option('--host <dir>', 'dirección del servidor (por defecto VIGIA_HOST)')
    .option('--port <n>', 'puerto del servidor (por defecto VIGIA_PORT)')
    .action(async (o: { serve: boolean; demoYears: string; host?: string; port?: string }) => {
      const config = getConfig();
      const db = await openStore(config, createLogger(config));
      try {
        await prepare(db, config, Number(o.demoYears));
      } catch (err) {
        await db.close();
        throw err;
      }
      if (o.serve) await serveUntilSignal(db, config, o);
      else await db.close();
    });
}

/** Patrol units per turno in the first-run plans (a demo figure: Callao's real fleet is not public). */
const DEMO_UNITS = 40;

/** Summary, and on first run the demo data and the forecasts for the day after the data. */
async function prepare(db: Db, config: Config, demoYears: number): Promise<void> {
  const out = process.stdout;
  out.write(`Vigía — base de datos: ${db.description}\n`);
  const area = await getStudyArea(db, config.studyArea);
  let { summary } = await summarizeArea(db, area.def.id);
  if (summary.incidents === 0 && area.def.id === 'callao') {
    out.write(
      `Primer inicio: generando ${demoYears} años de incidentes SINTÉTICOS del Callao (semilla ${DEFAULT_SYNTHETIC_OPTIONS.seed})…\n`,
    );
    const demo = { years: demoYears };
    const file = demoFilePath(config.dataDir, demo);
    const written = await writeDemoCsv(area, demo, file);
    const bar = progressBar('carga', 100, '%');
    const report = await ingestFile(db, {
      audit: cliAuditContext(),
      file,
      adapter: 'sidpol-geo',
      area: 'callao',
      onProgress: (read, total) => bar.update(Math.round((100 * read) / total)),
    });
    bar.stop();
    out.write(
      `Cargadas ${n(report.accepted)} de ${n(written.rows)} filas (${n(report.rejected)} rechazadas) en ${report.seconds.toFixed(1)} s — ${file}\n`,
    );
    ({ summary } = await summarizeArea(db, area.def.id));
  }
  const day = new Intl.DateTimeFormat('sv-SE', { timeZone: area.def.timeZone, dateStyle: 'short' });
  const fmt = (d: Date | null): string => (d ? day.format(d) : '—');
  out.write(
    `\nÁrea de estudio: ${area.def.name} (${area.def.id}, ${area.def.timeZone}, ${area.projection.code})\n` +
      `Incidentes: ${n(summary.incidents)} del ${fmt(summary.first)} al ${fmt(summary.last)}` +
      ` — con coordenadas ${n(summary.located)}, forzados a comisaría ${n(summary.station)}, sin coordenadas ${n(summary.missing)},` +
      ` solo fecha ${n(summary.dateOnly)}, protegidos ${n(summary.restricted)}, descubiertos por la policía ${n(summary.discovered)}\n\n`,
  );
  out.write(
    `${table(
      ['distrito', 'ubigeo', 'incidentes'],
      summary.byDistrict.map((d) => [d.name ?? '(sin distrito)', d.code, n(d.count)]),
    )}\n\n`,
  );
  // Narratives stored before redaction existed (migration 0014): redacted now, idempotent.
  const redacted = await fillRedactedNarratives(db);
  if (redacted > 0) out.write(`Relatos redactados (datos personales reemplazados): ${n(redacted)}\n\n`);
  const stale = staleNotice(await dataAge(db, area.def.id, { staleAfterDays: config.staleDataDays }));
  if (stale) out.write(`Aviso: ${stale}\n\n`);
  if ((await currentForecastIndex(db, area.def.id)).length === 0 && summary.last) {
    const next = new Date(summary.last.getTime() + 86_400_000);
    const day2 = day.format(next);
    const started = performance.now();
    out.write(`Pronósticos iniciales para el ${day2} (ETAS en grilla, 4 turnos × grupos de delitos)…\n`);
    const made = await forecast(db, {
      area: area.def.id,
      day: day2,
      horizon: 'turno',
      model: 'sepp-grid',
      exclude: config.patrolExclude,
      audit: cliAuditContext(),
    });
    out.write(
      `${made.length} superficies de riesgo guardadas en ${((performance.now() - started) / 1000).toFixed(1)} s\n\n`,
    );
  }
  // The first patrol plans (each turno without one: all crimes, the newest forecast day), so the
  // officers' view has one to show; a later start completes what an interrupted one left.
  const hasForecast = (await currentForecastIndex(db, area.def.id)).some(
    (f) => f.group === 'all' && f.horizon === 'turno',
  );
  const unplanned = [];
  if (hasForecast)
    for (const turno of TURNOS)
      if ((await listPatrolPlans(db, { area: area.def.id, turno })).length === 0) unplanned.push(turno);
  if (unplanned.length > 0) {
    const planned = performance.now();
    for (const turno of unplanned) {
      const { plan } = await makePatrolPlan(db, {
        area: area.def.id,
        turno,
        units: DEMO_UNITS,
        actor: cliAuditContext(),
      });
      out.write(
        `Plan de patrullaje ${turno} del ${plan.day}: ${plan.areas.length} áreas para ${DEMO_UNITS} unidades, ${((100 * plan.expectedCovered) / (plan.expectedTotal || 1)).toFixed(1)} % del delito esperado (plan ${plan.id})\n`,
      );
    }
    out.write(`Planes guardados en ${((performance.now() - planned) / 1000).toFixed(1)} s\n\n`);
  }
  const cats = Object.keys(CRIME_CATEGORIES).filter(isCategory).join(', ');
  out.write(
    `Siguientes pasos / next steps:\n` +
      `  npx vigia incidents --from 2025-12-01 -d 070102 -c robo     consultar incidentes\n` +
      `  npx vigia stats --from 2025-01-01 --to 2025-03-31           conteos distrito × mes × categoría\n` +
      `  npx vigia ingest archivo.csv -f sidpol-geo                  cargar datos reales\n` +
      `  npx vigia user add admin --role admin                       primer administrador (API y tablero)\n` +
      `  npx vigia user add efectivo --role officer                  un efectivo; luego su sector:\n` +
      `  npx vigia user set efectivo --sector callao:070101          y verá "Mi turno" en el tablero\n` +
      `  npx vigia plan --turno noche --units 40                     plan de patrullaje de un turno\n` +
      `  npx vigia backtest --from 2025-07-01 --to 2026-01-01        evaluar modelos contra naive y aleatorio\n` +
      `  npx vigia --help                                            todos los comandos\n` +
      `Categorías: ${cats}\n` +
      `Datos en ${config.dataDir} (la base embebida se detiene con el servidor; si quedó activa: npx vigia db stop)\n`,
  );
}
