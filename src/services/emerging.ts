/**
 * Emerging hot spots for planners (docs/analysis.md): the last N whole months of located incidents
 * of a crime group counted per grid cell and month (the shared-surface rule of storage/events.ts:
 * restricted rows are never loaded), then Gi* and Mann-Kendall per cell (analysis/emerging.ts).
 * Answered as a compact grid (a class per valid cell), a summary per class and district, or the
 * cells as GeoJSON / Shapefile / KML with Spanish attribute names.
 */
import { EMERGING_CLASSES, type EmergingResult, emergingHotSpots } from '../analysis/emerging.ts';
import { ValidationError } from '../core/errors.ts';
import { cellCorners, cellOf, type GridSpec } from '../core/grid.ts';
import { gridForArea } from '../geo/area-grid.ts';
import type { StudyArea } from '../geo/study-area.ts';
import type { Db } from '../storage/db.ts';
import { latestEventTime, loadEvents } from '../storage/events.ts';
import { getStudyArea } from './areas.ts';
import { groupCategories } from './backtest.ts';
import { type GisFeatureCollection, type GisFile, type GisFormat, gisFile } from './gis-export.ts';
import { monthStarts } from './persistence.ts';

/** Months of the analysis: ArcGIS asks for at least 10 time steps for the trend test. */
export const EMERGING_MONTHS = { min: 10, max: 60, default: 24 } as const;

/** What to analyse. */
export interface EmergingQuery {
  area: string;
  group: string;
  months: number;
  /** Cell side in metres (default 150). */
  cellSize?: number;
  /** Benjamini-Hochberg correction of the bins' p-values (default false). */
  fdr?: boolean;
  /** Months end before the month of this instant (default: the month after the newest event). */
  before?: number;
}

/** The analysis of an area with its grid. */
export interface EmergingAnalysis {
  area: StudyArea;
  grid: GridSpec;
  mask: Uint8Array;
  districtOfCell: Int16Array;
  group: string;
  months: number;
  /** Local days: first day of the first month, last day of the last month. */
  from: string;
  to: string;
  eventsUsed: number;
  fdr: boolean;
  /** Events per cell over all months. */
  total: Uint32Array;
  result: EmergingResult;
}

/**
 * Runs the analysis from the store.
 * @throws ValidationError for an unknown group, months outside 10–60 or a bad cell size;
 *   NotFoundError for an unknown area
 */
export async function emergingAnalysis(db: Db, q: EmergingQuery): Promise<EmergingAnalysis> {
  if (!(Number.isInteger(q.months) && q.months >= EMERGING_MONTHS.min && q.months <= EMERGING_MONTHS.max))
    throw new ValidationError(
      'months',
      `se espera un número entero de meses entre ${EMERGING_MONTHS.min} y ${EMERGING_MONTHS.max}, se recibió ${q.months}`,
    );
  const area = await getStudyArea(db, q.area);
  const categories = groupCategories(q.group, 'group');
  const { grid, mask, districtOfCell } = gridForArea(
    area,
    q.cellSize === undefined ? {} : { cellSize: q.cellSize },
  );
  const latest = await latestEventTime(db, area.def.id);
  const before = q.before ?? (latest !== null ? latest + 1 : Date.now());
  const starts = monthStarts(before, q.months, area.def.timeZone);
  const from = starts[0] as number;
  const to = starts[starts.length - 1] as number;
  const { events } = await loadEvents(db, { area: area.def.id, categories, from, to });
  const cells = mask.length;
  const counts = new Uint32Array(cells * q.months);
  const total = new Uint32Array(cells);
  let m = 0;
  for (let e = 0; e < events.length; e++) {
    const t = events.t[e] as number;
    while (m < q.months - 1 && t >= (starts[m + 1] as number)) m++;
    const c = cellOf(grid, events.x[e] as number, events.y[e] as number);
    if (c < 0 || mask[c] !== 1) continue;
    counts[m * cells + c] = (counts[m * cells + c] as number) + 1;
    total[c] = (total[c] as number) + 1;
  }
  const fdr = q.fdr ?? false;
  const result = emergingHotSpots(
    { cols: grid.cols, rows: grid.rows, periods: q.months, mask, counts },
    { fdr },
  );
  const day = (ms: number): string =>
    new Intl.DateTimeFormat('sv-SE', { timeZone: area.def.timeZone, dateStyle: 'short' }).format(
      new Date(ms),
    );
  return {
    area,
    grid,
    mask,
    districtOfCell,
    group: q.group,
    months: q.months,
    from: day(from),
    to: day(to - 1),
    eventsUsed: events.length,
    fdr,
    total,
    result,
  };
}

