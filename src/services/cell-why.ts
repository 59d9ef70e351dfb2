/**
 * Why a cell of a stored forecast is high (issue 13, item 2): model-agnostic facts read from the
 * same events the forecast could use — located, non-restricted incidents of its crime group known
 * before its data cutoff — and one Spanish sentence. Aggregates only (counts), never an incident.
 *
 * - the forecast value of the cell, its rank and percentile among the area's cells;
 * - its background level: incidents in the cell over the year before the cutoff, as an average per
 *   window of the forecast's length (a turno: 6 h; a day: 24 h), and that level's percentile;
 * - recent events: incidents in the cell and its 8 neighbours in the 7 and 30 days before the cutoff,
 *   against what the same 9 cells' usual level would give in 7 days;
 * - the model's own account of its value, when the model explains itself and the cell is one of
 *   those stored with the forecast (services/forecast.ts `cellsToExplain`): ETAS background vs
 *   triggered, or the features that push a tree ensemble's value up or down.
 */
import { NotFoundError, ValidationError } from '../core/errors.ts';
import { knownBefore } from '../core/events.ts';
import { cellOf } from '../core/grid.ts';
import { modelName } from '../core/models.ts';
import type { Db } from '../storage/db.ts';
import { loadEvents } from '../storage/events.ts';
import { forecastExplanations, getForecast } from '../storage/forecasts.ts';
import { groupCategories } from './backtest.ts';
import {
  EXPLAINED_AREA_TOP,
  EXPLAINED_DISTRICT_TOP,
  excludedCategoriesOf,
  type StoredExplanations,
} from './forecast.ts';

const DAY_MS = 86_400_000;
const YEAR_DAYS = 365;

/** A cell is "high" from this percentile of the forecast on (the top 10 % of the area). */
export const HIGH_PERCENTILE = 90;
/** Recent events count as a burst from this many in 7 days around the cell… */
export const BURST_MIN = 3;
/** …and at least this many times what the 9 cells' usual level gives in 7 days. */
export const BURST_RATIO = 3;

/** Which of the readings applies (for translations); `reading` is its Spanish sentence. */
export type CellReading = 'recent' | 'habitual' | 'both' | 'surroundings' | 'not-high';

export interface CellWhy {
  forecastId: number;
  cell: number;
  modelKind: string;
  group: string;
  turno: string | null;
  dataCutoff: string;
  /** Length of the forecast's window, hours (6 for a turno, 24 for a day). */
  windowHours: number;
  /** Expected crimes of the cell in the forecast's window (the model's value). */
  expected: number;
  /** 1 = the highest of the area; ties share the best rank. */
  rank: number;
  cells: number;
  /** 100 = the highest cell; 100 × (1 − (rank − 1) / cells), as the map shows it. */
  percentile: number;
  background: {
    /** Incidents in the cell in the 365 days before the cutoff. */
    lastYear: number;
    /** lastYear as an average per window of the forecast's length. */
    perWindow: number;
    /**
     * Rank and percentile among the area's cells of the usual level — the year before the last 7
     * days, so that a burst does not count as its own habit (same rule as the forecast's).
     */
    rank: number;
    percentile: number;
  };
  recent: {
    /** Incidents in the cell and its 8 neighbours in the last 7 and 30 days before the cutoff. */
    last7Days: number;
    last30Days: number;
    /** What the same 9 cells' usual level (the year before the last 7 days) gives in 7 days. */
    usual7Days: number;
  };
  /** How the model itself makes up the value (null: see `componentsNote`). */
  components: CellComponents | null;
  /** Why `components` is null, in Spanish (null when there are components). */
  componentsNote: string | null;
  reading: CellReading;
  /** One Spanish sentence, e.g. "Alto por hechos recientes: 4 en los últimos 7 días alrededor". */
  text: string;
}

/** One feature's part of a learned model's value, with its direction. */
export interface CellContribution {
  feature: string;
  /** Spanish label, e.g. "robos y hurtos en la celda, últimos 30 días". */
  label: string;
  /** On the model's link scale: log-rate units ('log') or expected crimes ('identity'). */
  value: number;
  direction: 'up' | 'down';
}

