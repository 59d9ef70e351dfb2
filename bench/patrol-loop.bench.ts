/**
 * The patrol feedback loop end to end (issue 12): synthetic Callao, then K weekly rounds of
 *
 *   forecast (per turno, group all, the real forecast service) → patrol plans for every turno
 *   (makePatrolPlan) → simulated officers who follow the plan (check-in / check-out through
 *   recordPatrolLog, with skipped visits and noisy durations) → incidents the patrols discover, a
 *   Poisson number per visit at the SAME rate everywhere (so any pull towards patrolled places is
 *   the loop, not crime), ingested as a SIDPOL CSV with canal "intervención policial" through the
 *   normal ingest path → next week's forecast,
 *
 * run twice from the same database (a template copy) and the same seeds: WITH the Ensign et al.
 * (2018) correction (the default) and WITHOUT it (`feedbackCorrection: false`). Per round it measures
 * the concentration of patrol (share of the week's patrol minutes in the top 1 % / 5 % of valid cells,
 * Gini of minutes over valid cells), lock-in (share of the plan's areas that share a cell with the
 * same turno's plan of the week before; share of planned cells planned the week before), and the hit
 * rate of the plans on the week's crimes reported by the public in the synthetic data (never the
 * simulated discoveries). At the end, patrolDisparity and patrolEffect over the last 4 rounds of each
 * arm. A fresh embedded PostgreSQL server under /tmp, removed afterwards.
 *
 *   node --import tsx bench/patrol-loop.bench.ts [--rounds 8] [--units 30] [--model sepp-grid]
 *     [--years 3] [--volume 30000] [--first 2025-10-06] [--rate 0.5] [--skip 0.15] [--seed 1]
 *     [--cell-size 150] [--config '{"windowDays":28}'] [--json FILE]
 *
 * Results are recorded in docs/prevention.md ("End to end on synthetic Callao") and bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DEFAULT_DB_SETTINGS } from '../src/config/env.ts';
import type { Principal } from '../src/core/access.ts';
import { cellCenter, cellOf } from '../src/core/grid.ts';
import { mulberry32 } from '../src/core/random.ts';
import type { CrimeCategory } from '../src/core/taxonomy.ts';
import { localToUtc, parseDay, TURNO_BANDS, TURNOS, type Turno, utcToLocal } from '../src/core/time.ts';
import { gridForArea } from '../src/geo/area-grid.ts';
import { changeUser, createUser } from '../src/services/accounts.ts';
import { getStudyArea } from '../src/services/areas.ts';
import type { AuditContext } from '../src/services/audit.ts';
import { writeDemoCsv } from '../src/services/demo.ts';
import { forecast } from '../src/services/forecast.ts';
import { ingestFile } from '../src/services/ingest.ts';
import { patrolDisparity, patrolEffect } from '../src/services/patrol-accountability.ts';
import { patrolExposure, recordPatrolLog } from '../src/services/patrol-logs.ts';
import { makePatrolPlan, type StoredPatrolPlan } from '../src/services/patrol-plans.ts';
import type { Db } from '../src/storage/db.ts';
import { startEmbedded } from '../src/storage/embedded.ts';
import { loadEvents } from '../src/storage/events.ts';
import { openStore } from '../src/storage/store.ts';
import { DISTRICT_PROFILES, SIDPOL_GEO_COLUMNS, SYNTHETIC_TAXONOMY } from '../src/synthetic/generator.ts';
import { freePort } from '../src/test/postgres-server.ts';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? String(argv[i + 1]) : fallback;
};
const num = (name: string, fallback: number): number => Number(arg(name, String(fallback)));
const ROUNDS = num('rounds', 8);
const UNITS = num('units', 30);
const MODEL = arg('model', 'sepp-grid');
/** The model's options as JSON, e.g. '{"windowDays":28}' for naive-counts. */
const MODEL_CONFIG: unknown = JSON.parse(arg('config', '{}'));
const YEARS = num('years', 3);
const VOLUME = num('volume', 30_000);
const FIRST = arg('first', '2025-10-06');
/** Discoveries per 15 minutes of patrol, the same in every cell. */
const RATE = num('rate', 0.5);
/** Share of planned visits the officers skip. */
const SKIP = num('skip', 0.15);
const SEED = num('seed', 1);
const CELL = num('cell-size', 150);
const JSON_OUT = argv.includes('--json') ? arg('json', '') : '';
/** What `vigia start` and `vigia forecast` pass by default (VIGIA_PATROL_EXCLUDE). */
const EXCLUDE: CrimeCategory[] = ['drogas', 'armas'];
const DAY_MS = 86_400_000;
const AREA = 'callao';
const actor: AuditContext = { actor: 'bench:patrol-loop', role: null, ip: null, requestId: null };

