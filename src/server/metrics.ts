/**
 * Prometheus metrics, defined once with bounded labels: HTTP metrics are labelled by the route
 * template (`/api/v1/incidents/:id`), never the raw path; domain gauges are read from the store at
 * scrape time. The registry is injected so that every test gets a fresh one.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, type Registry } from 'prom-client';

/** The metrics of one server. */
export interface ServerMetrics {
  requests: Counter<'method' | 'route' | 'status'>;
  duration: Histogram<'method' | 'route'>;
}

/**
 * Registers every metric.
 * @param dataFreshness returns, per study area, the newest incident time in seconds since the epoch
 */
export function createMetrics(
  registry: Registry,
  dataFreshness: () => Promise<{ area: string; latest: number | null }[]>,
): ServerMetrics {
  collectDefaultMetrics({ register: registry, prefix: 'vigia_' });
  const requests = new Counter({
    name: 'vigia_http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'vigia_http_request_duration_seconds',
    help: 'HTTP request duration by method and route template',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'vigia_data_latest_incident_timestamp_seconds',
    help: 'Occurrence time of the newest stored incident, per study area (data freshness)',
    labelNames: ['area'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await dataFreshness())
        if (row.latest !== null) this.set({ area: row.area }, row.latest);
    },
  });
  return { requests, duration };
}