/** The model's own decomposition of a cell's value (see models/predictor.ts `CellExplanation`). */
export type CellComponents =
  | {
      kind: 'etas';
      /** The model's value (float64; `expected` is the stored float32 of it). */
      value: number;
      /** μ of the cell × the window's length. */
      background: number;
      /** The sum over past events' kernels in the window. */
      triggered: number;
      /** background / value (0 when the value is 0). */
      backgroundShare: number;
    }
  | {
      kind: 'features';
      value: number;
      link: 'log' | 'identity';
      /** The ensemble's starting score (every cell's), on the link scale… */
      base: number;
      /** …and as a value (e^base for 'log'). */
      start: number;
      /** The features with the largest parts, largest |value| first. */
      contributions: CellContribution[];
      /** The other features' parts summed: inverse link of (base + Σ values + rest) = value. */
      rest: number;
    };

/** Why a cell has no components, from what the forecast stored. */
function componentsOf(
  stored: unknown,
  modelKind: string,
  cell: number,
): { components: CellComponents | null; note: string | null } {
  const cells = (stored as StoredExplanations | null)?.cells;
  if (stored === null || cells === undefined)
    return {
      components: null,
      note: 'Este pronóstico se guardó sin la explicación del modelo; vuelva a ejecutarlo para obtenerla',
    };
  if (cells === null)
    return {
      components: null,
      note: `El modelo ${modelName(modelKind)} no descompone su valor en partes; la lectura usa solo los conteos`,
    };
  const e = cells.find((x) => x.cell === cell);
  if (!e)
    return {
      components: null,
      note: `El modelo explica solo las celdas que la lista de prioridad puede mostrar (las ${EXPLAINED_AREA_TOP} más altas del área y las ${EXPLAINED_DISTRICT_TOP} más altas de cada distrito)`,
    };
  if (e.kind === 'etas')
    return {
      components: {
        kind: 'etas',
        value: e.value,
        background: e.background,
        triggered: e.triggered,
        backgroundShare: e.value > 0 ? e.background / e.value : 0,
      },
      note: null,
    };
  return {
    components: {
      kind: 'features',
      value: e.value,
      link: e.link,
      base: e.base,
      start: e.link === 'log' ? Math.exp(e.base) : e.base,
      contributions: e.contributions.map((c) => ({
        feature: c.feature,
        label: c.label,
        value: c.value,
        direction: c.value >= 0 ? 'up' : 'down',
      })),
      rest: e.rest,
    },
    note: null,
  };
}

