/**
 * Crime-type classification: given place, time and context, the probability of each crime type.
 *
 * `evaluateCrimeTypes` trains every classifier on an earlier period and scores it on a later one
 * (log loss with bootstrap intervals, the paired difference against the class-prior baseline,
 * macro-F1, reliability curves); `writeCrimeTypeReport` writes the JSON and a self-contained HTML
 * page with the curves drawn. `mostLikelyTypes` answers the map's cell panel ("most likely here this
 * turno"). Labels are the finest the source has (storage/labelled-events.ts); restricted rows never
 * reach a model, so protected categories are never a class.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseClasses, priorOf } from '../classify/classes.ts';
import {
  CLASSIFIER_KINDS,
  CLASSIFIER_LABELS,
  type ClassifierKind,
  type ClassifierOptions,
  fitClassifier,
} from '../classify/classifiers.ts';
import { CONTEXT_WINDOWS, incidentFeatures, LONGEST_CONTEXT_DAYS } from '../classify/features.ts';
import { InsufficientDataError, NotFoundError, ValidationError } from '../core/errors.ts';
import { cellCenter, cellCount } from '../core/grid.ts';
import { localTimeOfDayMs, localToUtc, parseDay, TURNO_BANDS, type Turno } from '../core/time.ts';
import { type ClassificationScores, rowLogLoss, scoreClassifier } from '../evaluation/classification.ts';
import { holidayCountryOf } from '../features/holidays.ts';
import { gridForArea } from '../geo/area-grid.ts';
import type { StudyArea } from '../geo/study-area.ts';
import type { Db } from '../storage/db.ts';
import { getForecast, latestForecastMeta } from '../storage/forecasts.ts';
import { type LabelledEvents, loadLabelledEvents } from '../storage/labelled-events.ts';
import { getStudyArea } from './areas.ts';

const DAY_MS = 86_400_000;
/** Fewest training rows a label needs to be its own class (default). */
export const DEFAULT_MIN_CLASS_COUNT = 50;
/** The classifiers `evaluateCrimeTypes` runs by default (the prior always runs). */
export const DEFAULT_CLASSIFIERS: readonly ClassifierKind[] = ['svm', 'gbt', 'forest', 'mlp'];

/** Settings of `evaluateCrimeTypes`. Days are local 'YYYY-MM-DD'; periods are [from, to). */
export interface CrimeTypeEvaluationOptions extends ClassifierOptions {
  area: string;
  trainFrom: string;
  trainTo: string;
  testFrom: string;
  testTo: string;
  models?: readonly string[];
  minClassCount?: number;
  onProgress?: (message: string) => void;
}

/** One classifier's result. */
export interface CrimeTypeModelResult {
  kind: ClassifierKind;
  name: string;
  trainRows: number;
  seconds: number;
  scores: ClassificationScores;
}

/** The report of an evaluation. */
export interface CrimeTypeReport {
  kind: 'crime-type-classification';
  area: string;
  timeZone: string;
  created: string;
  train: { from: string; to: string; rows: number };
  test: { from: string; to: string; rows: number };
  classes: { name: string; trainShare: number; testCount: number }[];
  features: string[];
  settings: Record<string, unknown>;
  models: CrimeTypeModelResult[];
}

/** District index of every point (−1: none); undefined when the area has no districts. */
function districtsOf(area: StudyArea, x: ArrayLike<number>, y: ArrayLike<number>): Int16Array | undefined {
  if (area.def.districts.length === 0) return undefined;
  return Int16Array.from({ length: x.length }, (_, i) => {
    const where = area.locate(x[i] as number, y[i] as number);
    return where.kind === 'district' ? where.index : -1;
  });
}

function rowsIn(ev: LabelledEvents, from: number, to: number): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < ev.length; i++)
    if ((ev.t[i] as number) >= from && (ev.t[i] as number) < to) out.push(i);
  return Int32Array.from(out);
}

function pick(cols: readonly Float32Array[], rows: Int32Array): Float32Array[] {
  return cols.map((c) => Float32Array.from(rows, (i) => c[i] as number));
}

