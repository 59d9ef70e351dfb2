/**
 * Prometheus metrics, defined once with bounded labels: HTTP metrics are labelled by the route
 * template (`/api/v1/forecasts/:id`), never the raw path; domain gauges are read from the store at
 * scrape time, so they are right whichever process (CLI or server) changed the data. The registry is
 * injected so that every test gets a fresh one.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, type Registry } from 'prom-client';
import type { DomainGauges } from '../services/health.ts';
import type { FeatureDrift, JobGauges, ScoredForecasts } from '../services/model-monitoring.ts';

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
  /** Rolling scores of the forecasts already scored against what happened (services/model-monitoring.ts). */
  scored: () => Promise<ScoredForecasts[]>;
  /** PSI per feature of each deployed learned model (services/model-monitoring.ts). */
  drift: () => Promise<FeatureDrift[]>;
  /** The job queue (services/model-monitoring.ts `jobGauges`: the job engine feeds it). */
  jobs: () => Promise<JobGauges>;
}

/** One read per scrape, shared by the gauges that call it. */
function perScrape<T>(read: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= read().finally(() => {
      setImmediate(() => {
        pending = null;
      });
    });
    return pending;
  };
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
  const domain = perScrape(sources.domain);
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
  gaugesOf(
    registry,
    async () => (await domain()).champions,
    ['area', 'group', 'horizon', 'model'] as const,
    (r) => ({ area: r.area, group: r.group, horizon: r.horizon, model: r.model }),
    [
      {
        name: 'vigia_deployed_model_version',
        help: 'Version of the current champion (model registry) of each area, crime group and horizon; its label model is the kind',
        value: (r) => r.version,
      },
    ],
  );
  registerModelGauges(registry, perScrape(sources.scored));
  registerJobGauges(registry, perScrape(sources.jobs));
  registerDriftGauges(registry, perScrape(sources.drift));
  return { requests, duration };
}

/** Gauges of a labelled reading: one per field, reset and set at each scrape. */
function gaugesOf<R, L extends string>(
  registry: Registry,
  read: () => Promise<R[]>,
  labelNames: readonly L[],
  labels: (r: R) => Record<L, string>,
  fields: { name: string; help: string; value: (r: R) => number }[],
): void {
  for (const f of fields)
    new Gauge({
      name: f.name,
      help: f.help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        for (const r of await read()) this.set(labels(r), f.value(r));
      },
    });
}

function registerModelGauges(registry: Registry, scored: () => Promise<ScoredForecasts[]>): void {
  const scope =
    'of the stored forecasts whose window has ended, last 28 target days before the newest incident';
  gaugesOf(
    registry,
    scored,
    ['area', 'group', 'turno', 'model'] as const,
    (r) => ({ area: r.area, group: r.group, turno: r.turno, model: r.model }),
    [
      {
        name: 'vigia_forecast_hit_rate',
        help: `Rolling hit rate at 5 % of the area ${scope}`,
        value: (r) => r.hitRate,
      },
      { name: 'vigia_forecast_pai', help: `Rolling PAI at 5 % of the area ${scope}`, value: (r) => r.pai },
      {
        name: 'vigia_forecast_scored_windows',
        help: `Forecast windows scored (with at least one incident) ${scope}`,
        value: (r) => r.windows,
      },
      {
        name: 'vigia_forecast_scored_events',
        help: `Incidents in the scored windows ${scope}`,
        value: (r) => r.events,
      },
    ],
  );
}

function registerDriftGauges(registry: Registry, drift: () => Promise<FeatureDrift[]>): void {
  gaugesOf(
    registry,
    drift,
    ['area', 'group', 'model', 'feature'] as const,
    (r) => ({ area: r.area, group: r.group, model: r.model, feature: r.feature }),
    [
      {
        name: 'vigia_feature_psi',
        help: 'Population stability index of each feature of the deployed learned model: training period vs the latest 14 windows',
        value: (r) => r.psi,
      },
    ],
  );
}

function registerJobGauges(registry: Registry, jobs: () => Promise<JobGauges>): void {
  gaugesOf(
    registry,
    async () => (await jobs()).states,
    ['kind', 'state'] as const,
    (r) => ({ kind: r.kind, state: r.state }),
    [
      {
        name: 'vigia_jobs',
        help: 'Jobs per kind and state (queue depth: state queued)',
        value: (r) => r.count,
      },
    ],
  );
  gaugesOf(
    registry,
    async () => (await jobs()).recent,
    ['kind'] as const,
    (r) => ({ kind: r.kind }),
    [
      {
        name: 'vigia_jobs_finished_24h',
        help: 'Jobs finished in the last 24 hours, per kind',
        value: (r) => r.finished,
      },
      {
        name: 'vigia_jobs_failed_24h',
        help: 'Jobs that failed in the last 24 hours, per kind',
        value: (r) => r.failed,
      },
      {
        name: 'vigia_job_run_seconds_mean_24h',
        help: 'Mean run time of the jobs finished in the last 24 hours, per kind',
        value: (r) => r.meanSeconds,
      },
      {
        name: 'vigia_job_run_seconds_max_24h',
        help: 'Longest run time of the jobs finished in the last 24 hours, per kind',
        value: (r) => r.maxSeconds,
      },
    ],
  );
  gaugesOf(
    registry,
    async () => (await jobs()).engine,
    ['queue', 'state'] as const,
    (r) => ({ queue: r.queue, state: r.state }),
    [
      {
        name: 'vigia_engine_jobs',
        help: 'Jobs of the job engine (pg-boss) per queue and state (created = waiting)',
        value: (r) => r.count,
      },
    ],
  );
  gaugesOf(
    registry,
    async () => (await jobs()).deadLetters,
    ['queue'] as const,
    (r) => ({ queue: r.queue }),
    [
      {
        name: 'vigia_jobs_dead_letter',
        help: 'Jobs whose retries are spent (dead-lettered), per queue',
        value: (r) => r.count,
      },
    ],
  );
  gaugesOf(
    registry,
    async () => (await jobs()).oldestQueuedSeconds,
    ['kind'] as const,
    (r) => ({ kind: r.kind }),
    [
      {
        name: 'vigia_job_oldest_queued_seconds',
        help: 'Seconds the oldest queued job of each kind has waited (queue latency)',
        value: (r) => r.seconds,
      },
    ],
  );
}