const started = performance.now();
const work = mkdtempSync(join(tmpdir(), 'vigia-patrol-loop-'));
const server = await startEmbedded({ dataDir: work, port: await freePort() });
const auditKey = randomBytes(32);
const urlOf = (name: string) => server.url.replace(/\/vigia$/, `/${name}`);
const admin = async (sql: string) => {
  const c = new pg.Client({ connectionString: urlOf('postgres') });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
};
const open = (name: string) =>
  openStore({
    databaseUrl: urlOf(name),
    dataDir: work,
    auditKey,
    embeddedPort: 0,
    db: DEFAULT_DB_SETTINGS,
  });

const days = Array.from({ length: ROUNDS }, (_, r) => addDays(FIRST, 7 * r));
function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T12:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

try {
  // ── The common start: synthetic Callao through the real ingest path ──
  await admin('create database loop_base');
  const base = await open('loop_base');
  const area = await getStudyArea(base, AREA);
  const tz = area.def.timeZone;
  const startYear = Number(FIRST.slice(0, 4)) - YEARS + 1;
  const demo = join(work, 'demo.csv');
  const written = await writeDemoCsv(
    area,
    { seed: SEED, years: YEARS, annualVolume: VOLUME, start: `${startYear}-01-01` },
    demo,
  );
  const dataEnd = addDays(`${startYear + YEARS}-01-01`, -1);
  if (addDays(days.at(-1) as string, 6) > dataEnd)
    throw new Error(`--rounds ${ROUNDS} from --first ${FIRST} run past the synthetic data (${dataEnd})`);
  const ingest = await ingestFile(base, { file: demo, adapter: 'sidpol-geo', area: AREA, audit: actor });
  const { grid, mask, validCells } = gridForArea(area, { cellSize: CELL });
  // The truth to score plans on: crimes reported by the public in the synthetic data, per round × turno.
  const t0 = parseDay(FIRST, tz, 'first').getTime();
  const loaded = await loadEvents(base, { area: AREA, from: t0, to: t0 + 7 * ROUNDS * DAY_MS });
  const truth = days.map(() => new Map<Turno, number[]>(TURNOS.map((t) => [t, []])));
  for (let i = 0; i < loaded.events.length; i++) {
    if (loaded.discovered[i] === 1) continue;
    const t = loaded.events.t[i] as number;
    const c = cellOf(grid, loaded.events.x[i] as number, loaded.events.y[i] as number);
    if (c < 0 || mask[c] !== 1) continue;
    const round = Math.floor((t - t0) / (7 * DAY_MS));
    const band = TURNO_BANDS.find((b) => {
      const h = utcToLocal(t, tz).hour;
      return h >= b.fromHour && h < b.toHour;
    });
    truth[round]?.get(band?.turno as Turno)?.push(c);
  }
  await base.close();
  const setupSeconds = (performance.now() - started) / 1000;
  console.error(
    `synthetic: ${written.rows} rows, ${ingest.accepted} loaded, ${validCells} valid cells, setup ${setupSeconds.toFixed(0)} s`,
  );

  const arms = [];
  for (const correction of [true, false]) {
    const name = correction ? 'loop_with' : 'loop_without';
    await admin(`create database ${name} template loop_base`);
    const db = await open(name);
    const armStart = performance.now();
    try {
      arms.push({
        correction,
        ...(await runArm(db, correction)),
        seconds: (performance.now() - armStart) / 1000,
      });
    } finally {
      await db.close();
    }
  }

  const result = {
    settings: {
      rounds: ROUNDS,
      first: FIRST,
      units: UNITS,
      model: MODEL,
      modelConfig: MODEL_CONFIG,
      cellSize: CELL,
      validCells,
      discoveryRatePer15Min: RATE,
      skipShare: SKIP,
      seed: SEED,
      synthetic: { years: YEARS, volume: VOLUME, rows: written.rows, loaded: ingest.accepted },
      exclude: EXCLUDE,
    },
    arms,
    seconds: {
      setup: Number(setupSeconds.toFixed(1)),
      total: Number(((performance.now() - started) / 1000).toFixed(1)),
    },
    machine: {
      cpus: cpus().length,
      loadavg: loadavg().map((l) => Number(l.toFixed(2))),
      node: process.version,
    },
    date: new Date().toISOString(),
  };
  if (JSON_OUT) writeFileSync(JSON_OUT, `${JSON.stringify(result, null, 2)}\n`);
  printTable(result.arms);
  console.log(
    JSON.stringify({ settings: result.settings, seconds: result.seconds, machine: result.machine }, null, 2),
  );

  /** A random point of a cell inside the cell's district (the centre when 8 tries fall outside it). */
  function pointIn(cell: number, district: number, rand: () => number): [number, number] {
    const [cx, cy] = cellCenter(grid, cell, [0, 0]) as [number, number];
    for (let i = 0; i < 8; i++) {
      const x = cx + (rand() - 0.5) * CELL;
      const y = cy + (rand() - 0.5) * CELL;
      const at = area.locate(x, y);
      if (at.kind === 'district' && at.index === district)
        return area.projection.inverse(x, y) as [number, number];
    }
    return area.projection.inverse(cx, cy) as [number, number];
  }

  // ── One arm: K weekly rounds ──
  async function runArm(db: Db, correction: boolean) {
    // Officer k of a district patrols its k-th area of each plan (an account with that sector).
    const officers = new Map<string, Promise<Principal>>();
    const officer = (code: string, k: number): Promise<Principal> => {
      const key = `${code}-${k}`;
      let p = officers.get(key);
      if (!p) {
        const username = `agente-${key}`;
        p = createUser(db, { username, role: 'officer', password: 'clave-larga-123' }, actor).then(
          async (u) => {
            await changeUser(db, u.id, { sector: { area: AREA, code } }, actor);
            return {
              userId: u.id,
              username,
              role: 'officer',
              scopes: ['read'],
              via: 'token',
            } satisfies Principal;
          },
        );
        officers.set(key, p);
      }
      return p;
    };
    const rounds = [];
    let previous = new Map<Turno, StoredPatrolPlan>();
    let nextId = 1;
    const uuid = () => `00000000-0000-4000-8000-${String(nextId++).padStart(12, '0')}`;
    let objectId = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const day = days[r] as string;
      const rand = mulberry32(SEED * 1000 + r);
      const made = await forecast(db, {
        area: AREA,
        day,
        horizon: 'turno',
        groups: ['all'],
        model: MODEL,
        config: MODEL_CONFIG,
        cellSize: CELL,
        seed: SEED,
        feedbackCorrection: correction,
        exclude: EXCLUDE,
        audit: actor,
      });
      const fc = made[0]?.feedbackCorrection ?? null;
      const plans = new Map<Turno, StoredPatrolPlan>();
      const rows: string[] = [];
      let visits = 0;
      let skipped = 0;
      for (const turno of TURNOS) {
        const { plan } = await makePatrolPlan(db, {
          area: AREA,
          day,
          turno,
          group: 'all',
          units: UNITS,
          actor,
        });
        plans.set(turno, plan);
        const band = TURNO_BANDS.find((b) => b.turno === turno) as { fromHour: number };
        const [y, m, d] = day.split('-').map(Number) as [number, number, number];
        const turnoStart = localToUtc(
          { year: y, month: m, day: d, hour: band.fromHour, minute: 0, second: 0 },
          tz,
        );
        const { minutesPerVisit, pauseMinutes, visits: perArea } = plan.settings.dosage;
        // Each area is one unit, i.e. one officer of its district; the schedule is drawn up front
        // (same stream order in both arms), then the officers' logs go in concurrently.
        const perDistrict = new Map<string, number>();
        const jobs: { who: Promise<Principal>; entries: { order: number; from: number; to: number }[] }[] =
          [];
        for (const a of plan.areas) {
          const k = perDistrict.get(a.code) ?? 0;
          perDistrict.set(a.code, k + 1);
          const offset = Math.floor(rand() * 40);
          const entries = [];
          for (let v = 0; v < perArea; v++) {
            const from = turnoStart + (offset + v * (minutesPerVisit + pauseMinutes)) * 60_000;
            const minutes = Math.max(1, Math.round(minutesPerVisit * (0.7 + 0.6 * rand())));
            if (rand() < SKIP) {
              skipped++;
              continue;
            }
            entries.push({ order: a.order, from, to: from + minutes * 60_000 });
            // Discoveries: Poisson(RATE per 15 minutes), in a random cell of the area, during the visit.
            for (let n = poisson(rand, (RATE * minutes) / 15); n > 0; n--) {
              const cell = a.cells[Math.floor(rand() * a.cells.length)] as number;
              const [lon, lat] = pointIn(cell, area.districtIndex(a.code), rand);
              const at = from + Math.floor(rand() * minutes * 60_000);
              const kind = rand() < 0.6 ? 'hurto' : 'robo';
              const variants = SYNTHETIC_TAXONOMY[kind];
              const lab = variants[Math.floor(rand() * variants.length)] as (typeof variants)[number];
              const profile = DISTRICT_PROFILES.find((p) => p.code === a.code);
              const local = utcToLocal(at, tz);
              const row: Record<string, string> = {
                objectid: `LOOP${correction ? 'C' : 'N'}-${String(++objectId).padStart(7, '0')}`,
                fecha_hora_hecho: String(at),
                fecha_hora_registro_hecho: String(at + 30 * 60_000),
                ano_hecho: String(local.year),
                mes_hecho: String(local.month),
                dia_hecho: String(local.day),
                departamento_hecho: 'CALLAO',
                provincia_hecho: 'CALLAO',
                distrito_hecho: profile?.sidpolName ?? '',
                ubigeo_hecho_delito: String(Number(a.code)),
                materia_hecho: lab.materia,
                tipo_hecho: lab.tipo,
                subtipo_hecho: lab.subtipo,
                modalidad_hecho: lab.modalidad,
                es_delito_x: lab.esDelito,
                turno_hecho: turno,
                lat_hecho: lat.toFixed(6),
                long_hecho: lon.toFixed(6),
                estado_coord: 'CON COORDENADA',
                fuente: 'SIMULACION BUCLE DE PATRULLAJE',
                canal: 'intervención policial',
              };
              rows.push(SIDPOL_GEO_COLUMNS.map((c) => csv(row[c] ?? '')).join(','));
            }
          }
          visits += entries.length;
          jobs.push({ who: officer(a.code, k), entries });
        }
        await pool(
          jobs.map((j) => async () => {
            const who = await j.who;
            for (const e of j.entries) {
              const inId = uuid();
              const common = { planId: plan.id, areaOrder: e.order };
              await recordPatrolLog(
                db,
                who,
                { id: inId, kind: 'check-in', ...common, at: new Date(e.from) },
                actor,
              );
              await recordPatrolLog(
                db,
                who,
                {
                  id: uuid(),
                  kind: 'check-out',
                  ...common,
                  checkIn: inId,
                  at: new Date(e.to),
                  report: 'sin novedad',
                },
                actor,
              );
            }
          }),
          6,
        );
      }
      // The week's discoveries through the normal ingest path (one CSV per week).
      const file = join(work, `descubiertos-${correction ? 'con' : 'sin'}-${day}.csv`);
      writeFileSync(file, `${SIDPOL_GEO_COLUMNS.join(',')}\n${rows.join('\n')}\n`);
      const loadedWeek = await ingestFile(db, { file, adapter: 'sidpol-geo', area: AREA, audit: actor });
      if (loadedWeek.rejected > 0)
        throw new Error(
          `${loadedWeek.rejected} simulated rows rejected: ${JSON.stringify(loadedWeek.rejects)}`,
        );

      // Measures of the round.
      const exposure = await patrolExposure(db, { area: AREA, from: day, to: day });
      const minutes: number[] = [];
      for (let c = 0; c < mask.length; c++) if (mask[c] === 1) minutes.push(exposure.minutes[c] ?? 0);
      minutes.sort((a, b) => b - a);
      const total = minutes.reduce((s, v) => s + v, 0);
      const top = (share: number) =>
        minutes.slice(0, Math.ceil(share * minutes.length)).reduce((s, v) => s + v, 0) / total;
      let repeatedAreas = 0;
      let areas = 0;
      let repeatedCells = 0;
      let cells = 0;
      let hits = 0;
      let crimes = 0;
      for (const turno of TURNOS) {
        const plan = plans.get(turno) as StoredPatrolPlan;
        const before = new Set(previous.get(turno)?.areas.flatMap((a) => a.cells) ?? []);
        const now = new Set<number>();
        for (const a of plan.areas) {
          areas++;
          if (a.cells.some((c) => before.has(c))) repeatedAreas++;
          for (const c of a.cells) {
            now.add(c);
            cells++;
            if (before.has(c)) repeatedCells++;
          }
        }
        for (const c of truth[r]?.get(turno) ?? []) {
          crimes++;
          if (now.has(c)) hits++;
        }
      }
      const round = {
        round: r + 1,
        day,
        correction: fc
          ? { discovered: fc.discovered, dropped: fc.dropped, plans: fc.plans, visits: fc.visits }
          : null,
        visits,
        skipped,
        discovered: rows.length,
        patrolMinutes: total,
        patrolledCells: minutes.filter((v) => v > 0).length,
        top1: round4(top(0.01)),
        top5: round4(top(0.05)),
        gini: round4(gini(minutes)),
        lockInAreas: r === 0 ? null : round4(repeatedAreas / areas),
        lockInCells: r === 0 ? null : round4(repeatedCells / cells),
        plannedCells: cells,
        reportedCrimes: crimes,
        hits,
        hitRate: round4(hits / crimes),
      };
      rounds.push(round);
      console.error(`${correction ? 'con' : 'sin'} corrección, ronda ${r + 1}: ${JSON.stringify(round)}`);
      previous = plans;
    }
    // Accountability over the last 4 rounds (their plan days and the days after).
    const from = days[Math.max(0, ROUNDS - 4)] as string;
    const to = addDays(days.at(-1) as string, 6);
    const disparity = await patrolDisparity(db, { area: AREA, from, to, group: 'all' }, 'full', actor);
    const effect = await patrolEffect(db, { area: AREA, from, to, group: 'all' }, actor);
    return {
      rounds,
      disparity: {
        from,
        to,
        flags: disparity.turnos.flatMap((t) => t.districts.flatMap((d) => d.flags.map((f) => f.text))),
        districts: disparity.turnos.flatMap((t) =>
          t.districts.map((d) => ({
            turno: t.turno,
            code: d.code,
            patrolShare: d.patrolShare === null ? null : round4(d.patrolShare),
            riskShare: d.riskShare === null ? null : round4(d.riskShare),
            reportedShare: d.reportedShare === null ? null : round4(d.reportedShare),
          })),
        ),
      },
      effect: {
        from,
        to,
        patrolled: effect.patrolled,
        comparable: effect.comparable,
        unmatched: effect.unmatched,
        skipped: effect.skipped,
        rateRatio: effect.rateRatio === null ? null : round4(effect.rateRatio),
        interval: effect.interval?.map(round4) ?? null,
      },
    };
  }
} finally {
  await server.release();
  rmSync(work, { recursive: true, force: true });
}

