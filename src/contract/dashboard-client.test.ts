/**
 * The dashboard's side of the contract (web/src/api.ts, web/src/contract-check.ts): typed routes
 * become the right paths, and in development an answer its schema refuses is reported on the
 * console naming the route, the status and the field, while a fitting answer is not.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { routePath } from '../../web/src/api.ts';
import { driftOf, reportDrift } from '../../web/src/contract-check.ts';

/** A trends answer as the server sends it (one district series of one month). */
const trends = {
  area: 'callao',
  view: 'exact',
  series: [
    {
      district: '070101',
      name: 'Callao',
      points: [
        { month: '2025-01', count: 12, suppressed: false, previousYear: 10, change: 0.2, complete: true },
      ],
    },
  ],
};

describe('the dashboard client and the contract', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('fills path parameters and the query string from the route key; leaves empty values out', () => {
    expect(routePath('GET /api/v1/stats/trends')).toBe('/stats/trends');
    expect(routePath('GET /api/v1/forecasts/:id/hotspots', { id: 42, limit: 10, area: null })).toBe(
      '/forecasts/42/hotspots?limit=10',
    );
    expect(routePath('GET /api/v1/patrol-effect', { from: '2025-03-01', to: '', turno: 'mañana' })).toBe(
      '/patrol-effect?from=2025-03-01&turno=ma%C3%B1ana',
    );
    expect(routePath('PATCH /api/v1/users/:id', { id: 'a/b' })).toBe('/users/a%2Fb');
  });

  it('an answer its schema accepts is no drift; one with a field of another type is, named', () => {
    expect(driftOf('GET /api/v1/stats/trends', 200, trends)).toBeNull();
    const drifted = structuredClone(trends) as { series: { points: { count: unknown }[] }[] };
    (drifted.series[0]?.points[0] as { count: unknown }).count = '12';
    const drift = driftOf('GET /api/v1/stats/trends', 200, drifted);
    expect(drift).toContain('GET /api/v1/stats/trends');
    expect(drift).toContain('200');
    expect(drift).toContain('series.0.points.0.count');
    // A missing field is drift too; documents (PDF) and statuses without a schema are not checked.
    const { view: _view, ...missing } = trends;
    expect(driftOf('GET /api/v1/stats/trends', 200, missing)).toContain('view');
    expect(driftOf('GET /api/v1/indicators/report.pdf', 200, 'x')).toBeNull();
  });

  it('reports drift as one console error, and nothing for a fitting answer', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    reportDrift('GET /api/v1/stats/trends', 200, trends);
    expect(errors).not.toHaveBeenCalled();
    reportDrift('GET /api/v1/stats/trends', 200, { ...trends, area: 7 });
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0]?.[0])).toMatch(/^Contrato: .*GET \/api\/v1\/stats\/trends.*area/);
  });
});
