/**
 * The forecast use case: for a target local day, fit the chosen model on the data known before the
 * day starts (the same cut as the backtest harness) and store one surface per crime group and per
 * turno (or for the whole day), with the model, its settings and the data cutoff. A run's surfaces
 * are written in one transaction: all of them or none.
 */
import { InsufficientDataError, NotFoundError, ValidationError } from '../core/errors.ts';
import { type EventSet, knownBefore, ofCategories } from '../core/events.ts';
import { cellCenter } from '../core/grid.ts';
import { type RiskSurface, surfaceToGeoJson, totalRisk, validCells } from '../core/risk-surface.ts';
import { CATEGORY_CODES, CRIME_GROUPS, type CrimeCategory } from '../core/taxonomy.ts';
import { rollingWindows } from '../evaluation/backtest/windows.ts';
import { gridForArea } from '../geo/area-grid.ts';
import type { StudyArea } from '../geo/study-area.ts';
import type { CellExplanation, Predictor } from '../models/predictor.ts';
import { getPredictor, PREDICTOR_KINDS } from '../models/registry.ts';
import type { Db } from '../storage/db.ts';
import { loadEvents } from '../storage/events.ts';
import {
  type ForecastMeta,
  type ForecastRecord,
  forecastDays,
  getForecast,
  latestForecastMeta,
  type StoredForecast,
  saveForecast,
} from '../storage/forecasts.ts';
import { currentChampions } from '../storage/model-lifecycle.ts';
import { areaFacts, getStudyArea } from './areas.ts';
import { type AuditContext, audit } from './audit.ts';
import { groupCategories } from './backtest.ts';
import { correctedEvents, type FeedbackCorrection } from './feedback-correction.ts';
import { type GisFile, type GisFormat, gisFile } from './gis-export.ts';
import { loadModelInputs } from './model-inputs.ts';
import { resolveModel } from './models.ts';
import { conditionedOn, restoreTrainedModel, trainedModel } from './training.ts';

export type { StoredForecast } from '../storage/forecasts.ts';

/** What to forecast. */
export interface ForecastRequest {
  area: string;
  /** Local day YYYY-MM-DD the forecast is for. */
  day: string;
  horizon: 'turno' | 'day';
  /** Crime groups (default: every group). */
  groups?: readonly string[];
  /** Model kind (ignored with `trained`, whose artifact says it). */
  model: string;
  /** The model's options (errors name `model.option`). */
  config?: unknown;
  /**
   * A stored trained model (`vigia train`) to forecast with instead of fitting: restored from its
   * artifact and conditioned on the data known before the day (when the model can be), never
   * refitted. Its area, crime group, grid and seed are the stored ones.
   */
  trained?: number;
  /**
   * Forecast each group with its champion for this horizon (services/model-lifecycle.ts) where it
   * has one — as `trained` does —, and fit `model` for the other groups. Ignored with `trained`.
   */
  champions?: boolean;
  cellSize?: number;
  seed?: number;
  /**
   * Correct discovered incidents for patrol presence before fitting (Ensign et al. 2018; default
   * true): applied only when the area has patrol logs before the day (services/feedback-correction.ts)
   * and recorded in the stored config as `feedbackCorrection`. Not used with `trained`.
   */
  feedbackCorrection?: boolean;
  /**
   * Categories left out of every group's events (and of every group's events a learned model
   * counts): the enforcement-driven types of VIGIA_PATROL_EXCLUDE, so that patrol plans made from
   * these forecasts do not follow police activity. Recorded as `excludedCategories` in the stored
   * config of the groups they affected. Not used with `trained`.
   */
  exclude?: readonly CrimeCategory[];
  /** Who asks: the run is recorded in the audit log. */
  audit?: AuditContext;
}

/** What was stored. */
export interface ForecastSummary {
  group: string;
  turno: string | null;
  windowStart: Date;
  id: number;
  eventsUsed: number;
  /** Expected events in the window, summed over cells (for rate models). */
  totalRisk: number;
  /** What the feedback-loop correction did before the fit (null: not applied). */
  feedbackCorrection: FeedbackCorrection | null;
  /** Categories left out of this group's events (`exclude`), empty when none applied. */
  excludedCategories: CrimeCategory[];
}

