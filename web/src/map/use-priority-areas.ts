/**
 * The map's priority areas: the chosen district's best-ranked cells (outlined and numbered on the
 * map, listed beside it) and, on forecast maps, each one's place as the server names it (district,
 * streets, landmark, directions: GET /forecasts/:id/hotspots).
 */
import { useMemo } from 'react';
import type { NamedHotspots } from '../api.ts';
import type { DecodedRisk } from '../risk-layer.ts';
import { useApi } from '../use-api.ts';
import { cellCentre, type DistrictLocator, type MapMode, type PriorityCell, priorityCells } from './logic.ts';

/** A place named by the server. */
export type Place = NamedHotspots['hotspots'][number]['place'];

export function usePriorityAreas(
  decoded: DecodedRisk | null,
  locate: DistrictLocator,
  district: string,
  mode: MapMode,
): { hotspots: PriorityCell[]; top: number[]; placeOf: Map<number, Place> } {
  const hotspots = useMemo(() => {
    if (!decoded) return [];
    return priorityCells(
      decoded,
      (p) => {
        const c = cellCentre(decoded.corners, p);
        return locate(c.lng, c.lat);
      },
      district,
    );
  }, [decoded, locate, district]);
  const top = useMemo(() => hotspots.map((h) => h.p), [hotspots]);

  const named = useApi(
    'GET /api/v1/forecasts/:id/hotspots',
    mode === 'forecast' && decoded ? { id: decoded.forecast.id, limit: 10, district } : null,
  ).data;
  const placeOf = useMemo(() => {
    const byCell = new Map<number, Place>();
    if (named && decoded && named.forecastId === decoded.forecast.id)
      for (const h of named.hotspots) byCell.set(h.cell, h.place);
    return byCell;
  }, [named, decoded]);

  return { hotspots, top, placeOf };
}