function parseModels(models: readonly string[] | undefined): ClassifierKind[] {
  const list = models?.length ? models : DEFAULT_CLASSIFIERS;
  for (const m of list)
    if (!(CLASSIFIER_KINDS as readonly string[]).includes(m))
      throw new ValidationError('models', `modelo desconocido "${m}" (hay ${CLASSIFIER_KINDS.join(', ')})`);
  return ['prior', ...new Set(list.filter((m) => m !== 'prior'))] as ClassifierKind[];
}

/**
 * Trains the classifiers on the training period and scores them on the test period.
 * @throws ValidationError for bad days, overlapping periods or an unknown model
 * @throws InsufficientDataError when a period has no labelled incident
 */
export async function evaluateCrimeTypes(db: Db, o: CrimeTypeEvaluationOptions): Promise<CrimeTypeReport> {
  const area = await getStudyArea(db, o.area);
  const tz = area.def.timeZone;
  const trainFrom = parseDay(o.trainFrom, tz, 'train-from').getTime();
  const trainTo = parseDay(o.trainTo, tz, 'train-to').getTime();
  const testFrom = parseDay(o.testFrom, tz, 'test-from').getTime();
  const testTo = parseDay(o.testTo, tz, 'test-to').getTime();
  if (trainFrom >= trainTo) throw new ValidationError('train-to', 'debe ser posterior a train-from');
  if (testFrom >= testTo) throw new ValidationError('test-to', 'debe ser posterior a test-from');
  if (testFrom < trainTo)
    throw new ValidationError(
      'test-from',
      'el periodo de prueba debe empezar cuando termina el de entrenamiento o después',
    );
  const models = parseModels(o.models);
  const minCount = o.minClassCount ?? DEFAULT_MIN_CLASS_COUNT;
  const seed = o.seed ?? 1;

  // History reaches back the longest context window before training starts.
  const maxWindow = LONGEST_CONTEXT_DAYS;
  const ev = await loadLabelledEvents(db, { area: o.area, from: trainFrom - maxWindow * DAY_MS, to: testTo });
  const trainRows = rowsIn(ev, trainFrom, trainTo);
  const testRows = rowsIn(ev, testFrom, testTo);
  if (trainRows.length === 0 || testRows.length === 0)
    throw new InsufficientDataError(
      `no hay incidentes ubicados con hora exacta en el periodo de ${trainRows.length === 0 ? 'entrenamiento' : 'prueba'}`,
    );
  const classes = chooseClasses(
    Array.from(trainRows, (i) => ev.label[i] as number),
    ev.labels,
    minCount,
  );
  const k = classes.names.length;
  const cls = Int32Array.from(ev.label, (l) => classes.ofLabel[l] as number);
  const yTrain = Int32Array.from(trainRows, (i) => cls[i] as number);
  const yTest = Int32Array.from(testRows, (i) => cls[i] as number);
  const prior = priorOf(yTrain, k);
  const country = holidayCountryOf(tz);
  o.onProgress?.(`variables de ${ev.length} incidentes`);
  const features = incidentFeatures(
    { t: ev.t, known: ev.known, x: ev.x, y: ev.y, cls },
    { t: ev.t, x: ev.x, y: ev.y, district: districtsOf(area, ev.x, ev.y) },
    { timeZone: tz, prior, ...(country ? { country } : {}) },
  );
  const xTrain = pick(features.columns, trainRows);
  const xTest = pick(features.columns, testRows);

  const results: CrimeTypeModelResult[] = [];
  let reference: Float64Array | null = null;
  for (const kind of models) {
    o.onProgress?.(`entrenando ${CLASSIFIER_LABELS[kind]}`);
    const started = performance.now();
    const model = await fitClassifier(kind, xTrain, yTrain, k, o);
    try {
      const p = await model.predictProba(xTest);
      const seconds = (performance.now() - started) / 1000;
      const scores = scoreClassifier(p, k, yTest, { reference, seed });
      if (kind === 'prior') reference = rowLogLoss(p, k, yTest);
      results.push({ kind, name: CLASSIFIER_LABELS[kind], trainRows: model.trainRows, seconds, scores });
    } finally {
      model.dispose();
    }
  }
  const testCounts = new Float64Array(k);
  for (const c of yTest) testCounts[c] = (testCounts[c] as number) + 1;
  return {
    kind: 'crime-type-classification',
    area: o.area,
    timeZone: tz,
    created: new Date().toISOString(),
    train: { from: o.trainFrom, to: o.trainTo, rows: trainRows.length },
    test: { from: o.testFrom, to: o.testTo, rows: testRows.length },
    classes: classes.names.map((name, c) => ({
      name,
      trainShare: prior[c] as number,
      testCount: testCounts[c] as number,
    })),
    features: features.names,
    settings: {
      minClassCount: minCount,
      seed,
      svmMaxRows: o.svmMaxRows ?? 5000,
      contextWindows: CONTEXT_WINDOWS,
      ...(o.gbtIterations ? { gbtIterations: o.gbtIterations } : {}),
      ...(o.forestTrees ? { forestTrees: o.forestTrees } : {}),
      ...(o.mlpEpochs ? { mlpEpochs: o.mlpEpochs } : {}),
    },
    models: results,
  };
}