/**
 * Produces and stores forecasts.
 * @throws ValidationError for an unknown model, group or bad date; InsufficientDataError when a group
 *   has no located event before the day
 */
export async function forecast(db: Db, req: ForecastRequest): Promise<ForecastSummary[]> {
  if (req.trained !== undefined) {
    const r = await trainedRun(db, req, req.trained);
    return storeRun(db, { ...req, area: r.area }, r.kind, r.run, { trainedModelId: req.trained });
  }
  if (req.champions) return forecastChampions(db, req);
  const { kind, run } = await fittedRun(db, req);
  return storeRun(db, req, kind, run);
}

/**
 * Each group with a champion for the horizon from its stored model, the other groups fitted; one
 * run, stored in one transaction.
 */
async function forecastChampions(db: Db, req: ForecastRequest): Promise<ForecastSummary[]> {
  const area = await getStudyArea(db, req.area);
  const byGroup = new Map(
    (await currentChampions(db, { area: area.def.id }))
      .filter((c) => c.horizon === req.horizon)
      .map((c) => [c.group, c.trainedModelId]),
  );
  const groups = req.groups ?? Object.keys(CRIME_GROUPS);
  for (const g of groups) groupCategories(g);
  const run: ForecastRecord[] = [];
  const used: Record<string, number> = {};
  for (const group of groups) {
    const id = byGroup.get(group);
    if (id === undefined) continue;
    const { cellSize: _ignored, ...rest } = req;
    run.push(...(await trainedRun(db, { ...rest, area: area.def.id, groups: [group] }, id)).run);
    used[group] = id;
  }
  const fitted = groups.filter((g) => !byGroup.has(g));
  let kind = 'champions';
  if (fitted.length > 0) {
    const f = await fittedRun(db, { ...req, area: area.def.id, groups: fitted });
    run.push(...f.run);
    if (run.length === f.run.length) kind = f.kind;
  }
  return storeRun(db, { ...req, area: area.def.id }, kind, run, { champions: used });
}

/** Fits the model for each group and predicts every window of the day (nothing stored). */
async function fittedRun(db: Db, req: ForecastRequest): Promise<{ kind: string; run: ForecastRecord[] }> {
  const area = await getStudyArea(db, req.area);
  const areaGrid = gridForArea(area, req.cellSize === undefined ? {} : { cellSize: req.cellSize });
  const { grid, mask } = areaGrid;
  const module = getPredictor(req.model);
  const { config } = resolveModel(module.kind, settingsOf(req.config));
  const windows = rollingWindows(req.day, nextDay(req.day), req.horizon, area.def.timeZone);
  const cutoff = (windows[0] as { start: number }).start;
  // Fit and predict every group × window first, then store the whole run in one transaction: a run
  // killed half-way leaves none of its surfaces, and a re-run replaces them (the same keys).
  const run: ForecastRecord[] = [];
  const facts = areaFacts(area, areaGrid);
  const seed = req.seed ?? 1;
  // Every group's events with discovered incidents thinned for patrol presence; null (the usual
  // path, unchanged) when disabled or when the area has no patrol log before the day.
  const corrected =
    req.feedbackCorrection === false ? null : await correctedEvents(db, area, { day: req.day, cutoff, seed });
  const exclude = new Set(req.exclude ?? []);
  const kept = (cats: readonly CrimeCategory[]) => cats.filter((c) => !exclude.has(c));
  // Learned models count every group (loaded once, cut at the day's start like the group's events).
  const allKnown = module.usesAllEvents
    ? withCategories(
        corrected?.events ??
          knownBefore((await loadEvents(db, { area: area.def.id, to: cutoff })).events, cutoff),
        exclude.size > 0 ? kept(CATEGORY_CODES) : undefined,
      )
    : undefined;
  const inputs = await loadModelInputs(
    db,
    area,
    [{ module, config }],
    cutoff,
    exclude.size > 0 ? kept(CATEGORY_CODES) : undefined,
  );
  for (const group of req.groups ?? Object.keys(CRIME_GROUPS)) {
    const all = groupCategories(group);
    const excluded = all.filter((c) => exclude.has(c));
    const categories = excluded.length > 0 ? kept(all) : all;
    const known = corrected
      ? withCategories(corrected.events, categories)
      : await knownOfGroup(db, area.def.id, group, cutoff, req.day, categories);
    if (known.length === 0) throw noEvents(group, req.day, area.def.id);
    const predictor = await module.fit(
      known,
      { grid, mask, cutoff, seed, area: facts, ...(allKnown ? { allEvents: allKnown } : {}), ...inputs },
      config,
    );
    const excludedCategories = exclude.size > 0 && module.usesAllEvents ? [...exclude] : excluded;
    run.push(
      ...surfaces({ ...req, area: area.def.id }, windows, {
        area,
        group,
        kind: module.kind,
        config:
          corrected || excludedCategories.length > 0
            ? {
                ...settingsOf(config),
                ...(corrected ? { feedbackCorrection: corrected.correction } : {}),
                ...(excludedCategories.length > 0 ? { excludedCategories } : {}),
              }
            : config,
        cutoff,
        known,
        predictor,
      }),
    );
  }
  return { kind: module.kind, run };
}