/** Cells per class, in total and per district. */
export function emergingSummary(a: EmergingAnalysis) {
  const k = EMERGING_CLASSES.length;
  const districts = a.area.def.districts;
  const perDistrict = districts.map(() => new Array<number>(k).fill(0));
  const all = new Array<number>(k).fill(0);
  for (let c = 0; c < a.mask.length; c++) {
    if (a.mask[c] !== 1) continue;
    const cls = a.result.classOf[c] as number;
    all[cls] = (all[cls] as number) + 1;
    const d = a.districtOfCell[c] as number;
    if (d >= 0) (perDistrict[d] as number[])[cls] = ((perDistrict[d] as number[])[cls] as number) + 1;
  }
  const byCode = (row: number[]) =>
    Object.fromEntries(EMERGING_CLASSES.map((c, i) => [c.code, row[i] as number]));
  return {
    area: a.area.def.id,
    group: a.group,
    months: a.months,
    from: a.from,
    to: a.to,
    cellSize: a.grid.cellSize,
    eventsUsed: a.eventsUsed,
    fdr: a.fdr,
    classes: EMERGING_CLASSES.map((c, i) => ({ code: c.code, label: c.label, cells: all[i] as number })),
    districts: districts.map((d, i) => ({
      code: d.code,
      name: d.name,
      cells: byCode(perDistrict[i] as number[]),
    })),
  };
}

/** The summary plus the grid: mask bitset and one class index per valid cell (base64). */
export function emergingGrid(a: EmergingAnalysis) {
  const valid: number[] = [];
  for (let c = 0; c < a.mask.length; c++) if (a.mask[c] === 1) valid.push(c);
  const bits = new Uint8Array(Math.ceil(a.mask.length / 8));
  const cls = new Uint8Array(valid.length);
  valid.forEach((c, i) => {
    bits[c >> 3] = (bits[c >> 3] as number) | (1 << (c & 7));
    cls[i] = a.result.classOf[c] as number;
  });
  return {
    ...emergingSummary(a),
    crs: { code: a.area.def.crs.code, definition: a.area.def.crs.definition },
    grid: a.grid,
    validCells: valid.length,
    encoding:
      'mask: bitset, one bit per cell in row-major order, least significant bit first; classes: one byte per valid cell, in cell order, the index into `classes`; both base64',
    mask: Buffer.from(bits).toString('base64'),
    cellClasses: Buffer.from(cls).toString('base64'),
  };
}

const round = (v: number, d: number): number => Math.round(v * 10 ** d) / 10 ** d;

/**
 * Every valid cell as a WGS84 polygon with Spanish attributes (≤ 10 characters, for dBase): celda,
 * clase (label), codigo (class code), distrito, eventos (over all months), gi_z_fin (Gi* z of the
 * last month), tend_z / tend_p (Mann-Kendall on the Gi* z-series), tend_cnt (Mann-Kendall z of the
 * counts), meses_cal / meses_fri (months significantly hot / cold).
 */
export function emergingFeatures(a: EmergingAnalysis): GisFeatureCollection {
  const cells = a.mask.length;
  const last = (a.months - 1) * cells;
  const features: GisFeatureCollection['features'] = [];
  for (let c = 0; c < cells; c++) {
    if (a.mask[c] !== 1) continue;
    let hot = 0;
    let cold = 0;
    for (let t = 0; t < a.months; t++) {
      const s = a.result.significance[t * cells + c] as number;
      if (s === 1) hot++;
      else if (s === -1) cold++;
    }
    const cls = EMERGING_CLASSES[a.result.classOf[c] as number] as (typeof EMERGING_CLASSES)[number];
    const d = a.districtOfCell[c] as number;
    const ring = cellCorners(a.grid, c).map(([x, y]) => {
      const [lon, lat] = a.area.projection.inverse(x, y);
      return [round(lon, 6), round(lat, 6)];
    });
    ring.push(ring[0] as number[]);
    features.push({
      type: 'Feature',
      properties: {
        celda: c,
        clase: cls.label,
        codigo: cls.code,
        distrito: d >= 0 ? (a.area.def.districts[d]?.name ?? null) : null,
        eventos: a.total[c] as number,
        gi_z_fin: round(a.result.gi[last + c] as number, 4),
        tend_z: round(a.result.trendZ[c] as number, 4),
        tend_p: round(a.result.trendP[c] as number, 6),
        tend_cnt: round(a.result.countTrendZ[c] as number, 4),
        meses_cal: hot,
        meses_fri: cold,
      },
      geometry: { type: 'Polygon', coordinates: [ring] },
    });
  }
  return { type: 'FeatureCollection', features };
}

/** The cells in a GIS format (file name `zonas-emergentes-<area>-<group>.…`). */
export function emergingFile(a: EmergingAnalysis, format: GisFormat): Promise<GisFile> {
  return gisFile(emergingFeatures(a), format, {
    layer: `zonas-emergentes-${a.area.def.id}-${a.group}`,
    title: `Zonas calientes emergentes — ${a.area.def.name ?? a.area.def.id}, ${a.from} a ${a.to}`,
    nameField: 'clase',
  });
}