function printTable(arms: { correction: boolean; rounds: Record<string, unknown>[] }[]): void {
  const cols = [
    'round',
    'day',
    'discovered',
    'patrolledCells',
    'top1',
    'top5',
    'gini',
    'lockInAreas',
    'lockInCells',
    'hitRate',
  ];
  for (const arm of arms) {
    console.log(`\n${arm.correction ? 'WITH' : 'WITHOUT'} the correction`);
    console.log(cols.join('\t'));
    for (const r of arm.rounds) console.log(cols.map((c) => String(r[c] ?? '—')).join('\t'));
  }
}

function round4(v: number): number {
  return Number(v.toFixed(4));
}

/** Gini coefficient of non-negative values (0: equal, → 1: all in one). */
function gini(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  const sum = v.reduce((s, x) => s + x, 0);
  if (sum === 0) return 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) weighted += (i + 1) * (v[i] as number);
  return (2 * weighted) / (n * sum) - (n + 1) / n;
}

/** Knuth's Poisson sampler (small means). */
function poisson(rand: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rand();
  while (p > limit) {
    k++;
    p *= rand();
  }
  return k;
}

function csv(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

async function pool(tasks: (() => Promise<void>)[], width: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, tasks.length) }, async () => {
      while (next < tasks.length) await (tasks[next++] as () => Promise<void>)();
    }),
  );
}