/** The categories a stored forecast's config says were left out of its events (`exclude`). */
export function excludedCategoriesOf(modelConfig: unknown): CrimeCategory[] {
  const v = settingsOf(modelConfig).excludedCategories;
  return Array.isArray(v) ? (v as CrimeCategory[]) : [];
}

/** The events of some categories (all of them when `categories` is undefined). */
function withCategories(events: EventSet, categories: readonly CrimeCategory[] | undefined): EventSet {
  if (!categories) return events;
  return ofCategories(events, new Set(categories.map((c) => CATEGORY_CODES.indexOf(c))));
}

function noEvents(group: string, day: string, area: string): InsufficientDataError {
  return new InsufficientDataError(
    `No hay eventos ubicados del grupo "${group}" antes de ${day} en el área ${area}`,
  );
}

/** A group's located events known before `cutoff`. @throws InsufficientDataError when none */
async function knownOfGroup(
  db: Db,
  area: string,
  group: string,
  cutoff: number,
  day: string,
  categories: readonly CrimeCategory[] = groupCategories(group),
) {
  const { events } = await loadEvents(db, { area, categories, to: cutoff });
  const known = knownBefore(events, cutoff);
  if (known.length === 0) throw noEvents(group, day, area);
  return known;
}

/** Options given as an object (`--set`), else none. */
function settingsOf(config: unknown): Record<string, unknown> {
  return config && typeof config === 'object' ? (config as Record<string, unknown>) : {};
}

/** The area's 50 highest cells are explained (the priority list's whole-area list asks for ≤ 50)… */
export const EXPLAINED_AREA_TOP = 50;
/** …and each district's 10 highest (the map's priority list of a district shows 10). */
export const EXPLAINED_DISTRICT_TOP = 10;

/** What a forecast stores of its model's explanations (`cells` null: the model gives none). */
export interface StoredExplanations {
  cells: CellExplanation[] | null;
}

/**
 * The cells the map's priority list can show, ascending: the {@link EXPLAINED_AREA_TOP} highest
 * (risk > 0) of the area and the {@link EXPLAINED_DISTRICT_TOP} highest of each district, districts
 * from the cell centre as services/hotspots.ts names them. `districtOf` caches the look-ups.
 */
export function cellsToExplain(surface: RiskSurface, area: StudyArea, districtOf: Int16Array): Int32Array {
  const { grid, mask, values } = surface;
  const ranked: number[] = [];
  for (let c = 0; c < mask.length; c++) if (mask[c] === 1 && (values[c] as number) > 0) ranked.push(c);
  ranked.sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);
  const chosen = new Set(ranked.slice(0, EXPLAINED_AREA_TOP));
  const perDistrict = new Map<number, number>();
  const centre = new Float64Array(2);
  for (const c of ranked) {
    if ((districtOf[c] as number) === -2) {
      cellCenter(grid, c, centre);
      const where = area.locate(centre[0] as number, centre[1] as number);
      districtOf[c] = where.kind === 'district' ? where.index : -1;
    }
    const d = districtOf[c] as number;
    if (d < 0) continue;
    const n = perDistrict.get(d) ?? 0;
    if (n >= EXPLAINED_DISTRICT_TOP) continue;
    perDistrict.set(d, n + 1);
    chosen.add(c);
  }
  return Int32Array.from(chosen).sort();
}

