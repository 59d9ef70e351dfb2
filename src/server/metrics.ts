/**
 * Prometheus metrics, defined once with bounded labels: HTTP metrics are labelled by the route
 * template (`/api/v1/forecasts/:id`), never the raw path; domain gauges are read from the store at
 * scrape time, so they are right whichever process (CLI or server) changed the data. The registry is
 * injected so that every test gets a fresh one.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, type Registry } from 'prom-client';
import type { DomainGauges } from '../services/health.ts';

/** The metrics of one server. */
export interface ServerMetrics {
  requests: Counter<'method' | 'route' | 'status'>;
  duration: Histogram<'method' | 'route'>;
}

/** Where the gauges come from. */
export interface MetricSources {
  /** Per study area, the newest incident time in seconds since the epoch. */
  dataFreshness: () => Promise<{ area: string; latest: number | null }[]>;
  domain: () => Promise<DomainGauges>;
}

/** Registers every metric. */
export function createMetrics(registry: Registry, sources: MetricSources): ServerMetrics {
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
      for (const row of await sources.dataFreshness())
        if (row.latest !== null) this.set({ area: row.area }, row.latest);
    },
  });
  // One read of the domain numbers per scrape, shared by the gauges below.
  let pending: Promise<DomainGauges> | null = null;
  const domain = (): Promise<DomainGauges> => {
    pending ??= sources.domain().finally(() => {
      setImmediate(() => {
        pending = null;
      });
    });
    return pending;
  };
  new Gauge({
    name: 'vigia_forecast_age_seconds',
    help: 'Seconds since the newest forecast of each study area was made',
    labelNames: ['area'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const now = Date.now() / 1000;
      for (const f of (await domain()).forecastCreated) this.set({ area: f.area }, now - f.created);
    },
  });
  new Gauge({
    name: 'vigia_ingest_rows',
    help: 'Rows processed by finished ingest batches, per study area and outcome (accepted, existing, rejected)',
    labelNames: ['area', 'outcome'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const r of (await domain()).ingestRows) {
        this.set({ area: r.area, outcome: 'accepted' }, r.accepted);
        this.set({ area: r.area, outcome: 'existing' }, r.existing);
        this.set({ area: r.area, outcome: 'rejected' }, r.rejected);
      }
    },
  });
  new Gauge({
    name: 'vigia_backtest_hit_rate',
    help: 'Hit rate at 5 % of the area of the deployed model (newest forecast) in its latest backtest report',
    labelNames: ['area', 'group', 'model'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const b of (await domain()).backtestHitRate)
        this.set({ area: b.area, group: b.group, model: b.model }, b.hitRate);
    },
  });
  return { requests, duration };
}
