/**
 * What the cell panel shows of the selected cell beyond the grid itself: its last 12 months and,
 * for roles that may see them, its recent incidents; and its most likely crime types this turno.
 * (The "why" is asked for by CellWhy itself.)
 */
import { useEffect, useState } from 'react';
import { type Answer, type CrimeTypes, get } from '../api.ts';
import { t } from '../i18n.ts';
import type { DecodedRisk } from '../risk-layer.ts';
import { cellBbox, type MapMode, trendPeriod } from './logic.ts';

export interface CellDetail {
  months: { month: string; count: number | null }[];
  total: number;
  incidents: Answer<'GET /api/v1/incidents'>['items'] | null;
}

/** The cell panel's crime-type line: asked for on each click, its own loading and error states. */
export type Likely =
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'ok'; data: CrimeTypes };

/** Roles that may list a cell's recent incidents (the server's field rules apply). */
const INCIDENT_ROLES = new Set(['admin', 'analyst', 'officer']);

/** Roles that may ask for a cell's most likely crime types (the server's forecast roles). */
const CRIME_TYPE_ROLES = new Set(['admin', 'analyst', 'officer', 'planner', 'official', 'researcher']);

export function useCellDetail(
  decoded: DecodedRisk | null,
  selected: number,
  { group, role, mode }: { group: string; role: string; mode: MapMode },
): { detail: CellDetail | null; likely: Likely | null } {
  const [detail, setDetail] = useState<CellDetail | null>(null);
  const [likely, setLikely] = useState<Likely | null>(null);

  // The selected cell's last 12 months and, for roles that may see them, its recent incidents.
  useEffect(() => {
    setDetail(null);
    if (!decoded || selected < 0) return;
    let cancelled = false;
    const bbox = cellBbox(decoded.corners, selected);
    const { from, to } = trendPeriod(decoded.forecast.targetDay);
    Promise.all([
      get('GET /api/v1/stats/trends', { group, bbox, from, to }),
      INCIDENT_ROLES.has(role)
        ? get('GET /api/v1/incidents', { group, bbox, limit: 5, to })
        : Promise.resolve(null),
    ])
      .then(([trend, recent]) => {
        if (cancelled) return;
        const points = trend.series.find((x) => x.district === null)?.points ?? [];
        setDetail({
          months: points,
          total: points.reduce((a, p) => a + (p.count ?? 0), 0),
          incidents: recent?.items ?? null,
        });
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [decoded, selected, group, role]);

  // The selected cell's most likely crime types this turno (forecast maps, roles that may ask).
  useEffect(() => {
    setLikely(null);
    if (!decoded || selected < 0 || mode !== 'forecast' || !CRIME_TYPE_ROLES.has(role)) return;
    let cancelled = false;
    setLikely({ state: 'loading' });
    const f = decoded.forecast;
    get('GET /api/v1/crime-types', {
      cell: decoded.cells[selected],
      day: f.targetDay,
      group: f.group,
      turno: f.turno,
    })
      .then((data) => {
        if (!cancelled) setLikely({ state: 'ok', data });
      })
      .catch((e: unknown) => {
        if (!cancelled)
          setLikely({ state: 'error', message: e instanceof Error ? e.message : t('unexpected') });
      });
    return () => {
      cancelled = true;
    };
  }, [decoded, selected, mode, role]);

  return { detail, likely };
}