/** One group's surfaces for every window of the day, with the model's explanations of the top cells. */
function surfaces(
  req: ForecastRequest,
  windows: readonly { start: number; end: number; turno?: string }[],
  f: {
    area: StudyArea;
    group: string;
    kind: string;
    config: unknown;
    cutoff: number;
    known: { length: number };
    predictor: Predictor;
  },
): ForecastRecord[] {
  // District of each cell for the per-district tops (−2: not looked up yet), shared by the windows.
  let districtOf: Int16Array | null = null;
  return windows.map((w): ForecastRecord => {
    const surface = f.predictor.predict(w);
    let explanations: StoredExplanations = { cells: null };
    if (f.predictor.explain) {
      districtOf ??= new Int16Array(surface.mask.length).fill(-2);
      explanations = { cells: f.predictor.explain(w, cellsToExplain(surface, f.area, districtOf)) };
    }
    return {
      area: req.area,
      group: f.group,
      horizon: req.horizon,
      turno: w.turno ?? null,
      targetDay: req.day,
      windowStart: new Date(w.start),
      windowEnd: new Date(w.end),
      modelKind: f.kind,
      modelConfig: f.config,
      dataCutoff: new Date(f.cutoff),
      eventsUsed: f.known.length,
      surface,
      explanations,
    };
  });
}

/**
 * The forecast of a stored trained model: restored from its artifact, conditioned on the data
 * known before the day when the model can be, never refitted; `trainedModelId` goes into the
 * stored settings.
 */
async function trainedRun(
  db: Db,
  req: ForecastRequest,
  id: number,
): Promise<{ area: string; kind: string; run: ForecastRecord[] }> {
  const area = await getStudyArea(db, req.area);
  const meta = await trainedModel(db, id);
  if (meta.area !== area.def.id)
    throw new ValidationError(
      '--trained',
      `el modelo entrenado ${id} es del área ${meta.area}, no de ${area.def.id}`,
    );
  if (req.groups && (req.groups.length !== 1 || req.groups[0] !== meta.group))
    throw new ValidationError(
      '--trained',
      `el modelo entrenado ${id} es del grupo "${meta.group}", no de ${req.groups.map((g) => `"${g}"`).join(', ')}`,
    );
  if (req.horizon !== meta.horizon)
    throw new ValidationError(
      '--horizon',
      `el modelo entrenado ${id} se entrenó para ventanas "${meta.horizon}", no "${req.horizon}" (use --horizon ${meta.horizon} o entrene otro)`,
    );
  if (req.cellSize !== undefined && req.cellSize !== meta.grid.cellSize)
    throw new ValidationError(
      '--cell-size',
      `el modelo entrenado ${id} usa celdas de ${meta.grid.cellSize} m, no de ${req.cellSize} m`,
    );
  const windows = rollingWindows(req.day, nextDay(req.day), req.horizon, area.def.timeZone);
  const cutoff = (windows[0] as { start: number }).start;
  if (cutoff < meta.dataCutoff.getTime())
    throw new ValidationError(
      '--day',
      `el modelo entrenado ${id} vio datos hasta ${meta.dataCutoff.toISOString()}, después del inicio del ${req.day}: pronosticar ese día usaría el futuro`,
    );
  const restored = await restoreTrainedModel(db, id, req.audit ? { audit: req.audit } : {});
  const known = await knownOfGroup(db, area.def.id, meta.group, cutoff, req.day);
  const allKnown = restored.module.usesAllEvents
    ? knownBefore((await loadEvents(db, { area: area.def.id, to: cutoff })).events, cutoff)
    : undefined;
  const predictor = conditionedOn(restored.predictor, known, cutoff, allKnown);
  const artifactConfig = settingsOf(predictor.toArtifact().config);
  const run = surfaces({ ...req, area: area.def.id }, windows, {
    area,
    group: meta.group,
    kind: meta.kind,
    config: { ...artifactConfig, trainedModelId: id },
    cutoff,
    known,
    predictor,
  });
  return { area: area.def.id, kind: meta.kind, run };
}