/** The Spanish sentence of the components, e.g. "El 70 % del valor es nivel de fondo; …". */
function componentsText(c: CellComponents): string {
  if (c.kind === 'etas') {
    const bg = Math.round(100 * c.backgroundShare);
    return `El ${bg} % del valor es nivel de fondo; el ${100 - bg} % lo disparan hechos recientes cercanos.`;
  }
  const up = c.contributions.filter((x) => x.value > 0).slice(0, 2);
  const down = c.contributions.filter((x) => x.value < 0).slice(0, 1);
  // Labels may hold commas ("…en la celda, últimos 30 días"): items are separated by semicolons.
  const list = (xs: CellContribution[]) => xs.map((x) => x.label).join('; ');
  return [
    up.length > 0 ? `Lo que más lo sube: ${list(up)}.` : '',
    down.length > 0 ? `Lo que más lo baja: ${list(down)}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** Rank (1 = highest; ties share the best) of `value` among `all`. */
function rankOf(all: ArrayLike<number>, value: number): number {
  let above = 0;
  for (let i = 0; i < all.length; i++) if ((all[i] as number) > value) above++;
  return above + 1;
}

const percentileOf = (rank: number, n: number): number => 100 * (1 - (rank - 1) / n);

/**
 * Why cell `cell` of forecast `forecastId` has the value it has.
 * @throws NotFoundError for an unknown forecast; ValidationError naming `cell` when the cell is not
 *   one of the forecast's valid cells
 */
export async function cellWhy(db: Db, forecastId: number, cell: number): Promise<CellWhy> {
  const f = await getForecast(db, forecastId);
  if (!f) throw new NotFoundError(`No existe el pronóstico ${forecastId}`);
  const { grid, mask, values } = f.surface;
  if (!Number.isInteger(cell) || cell < 0 || cell >= mask.length || mask[cell] !== 1)
    throw new ValidationError(
      'cell',
      `la celda ${cell} no pertenece al área del pronóstico ${forecastId} (celdas válidas entre 0 y ${mask.length - 1})`,
    );
  const valid: number[] = [];
  for (let c = 0; c < mask.length; c++) if (mask[c] === 1) valid.push(c);
  const slot = new Int32Array(mask.length).fill(-1);
  valid.forEach((c, i) => {
    slot[c] = i;
  });
  const n = valid.length;
  const risk = Float64Array.from(valid, (c) => values[c] as number);
  const expected = values[cell] as number;
  const rank = rankOf(risk, expected);

  // The forecast's own events: its group's categories less those its config says were left out.
  const cutoff = f.dataCutoff.getTime();
  const excluded = new Set(excludedCategoriesOf(f.modelConfig));
  const categories = groupCategories(f.group).filter((c) => !excluded.has(c));
  const yearStart = cutoff - YEAR_DAYS * DAY_MS;
  const { events } = await loadEvents(db, { area: f.area, categories, from: yearStart, to: cutoff });
  const known = knownBefore(events, cutoff);

  const yearCount = new Float64Array(n);
  // The usual level without the last 7 days: a burst does not make itself habitual.
  const usualCount = new Float64Array(n);
  const col = cell % grid.cols;
  const row = (cell - col) / grid.cols;
  let last7 = 0;
  let last30 = 0;
  let blockBefore7 = 0;
  for (let i = 0; i < known.length; i++) {
    const c = cellOf(grid, known.x[i] as number, known.y[i] as number);
    if (c < 0) continue;
    const s = slot[c] as number;
    const t = known.t[i] as number;
    const recent7 = t >= cutoff - 7 * DAY_MS;
    if (s >= 0) {
      yearCount[s] = (yearCount[s] as number) + 1;
      if (!recent7) usualCount[s] = (usualCount[s] as number) + 1;
    }
    const cc = c % grid.cols;
    const cr = (c - cc) / grid.cols;
    if (Math.abs(cc - col) > 1 || Math.abs(cr - row) > 1) continue;
    if (recent7) last7++;
    else blockBefore7++;
    if (t >= cutoff - 30 * DAY_MS) last30++;
  }
  const windowMs = f.windowEnd.getTime() - f.windowStart.getTime();
  const lastYear = yearCount[slot[cell] as number] as number;
  const usual = usualCount[slot[cell] as number] as number;
  const backgroundRank = rankOf(usualCount, usual);
  const usual7 = (blockBefore7 * 7) / (YEAR_DAYS - 7);
  const percentile = percentileOf(rank, n);
  const backgroundPercentile = percentileOf(backgroundRank, n);

  const burst = last7 >= BURST_MIN && last7 >= BURST_RATIO * usual7;
  const habitual = usual > 0 && backgroundPercentile >= HIGH_PERCENTILE;
  const reading: CellReading =
    percentile < HIGH_PERCENTILE
      ? 'not-high'
      : burst && habitual
        ? 'both'
        : burst
          ? 'recent'
          : lastYear > 0
            ? 'habitual'
            : 'surroundings';
  const fmt = (v: number): string => v.toLocaleString('es-PE', { maximumFractionDigits: 1 });
  const small = (v: number): string => v.toLocaleString('es-PE', { maximumSignificantDigits: 2 });
  const text = {
    'not-high': `No está entre las celdas altas del área (percentil ${fmt(percentile)}; alto desde el percentil ${HIGH_PERCENTILE})`,
    both: `Alto por su nivel habitual (${lastYear} hechos en el último año) y por hechos recientes: ${last7} en los últimos 7 días alrededor`,
    recent: `Alto por hechos recientes: ${last7} en los últimos 7 días alrededor`,
    habitual: `Alto sobre todo por su nivel habitual: ${lastYear} hechos en el último año, ${small(lastYear * (windowMs / (YEAR_DAYS * DAY_MS)))} por ${windowMs === DAY_MS ? 'día' : windowMs === 6 * 3_600_000 ? 'turno' : `ventana de ${windowMs / 3_600_000} h`} en promedio`,
    surroundings: 'Alto por su entorno: la celda no tuvo hechos ubicados en el último año',
  }[reading];
  const { components, note } = componentsOf(await forecastExplanations(db, forecastId), f.modelKind, cell);
  const more = components ? componentsText(components) : '';

  return {
    forecastId,
    cell,
    modelKind: f.modelKind,
    group: f.group,
    turno: f.turno,
    dataCutoff: f.dataCutoff.toISOString(),
    windowHours: windowMs / 3_600_000,
    expected,
    rank,
    cells: n,
    percentile,
    background: {
      lastYear,
      perWindow: (lastYear * windowMs) / (YEAR_DAYS * DAY_MS),
      rank: backgroundRank,
      percentile: backgroundPercentile,
    },
    recent: { last7Days: last7, last30Days: last30, usual7Days: usual7 },
    components,
    componentsNote: note,
    reading,
    text: more ? `${text}. ${more}` : text,
  };
}
