/**
 * A forecast's hotspots named as people know them (issue 12, item 2): the highest-risk cells of a
 * stored forecast — of the whole area or of one district — each with its district, the nearest
 * named streets and landmark and the "cómo llegar" links (services/places.ts), so the map lists
 * "Callao — Av. Sáenz Peña / Jr. Paz Soldán" instead of a rank number.
 */
import { NotFoundError, ValidationError } from '../core/errors.ts';
import { cellCenter } from '../core/grid.ts';
import type { Db } from '../storage/db.ts';
import { getForecast } from '../storage/forecasts.ts';
import { getStudyArea } from './areas.ts';
import { type NamedPlace, namePlace } from './places.ts';

/** Most hotspots one request names. */
export const MAX_HOTSPOTS = 50;

export interface NamedHotspot {
  /** Cell index of the forecast's grid. */
  cell: number;
  /** 1 = the highest risk of the whole area. */
  rank: number;
  /** Expected crimes in the forecast's window. */
  expected: number;
  district: { code: string; name: string } | null;
  place: NamedPlace;
}

/**
 * The `limit` highest-risk cells (risk > 0) of a stored forecast, optionally of one district.
 * @throws NotFoundError for an unknown forecast; ValidationError naming `limit` or `district`
 */
export async function namedHotspots(
  db: Db,
  forecastId: number,
  q: { limit?: number; district?: string } = {},
): Promise<{ forecastId: number; area: string; hotspots: NamedHotspot[] }> {
  const limit = q.limit ?? 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HOTSPOTS)
    throw new ValidationError('limit', `se espera un entero entre 1 y ${MAX_HOTSPOTS}, se recibió ${limit}`);
  const f = await getForecast(db, forecastId);
  if (!f) throw new NotFoundError(`No existe el pronóstico ${forecastId}`);
  const area = await getStudyArea(db, f.area);
  const districts = area.def.districts;
  let only = -1;
  if (q.district !== undefined) {
    only = districts.findIndex((d) => d.code === q.district);
    if (only < 0)
      throw new ValidationError(
        'district',
        `el área ${f.area} no tiene el distrito "${q.district}" (use ${districts.map((d) => d.code).join(', ') || 'ninguno: el área no tiene distritos'})`,
      );
  }
  const { grid, mask, values } = f.surface;
  const cells: number[] = [];
  for (let c = 0; c < mask.length; c++) if (mask[c] === 1 && (values[c] as number) > 0) cells.push(c);
  cells.sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);
  const out: NamedHotspot[] = [];
  const centre = new Float64Array(2);
  for (let r = 0; r < cells.length && out.length < limit; r++) {
    const c = cells[r] as number;
    cellCenter(grid, c, centre);
    const where = area.locate(centre[0] as number, centre[1] as number);
    const index = where.kind === 'district' ? where.index : -1;
    if (only >= 0 && index !== only) continue;
    const d = index >= 0 ? districts[index] : undefined;
    out.push({
      cell: c,
      rank: r + 1,
      expected: values[c] as number,
      district: d ? { code: d.code, name: d.name } : null,
      place: namePlace(area, grid, [c], d?.name ?? area.def.name),
    });
  }
  return { forecastId, area: f.area, hotspots: out };
}