/** Stores a run's surfaces in one transaction and audits it. */
async function storeRun(
  db: Db,
  req: ForecastRequest,
  kind: string,
  run: ForecastRecord[],
  detail: { trainedModelId?: number; champions?: Record<string, number> } = {},
): Promise<ForecastSummary[]> {
  const ids = await db.transaction(async (tx) => {
    const stored: number[] = [];
    for (const f of run) stored.push(await saveForecast(tx, f));
    return stored;
  });
  const out: ForecastSummary[] = run.map((f, i) => {
    const c = settingsOf(f.modelConfig) as { feedbackCorrection?: FeedbackCorrection };
    return {
      group: f.group,
      turno: f.turno,
      windowStart: f.windowStart,
      id: ids[i] as number,
      eventsUsed: f.eventsUsed,
      totalRisk: totalRisk(f.surface),
      feedbackCorrection: c.feedbackCorrection ?? null,
      excludedCategories: excludedCategoriesOf(f.modelConfig),
    };
  });
  currentCache.delete(db);
  if (req.audit)
    await audit(db, req.audit, 'forecast.run', `area:${run[0]?.area ?? req.area}`, {
      day: req.day,
      horizon: req.horizon,
      model: kind,
      ...detail,
      surfaces: out.map((f) => f.id),
    });
  return out;
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** How a forecast is sent: compact grid (base64 float32 of valid cells) or GeoJSON cells. */
export type ForecastFormat = 'grid' | 'geojson';

export type { ForecastMeta } from '../storage/forecasts.ts';

/** Days with stored forecasts, newest first. */
export async function availableForecastDays(db: Db, q: { area: string; group?: string }): Promise<string[]> {
  const a = await getStudyArea(db, q.area);
  return forecastDays(db, { area: a.def.id, ...(q.group ? { group: q.group } : {}) });
}

/** Metadata of the current forecasts of an area (no surfaces). */
export async function currentForecastIndex(db: Db, area: string): Promise<ForecastMeta[]> {
  const a = await getStudyArea(db, area);
  return latestForecastMeta(db, { area: a.def.id });
}

/**
 * Rendered JSON per store, forecast id, creation time and format: a stored forecast never changes in
 * place (a re-run gets a new creation time, hence a new key).
 */
const renderedByDb = new WeakMap<Db, Map<string, string>>();
const RENDERED_MAX = 64;

function renderedOf(db: Db): Map<string, string> {
  const m = renderedByDb.get(db) ?? new Map<string, string>();
  renderedByDb.set(db, m);
  return m;
}

const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

/** One bit per cell, LSB first. */
function packBits(mask: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(mask.length / 8));
  for (let c = 0; c < mask.length; c++)
    if (mask[c] !== 0) out[c >> 3] = (out[c >> 3] as number) | (1 << (c & 7));
  return out;
}

function header(meta: object, surface: RiskSurface, area: StudyArea) {
  return {
    ...meta,
    crs: { code: area.def.crs.code, definition: area.def.crs.definition },
    validCells: validCells(surface.mask),
    totalRisk: totalRisk(surface),
  };
}

/**
 * The compact grid form of a surface as JSON: `meta`, the CRS, the grid, a bitset mask and the
 * float32 values of valid cells (base64). Shared by forecasts and other gridded answers.
 */