// --- the map's cell panel -----------------------------------------------------------------------------

/**
 * Where and when to ask. Give `x`/`y` (metres in the area's CRS) or `cell` and `cellSize`. Without a
 * turno: the whole day (the four turnos mixed by their shares of the training incidents).
 */
export interface MostLikelyQuery {
  area: string;
  day: string;
  turno?: Turno;
  x?: number;
  y?: number;
  cell?: number;
  cellSize?: number;
  /** How many types to return, default 5. */
  top?: number;
}

/** The answer: types by probability, and what the model was trained on. */
export interface MostLikelyTypes {
  area: string;
  day: string;
  turno: Turno | null;
  model: ClassifierKind;
  trainedOn: { from: string; to: string; rows: number };
  types: { type: string; probability: number }[];
}

/** Training days before the asked day, and the history the context needs before them. */
const PANEL_TRAIN_DAYS = 365;

interface PanelModel {
  classes: string[];
  k: number;
  prior: Float64Array;
  history: { t: Float64Array; known: Float64Array; x: Float64Array; y: Float64Array; cls: Int32Array };
  model: Awaited<ReturnType<typeof fitClassifier>>;
  rows: number;
  /** Share of the training incidents in each turno (TURNO_BANDS order): the whole day's mixture. */
  turnoShare: Float64Array;
}

/** Fitted panel models per store, area and day (a few kept: a fit takes seconds). */
const panelCache = new WeakMap<Db, Map<string, Promise<PanelModel>>>();
const PANEL_CACHE_SIZE = 8;

async function panelModel(db: Db, area: StudyArea, day: string, dayStart: number): Promise<PanelModel> {
  const tz = area.def.timeZone;
  const ev = await loadLabelledEvents(db, {
    area: area.def.id,
    from: dayStart - 2 * PANEL_TRAIN_DAYS * DAY_MS,
    to: dayStart,
  });
  const trainRows = rowsIn(ev, dayStart - PANEL_TRAIN_DAYS * DAY_MS, dayStart);
  if (trainRows.length === 0)
    throw new InsufficientDataError(
      `no hay incidentes ubicados con hora exacta en el año anterior al ${day}`,
    );
  const classes = chooseClasses(
    Array.from(trainRows, (i) => ev.label[i] as number),
    ev.labels,
    Math.max(10, Math.min(DEFAULT_MIN_CLASS_COUNT, Math.floor(trainRows.length / 100))),
  );
  const k = classes.names.length;
  const cls = Int32Array.from(ev.label, (l) => classes.ofLabel[l] as number);
  const yTrain = Int32Array.from(trainRows, (i) => cls[i] as number);
  const prior = priorOf(yTrain, k);
  const country = holidayCountryOf(tz);
  const history = { t: ev.t, known: ev.known, x: ev.x, y: ev.y, cls };
  const features = incidentFeatures(
    history,
    { t: ev.t, x: ev.x, y: ev.y, district: districtsOf(area, ev.x, ev.y) },
    { timeZone: tz, prior, ...(country ? { country } : {}) },
  );
  const model = await fitClassifier('gbt', pick(features.columns, trainRows), yTrain, k, {
    gbtIterations: 100,
  });
  const turnoShare = new Float64Array(TURNO_BANDS.length);
  for (const i of trainRows) {
    const hour = Math.floor(localTimeOfDayMs(ev.t[i] as number, tz) / 3_600_000);
    const b = TURNO_BANDS.findIndex((x) => hour >= x.fromHour && hour < x.toHour);
    turnoShare[b] = (turnoShare[b] as number) + 1 / trainRows.length;
  }
  return { classes: classes.names, k, prior, history, model, rows: trainRows.length, turnoShare };
}

