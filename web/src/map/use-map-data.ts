/**
 * The risk map's data hooks: the filters the user chose, the districts, the days that have
 * forecasts, and the decoded grid of the chosen forecast (or persistence map).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, api, type Districts, type GridForecast, get } from '../api.ts';
import { t } from '../i18n.ts';
import { shiftAt } from '../local-time.ts';
import { byMonths, byRankShare, type DecodedRisk, decodeForecast } from '../risk-layer.ts';
import { type DistrictLocator, districtLocator, type MapMode } from './logic.ts';

/** What the map shows: crime group, turno, district ('' = all), months (persistence), day ('' = newest). */
export interface MapFilters {
  group: string;
  turno: string;
  district: string;
  months: number;
  day: string;
}

/** The map's filters: the current turno in the study area's zone first, group "property". */
export function useMapFilters(): [MapFilters, (change: Partial<MapFilters>) => void] {
  const [filters, setFilters] = useState<MapFilters>(() => ({
    group: 'property',
    turno: shiftAt().turno,
    district: '',
    months: 12,
    day: '',
  }));
  const change = useCallback((c: Partial<MapFilters>) => setFilters((f) => ({ ...f, ...c })), []);
  return [filters, change];
}

const message = (e: unknown): string => (e instanceof Error ? e.message : t('unexpected'));

/** The area's districts (GeoJSON) and the district under a point. */
export function useDistricts(): {
  districts: Districts | null;
  locate: DistrictLocator;
  error: string | null;
} {
  const [state, setState] = useState<{ districts: Districts | null; error: string | null }>({
    districts: null,
    error: null,
  });
  useEffect(() => {
    get('GET /api/v1/districts')
      .then((districts) => setState({ districts, error: null }))
      .catch((e: unknown) => setState({ districts: null, error: message(e) }));
  }, []);
  const locate = useMemo(() => districtLocator(state.districts), [state.districts]);
  return { ...state, locate };
}

/** The days that have forecasts for a group (newest first); null until they are known for that group. */
export function useForecastDays(group: string, mode: MapMode): string[] | null {
  const [list, setList] = useState<{ group: string; days: string[] } | null>(null);
  useEffect(() => {
    if (mode !== 'forecast') return;
    get('GET /api/v1/forecasts/days', { group })
      .then((r) => setList({ group, days: r.days }))
      .catch(() => setList({ group, days: [] }));
  }, [group, mode]);
  return list?.group === group ? list.days : null;
}

/**
 * The decoded grid of the map: the current forecast of a group, turno and day (asked for once the
 * group's days are known, `days`), or the persistence map of the last `months`. The previous grid
 * stays while the next one is asked for; a missing forecast or a failure clears it with an error.
 */
export function useForecastGrid(
  mode: MapMode,
  filters: Pick<MapFilters, 'group' | 'turno' | 'day' | 'months'>,
  days: string[] | null,
): { decoded: DecodedRisk | null; error: string | null } {
  const { group, turno, day, months } = filters;
  const [state, setState] = useState<{ decoded: DecodedRisk | null; error: string | null }>({
    decoded: null,
    error: null,
  });
  useEffect(() => {
    let cancelled = false;
    setState((s) => ({ ...s, error: null }));
    if (mode === 'forecast') {
      if (days === null) return; // the list of days arrives first
      if (days.length === 0) return setState({ decoded: null, error: t('noForecast') });
    }
    const url =
      mode === 'persistence'
        ? `/hotspots/persistence?group=${group}&months=${months}`
        : `/forecasts/current?group=${group}&turno=${encodeURIComponent(turno)}&format=grid${day ? `&day=${day}` : ''}`;
    api<GridForecast>(
      url,
      {},
      mode === 'persistence' ? 'GET /api/v1/hotspots/persistence' : 'GET /api/v1/forecasts/current',
    )
      .then((f) => {
        if (!cancelled)
          setState({
            decoded: decodeForecast(f, 10, mode === 'persistence' ? byMonths : byRankShare),
            error: null,
          });
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        setState({
          decoded: null,
          error: e instanceof ApiError && e.status === 404 ? t('noForecast') : message(e),
        });
      });
    return () => {
      cancelled = true;
    };
  }, [group, turno, mode, months, day, days]);
  return state;
}