export function gridBody(meta: object, surface: RiskSurface, area: StudyArea): string {
  const h = header(meta, surface, area);
  const risk = new Float32Array(h.validCells);
  for (let c = 0, i = 0; c < surface.mask.length; c++)
    if (surface.mask[c] !== 0) risk[i++] = surface.values[c] as number;
  return JSON.stringify({
    ...h,
    grid: surface.grid,
    encoding:
      'mask: bitset, one bit per cell in row-major order, least significant bit first; risk: float32 little-endian per valid cell, in cell order; both base64',
    mask: Buffer.from(packBits(surface.mask)).toString('base64'),
    risk: Buffer.from(risk.buffer).toString('base64'),
  });
}

/**
 * Every valid cell of a surface as a WGS84 polygon with its risk, rank (1 = highest; ties keep cell
 * order) and percentile: the GeoJSON answer and the GIS files share it.
 */
function rankedCells(surface: RiskSurface, area: StudyArea) {
  const fc = surfaceToGeoJson(surface, {
    toLonLat: (x, y) => {
      const [lon, lat] = area.projection.inverse(x, y);
      return [round6(lon), round6(lat)];
    },
    nonZeroOnly: false,
  });
  const order = fc.features
    .map((_, i) => i)
    .sort((a, b) => {
      const d = (fc.features[b]?.properties.risk ?? 0) - (fc.features[a]?.properties.risk ?? 0);
      return d !== 0 ? d : a - b;
    });
  const n = order.length;
  const features = fc.features.map((ft) => ({
    ...ft,
    properties: { ...ft.properties, rank: 0, percentile: 0 },
  }));
  order.forEach((fi, r) => {
    const p = (features[fi] as (typeof features)[number]).properties;
    p.rank = r + 1;
    p.percentile = round6(1 - r / n);
  });
  return features;
}

function render(f: StoredForecast, area: StudyArea, format: ForecastFormat): string {
  const { surface, ...meta } = f;
  if (format === 'grid') return gridBody(meta, surface, area);
  return JSON.stringify({
    type: 'FeatureCollection',
    forecast: header(meta, surface, area),
    features: rankedCells(surface, area),
  });
}

/** The GIS file formats of a forecast (GeoJSON is the JSON answer). */
export type ForecastFileFormat = Exclude<GisFormat, 'geojson'>;

/**
 * A forecast as a GIS file: every valid cell a WGS84 polygon with Spanish attributes celda, riesgo
 * (expected crimes in the forecast's window), rango (1 = highest) and percentil; zipped Shapefile
 * (WGS84 .prj) or KML, named `pronostico-<area>-<group>-<day>[-<turno>]`.
 */
async function forecastFile(db: Db, f: StoredForecast, format: ForecastFileFormat): Promise<GisFile> {
  const area = await getStudyArea(db, f.area);
  const features = rankedCells(f.surface, area).map((ft) => ({
    type: ft.type,
    geometry: ft.geometry,
    properties: {
      celda: ft.properties.cell,
      riesgo: round6(ft.properties.risk),
      rango: ft.properties.rank,
      percentil: ft.properties.percentile,
    },
  }));
  // File names in ASCII: "mañana" → "manana".
  const when = `${f.targetDay}${f.turno ? `-${f.turno.normalize('NFD').replace(/\p{M}/gu, '')}` : ''}`;
  return gisFile({ type: 'FeatureCollection', features }, format, {
    layer: `pronostico-${f.area}-${f.group}-${when}`,
    title: `Pronóstico — ${area.def.name ?? area.def.id}, grupo ${f.group}, ${f.targetDay}${f.turno ? `, turno ${f.turno}` : ' (día completo)'}`,
    nameField: 'rango',
  });
}

async function renderCached(db: Db, f: StoredForecast, format: ForecastFormat): Promise<string> {
  const rendered = renderedOf(db);
  const key = `${f.id}:${f.createdAt.getTime()}:${format}`;
  const hit = rendered.get(key);
  if (hit) return hit;
  const body = render(f, await getStudyArea(db, f.area), format);
  if (rendered.size >= RENDERED_MAX) rendered.delete(rendered.keys().next().value as string);
  rendered.set(key, body);
  return body;
}