/**
 * The most likely crime types at a place during one turno of a day, from boosted trees trained on
 * the year before the day (features of a hypothetical incident at the middle of the turno); without
 * a turno, the four turnos' answers mixed by each turno's share of the training incidents.
 * Concurrent first calls for one store, area and day share one fit (the cache holds the promise).
 * @throws ValidationError for a bad day, turno or place
 * @throws InsufficientDataError when the year before the day has no labelled incident
 */
export async function mostLikelyTypes(db: Db, q: MostLikelyQuery): Promise<MostLikelyTypes> {
  const area = await getStudyArea(db, q.area);
  const tz = area.def.timeZone;
  const dayStart = parseDay(q.day, tz, 'day').getTime();
  const bands = q.turno === undefined ? TURNO_BANDS : TURNO_BANDS.filter((b) => b.turno === q.turno);
  if (bands.length === 0) throw new ValidationError('turno', `turno desconocido "${q.turno}"`);
  let x = q.x;
  let y = q.y;
  if (q.cell !== undefined) {
    const { grid, mask } = gridForArea(area, { cellSize: q.cellSize ?? 150 });
    if (!Number.isInteger(q.cell) || q.cell < 0 || q.cell >= cellCount(grid) || !mask[q.cell])
      throw new ValidationError('cell', `celda fuera del área: ${q.cell}`);
    const c = cellCenter(grid, q.cell, new Float64Array(2));
    x = c[0] as number;
    y = c[1] as number;
  }
  if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y))
    throw new ValidationError('cell', 'indique una celda o un punto x, y');
  if (area.locate(x, y).kind === 'outside')
    throw new ValidationError('x', 'el punto está fuera del área de estudio');

  let byKey = panelCache.get(db);
  if (!byKey) {
    byKey = new Map();
    panelCache.set(db, byKey);
  }
  const key = `${q.area}|${q.day}`;
  let entry = byKey.get(key);
  if (!entry) {
    entry = panelModel(db, area, q.day, dayStart);
    byKey.set(key, entry);
    entry.catch(() => byKey?.delete(key));
    while (byKey.size > PANEL_CACHE_SIZE) {
      const oldest = byKey.keys().next().value as string;
      byKey.delete(oldest);
    }
  }
  const m = await entry;
  const [year, month, dayOfMonth] = q.day.split('-').map(Number) as [number, number, number];
  const t = bands.map((band) => {
    const middleHour = (band.fromHour + band.toHour) / 2;
    return localToUtc(
      {
        year,
        month,
        day: dayOfMonth,
        hour: Math.floor(middleHour),
        minute: (middleHour % 1) * 60,
        second: 0,
      },
      tz,
    );
  });
  const xs = bands.map(() => x as number);
  const ys = bands.map(() => y as number);
  const country = holidayCountryOf(tz);
  const f = incidentFeatures(
    m.history,
    {
      t,
      x: xs,
      y: ys,
      ...(area.def.districts.length ? { district: districtsOf(area, xs, ys) } : {}),
    },
    { timeZone: tz, prior: m.prior, ...(country ? { country } : {}) },
  );
  const p = await m.model.predictProba(f.columns);
  // One turno: its row. The whole day: the rows weighted by the turnos' training shares.
  const weight = bands.length === 1 ? [1] : Array.from(m.turnoShare);
  const mixed = new Float64Array(m.k);
  for (let r = 0; r < bands.length; r++)
    for (let c = 0; c < m.k; c++)
      mixed[c] = (mixed[c] as number) + (weight[r] as number) * (p[r * m.k + c] as number);
  const types = m.classes
    .map((type, c) => ({ type, probability: mixed[c] as number }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, q.top ?? 5);
  const from = new Date(dayStart - PANEL_TRAIN_DAYS * DAY_MS).toISOString().slice(0, 10);
  return {
    area: q.area,
    day: q.day,
    turno: q.turno ?? null,
    model: 'gbt',
    trainedOn: { from, to: q.day, rows: m.rows },
    types,
  };
}