/** A forecast's rendering from its metadata: the surface is read only when not cached. */
async function cachedByMeta(db: Db, m: ForecastMeta, format: ForecastFormat): Promise<string> {
  const hit = renderedOf(db).get(`${m.id}:${m.createdAt.getTime()}:${format}`);
  if (hit) return hit;
  const f = await getForecast(db, m.id);
  if (!f) throw new NotFoundError(`No existe el pronóstico ${m.id}`);
  return renderCached(db, f, format);
}

/**
 * Which stored forecast is current, per store and (area, group, turno), remembered for a few
 * seconds: the hot read of the dashboard and patrol phones then costs no database round trip. A
 * forecast made in this process is seen at once; one made by another process within CURRENT_TTL_MS.
 */
const currentCache = new WeakMap<
  Db,
  Map<string, { until: number; meta: Promise<ForecastMeta | undefined> }>
>();
const CURRENT_TTL_MS = 5_000;

function currentMeta(
  db: Db,
  q: { area: string; group: string; turno?: string; day?: string },
): Promise<ForecastMeta | undefined> {
  const byKey =
    currentCache.get(db) ?? new Map<string, { until: number; meta: Promise<ForecastMeta | undefined> }>();
  currentCache.set(db, byKey);
  const key = `${q.area}|${q.group}|${q.turno ?? ''}|${q.day ?? ''}`;
  const hit = byKey.get(key);
  if (hit && hit.until > Date.now()) return hit.meta;
  const meta = latestForecastMeta(db, {
    area: q.area,
    group: q.group,
    horizon: q.turno ? 'turno' : 'day',
    ...(q.turno ? { turno: q.turno } : {}),
    ...(q.day ? { day: q.day } : {}),
  }).then((rows) => rows[0]);
  byKey.set(key, { until: Date.now() + CURRENT_TTL_MS, meta });
  meta.catch(() => byKey.delete(key));
  return meta;
}

/**
 * The current forecast of one crime group: for a turno (horizon "turno") or the whole day.
 * @throws NotFoundError when none is stored
 */
export async function currentForecast(
  db: Db,
  q: { area: string; group: string; turno?: string; day?: string },
  format: ForecastFormat,
): Promise<string> {
  const m = await currentMeta(db, q);
  if (!m) throw noCurrent(q);
  return cachedByMeta(db, m, format);
}

function noCurrent(q: { area: string; group: string; turno?: string; day?: string }): NotFoundError {
  return new NotFoundError(
    `No hay pronóstico ${q.day ? `para el ${q.day.split('-').reverse().join('/')}` : 'vigente'} del grupo "${q.group}"${q.turno ? `, turno ${q.turno}` : ' (día completo)'} en el área ${q.area} (ejecute "vigia forecast")`,
  );
}

/** The current forecast of one crime group as a GIS file. @throws NotFoundError when none is stored */
export async function currentForecastFile(
  db: Db,
  q: { area: string; group: string; turno?: string; day?: string },
  format: ForecastFileFormat,
): Promise<GisFile> {
  const m = await currentMeta(db, q);
  const f = m ? await getForecast(db, m.id) : null;
  if (!f) throw noCurrent(q);
  return forecastFile(db, f, format);
}

/** One stored forecast by id. @throws NotFoundError */
export async function forecastById(db: Db, id: number, format: ForecastFormat): Promise<string> {
  const f = await getForecast(db, id);
  if (!f) throw new NotFoundError(`No existe el pronóstico ${id}`);
  return renderCached(db, f, format);
}

/** One stored forecast as a GIS file. @throws NotFoundError */
export async function forecastFileById(db: Db, id: number, format: ForecastFileFormat): Promise<GisFile> {
  const f = await getForecast(db, id);
  if (!f) throw new NotFoundError(`No existe el pronóstico ${id}`);
  return forecastFile(db, f, format);
}

/** The registered models, for `GET /models` and the dashboard. */
export function modelCatalogue(): {
  kind: string;
  description: string;
  defaults: unknown;
  baseline: boolean;
}[] {
  return PREDICTOR_KINDS.map((kind) => {
    const m = getPredictor(kind);
    return {
      kind,
      description: m.description,
      defaults: m.defaults,
      baseline: kind === 'random' || kind === 'naive-counts',
    };
  });
}