/** The cell panel's question over HTTP: a cell of the grid of a stored forecast. */
export interface CellTypesQuery {
  area: string;
  /** Cell index in the grid of the forecast of `day` (the one the map shows). */
  cell: number;
  /** Local day 'YYYY-MM-DD'; default: the newest day with a stored forecast. */
  day?: string;
  /** Default: the whole day. */
  turno?: Turno;
  /** The crime group whose forecast grid `cell` refers to; default: any forecast of the day. */
  group?: string;
  top?: number;
}

/** The answer of `GET /api/v1/crime-types`: aggregate probabilities only, never an incident. */
export interface CellTypes {
  area: string;
  cell: number;
  day: string;
  turno: Turno | null;
  types: { label: string; probability: number }[];
  model: 'gbt';
  trainedOn: { from: string; to: string; incidents: number };
}

const dmy = (day: string): string => day.split('-').reverse().join('/');

/**
 * The most likely crime types at a cell of a stored forecast's grid (the map's cell panel).
 * @throws ValidationError for a bad day, turno or a cell outside that grid's area
 * @throws NotFoundError when the day (or the area, without a day) has no stored forecast
 * @throws InsufficientDataError when the year before the day has no labelled incident
 */
export async function cellCrimeTypes(db: Db, q: CellTypesQuery): Promise<CellTypes> {
  const area = await getStudyArea(db, q.area);
  if (q.day !== undefined) parseDay(q.day, area.def.timeZone, 'day');
  const metas = await latestForecastMeta(db, {
    area: area.def.id,
    ...(q.group ? { group: q.group } : {}),
    ...(q.day ? { day: q.day } : {}),
  });
  // Without a day each group's newest forecasts come back: the newest day of all is the current one.
  const meta = metas.reduce<(typeof metas)[number] | undefined>(
    (best, m) => (best === undefined || m.targetDay > best.targetDay ? m : best),
    undefined,
  );
  if (!meta)
    throw new NotFoundError(
      `No hay pronóstico ${q.day ? `para el ${dmy(q.day)}` : 'vigente'}${q.group ? ` del grupo "${q.group}"` : ''} en el área ${q.area}: la celda se refiere a la grilla de un pronóstico guardado`,
    );
  const stored = await getForecast(db, meta.id);
  if (!stored) throw new NotFoundError(`No existe el pronóstico ${meta.id}`);
  const { grid, mask } = stored.surface;
  const n = cellCount(grid);
  if (!Number.isInteger(q.cell) || q.cell < 0 || q.cell >= n || !mask[q.cell])
    throw new ValidationError(
      'cell',
      `la celda ${q.cell} no es una celda del área en la grilla del pronóstico del ${dmy(meta.targetDay)} (0 a ${n - 1})`,
    );
  const c = cellCenter(grid, q.cell, new Float64Array(2));
  const res = await mostLikelyTypes(db, {
    area: area.def.id,
    day: meta.targetDay,
    ...(q.turno ? { turno: q.turno } : {}),
    x: c[0] as number,
    y: c[1] as number,
    ...(q.top ? { top: q.top } : {}),
  });
  return {
    area: res.area,
    cell: q.cell,
    day: res.day,
    turno: res.turno,
    types: res.types.map((r) => ({ label: r.type, probability: r.probability })),
    model: 'gbt',
    trainedOn: { from: res.trainedOn.from, to: res.trainedOn.to, incidents: res.trainedOn.rows },
  };
}

// --- report files ---------------------------------------------------------------------------------------

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const COLOURS = ['#777', '#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

/** A reliability diagram (predicted vs observed) of every model's top class, as inline SVG. */
function reliabilitySvg(
  report: CrimeTypeReport,
  pick: (m: CrimeTypeModelResult) => ClassificationScores['reliability']['top'],
): string {
  const size = 320;
  const pad = 40;
  const s = (v: number) => pad + v * (size - 2 * pad);
  const yOf = (v: number) => size - s(v);
  const lines = report.models.map((m, i) => {
    const pts = pick(m)
      .filter((b) => b.n > 0)
      .map((b) => `${s(b.predicted as number).toFixed(1)},${yOf(b.observed as number).toFixed(1)}`);
    const colour = COLOURS[i % COLOURS.length];
    return `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.join(' ')}"/>${pts
      .map((p) => `<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="2.5" fill="${colour}"/>`)
      .join('')}`;
  });
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (v) =>
        `<text x="${s(v)}" y="${size - pad + 16}" font-size="10" text-anchor="middle">${v}</text><text x="${pad - 6}" y="${yOf(v) + 3}" font-size="10" text-anchor="end">${v}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
<rect x="${pad}" y="${pad}" width="${size - 2 * pad}" height="${size - 2 * pad}" fill="none" stroke="#ccc"/>
<line x1="${s(0)}" y1="${yOf(0)}" x2="${s(1)}" y2="${yOf(1)}" stroke="#bbb" stroke-dasharray="4 3"/>
${ticks}${lines.join('\n')}
<text x="${size / 2}" y="${size - 6}" font-size="11" text-anchor="middle">probabilidad predicha</text>
<text x="12" y="${size / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${size / 2})">frecuencia observada</text>
</svg>`;
}

function fmtInterval(v: [number, number], digits = 3): string {
  return `${v[0].toFixed(digits)}–${v[1].toFixed(digits)}`;
}

/** The report as a self-contained HTML page (tables and inline SVG; no external assets). */
export function crimeTypeReportHtml(report: CrimeTypeReport): string {
  const legend = report.models
    .map((m, i) => `<span style="color:${COLOURS[i % COLOURS.length]}">■</span> ${esc(m.name)}`)
    .join(' &nbsp; ');
  const rows = report.models
    .map(
      (m) =>
        `<tr><td>${esc(m.name)}</td><td>${m.scores.logLoss.toFixed(3)}</td><td>${fmtInterval(m.scores.logLossInterval95)}</td><td>${
          m.scores.vsReference
            ? `${m.scores.vsReference.difference.toFixed(3)} (${fmtInterval(m.scores.vsReference.interval95)})`
            : '—'
        }</td><td>${(100 * m.scores.macroF1).toFixed(1)} %</td><td>${(100 * m.scores.accuracy).toFixed(1)} %</td><td>${m.scores.calibrationError.toFixed(3)}</td><td>${m.trainRows}</td><td>${m.seconds.toFixed(1)} s</td></tr>`,
    )
    .join('\n');
  const perClass = report.classes
    .map((c, ci) => {
      const svg = reliabilitySvg(report, (m) => m.scores.reliability.perClass[ci] ?? []);
      return `<figure><figcaption>${esc(c.name)} (previa ${(100 * c.trainShare).toFixed(1)} %, ${c.testCount} en prueba)</figcaption>${svg}</figure>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="es"><head><meta charset="utf-8"><title>Clasificación de tipos de delito — ${esc(report.area)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}figure{display:inline-block;margin:0 1em 1em 0}figcaption{font-size:13px}</style>
</head><body>
<h1>Clasificación de tipos de delito — ${esc(report.area)}</h1>
<p>Entrenamiento ${esc(report.train.from)} a ${esc(report.train.to)} (${report.train.rows} incidentes), prueba ${esc(report.test.from)} a ${esc(report.test.to)} (${report.test.rows} incidentes), ${report.classes.length} clases. Periodos [desde, hasta). Generado ${esc(report.created)}.</p>
<table><thead><tr><th>modelo</th><th>log loss</th><th>IC 95 %</th><th>diferencia con la previa (IC 95 % pareado)</th><th>macro-F1</th><th>exactitud</th><th>ECE</th><th>filas de entrenamiento</th><th>tiempo</th></tr></thead>
<tbody>${rows}</tbody></table>
<h2>Confiabilidad de la clase más probable</h2>
<p>${legend}</p>
<figure>${reliabilitySvg(report, (m) => m.scores.reliability.top)}</figure>
<h2>Confiabilidad por clase (una contra el resto)</h2>
<p>${legend}</p>
${perClass}
</body></html>
`;
}

/** Writes the report as JSON and HTML; returns the paths. */
export function writeCrimeTypeReport(report: CrimeTypeReport, out: string): { json: string; html: string } {
  const base = out.replace(/\.(json|html)$/i, '');
  const dir = join(base, '..');
  mkdirSync(dir, { recursive: true });
  const paths = { json: `${base}.json`, html: `${base}.html` };
  writeFileSync(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(paths.html, crimeTypeReportHtml(report));
  return paths;
}
