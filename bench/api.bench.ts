/**
 * API benchmark on loopback: the real `vigia serve` in its own process over the 5-year synthetic
 * Callao data (150k incidents) and stored turno forecasts, loaded by autocannon from this process
 * with 50 concurrent connections and a bearer token, for a bounded time per endpoint.
 *
 *   node --import tsx bench/api.bench.ts [--seconds 10] [--connections 50] [--store embedded|postgresql]
 *
 * `embedded` (default) uses the embedded store in a temporary data folder; `postgresql` starts a
 * private, durable Debian PostgreSQL server. Results are printed, written to
 * bench/out/api-<store>.json and recorded in bench/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import autocannon from 'autocannon';
import { startTestPostgres } from '../src/test/postgres-server.ts';
import { serveDemo } from './serve-demo.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const seconds = Number(arg('seconds') ?? 10);
const connections = Number(arg('connections') ?? 50);
const store = arg('store') ?? 'embedded';
const pgServer = store === 'postgresql' ? await startTestPostgres({ durable: true }) : null;
const databaseUrl = pgServer?.url;

const t0 = performance.now();
// The limiter stays in the path (its cost is measured) but does not cap one busy token.
const demo = await serveDemo({
  ...(databaseUrl ? { databaseUrl } : {}),
  env: { VIGIA_RATE_LIMIT_PER_MINUTE: '1000000000' },
});
const { base, token } = demo;
console.log(`setup ${((performance.now() - t0) / 1000).toFixed(1)} s (150k incidents, turno forecasts)`);

const TARGETS = [
  { name: 'current forecast, compact grid', path: '/api/v1/forecasts/current?group=property&turno=noche' },
  {
    name: 'current forecast, GeoJSON',
    path: '/api/v1/forecasts/current?group=property&turno=noche&format=geojson',
  },
  {
    name: 'incident query (50 rows, district filter, audited)',
    path: '/api/v1/incidents?limit=50&district=070101',
  },
];

const results: Record<string, unknown>[] = [];
for (const target of TARGETS) {
  const url = `${base}${target.path}`;
  const headers = { authorization: `Bearer ${token}` };
  const check = await fetch(url, { headers });
  const bytes = (await check.arrayBuffer()).byteLength;
  if (!check.ok) throw new Error(`${target.name}: ${check.status}`);
  await autocannon({ url, headers, connections, duration: 2 }); // warm-up
  const r = await autocannon({ url, headers, connections, duration: seconds });
  const row = {
    endpoint: target.name,
    responseBytes: bytes,
    requestsPerSecond: Math.round(r.requests.average),
    p50ms: r.latency.p50,
    p99ms: r.latency.p99,
    maxMs: r.latency.max,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
  results.push(row);
  console.log(row);
}

// Scenario: one user hammers the aggregate routes (unfiltered, as the dashboard asks) while
// `connections` connections read the current forecast; the forecast read must stay fast.
const aggregateConnections = Number(arg('aggregate-connections') ?? 30);
const headers = { authorization: `Bearer ${token}` };
const AGGREGATES = ['/api/v1/stats/trends', '/api/v1/stats', '/api/v1/stats/turnos'];
const [forecastUnderLoad, ...hammered] = await Promise.all([
  autocannon({ url: `${base}${TARGETS[0]?.path}`, headers, connections, duration: seconds }),
  ...AGGREGATES.map((path) =>
    autocannon({
      url: `${base}${path}`,
      headers,
      connections: Math.max(1, Math.round(aggregateConnections / AGGREGATES.length)),
      duration: seconds,
    }),
  ),
]);
const scenario = {
  forecast: {
    connections,
    requestsPerSecond: Math.round(forecastUnderLoad.requests.average),
    p50ms: forecastUnderLoad.latency.p50,
    p99ms: forecastUnderLoad.latency.p99,
    maxMs: forecastUnderLoad.latency.max,
    non2xx: forecastUnderLoad.non2xx,
  },
  aggregates: AGGREGATES.map((path, i) => {
    const r = hammered[i] as autocannon.Result;
    return {
      path,
      requestsPerSecond: Math.round(r.requests.average),
      ok: r['2xx'],
      refused429: r.non2xx,
      p50ms: r.latency.p50,
      p99ms: r.latency.p99,
    };
  }),
};
console.log('\none user hammers the aggregates while the forecast is read:');
console.log(scenario.forecast);
console.table(scenario.aggregates);

await demo.stop();
pgServer?.stop();

const machine = `${cpus().length} vCPU ${cpus()[0]?.model ?? ''}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
mkdirSync('bench/out', { recursive: true });
writeFileSync(
  `bench/out/api-${store}.json`,
  `${JSON.stringify(
    { date: new Date().toISOString(), machine, store, seconds, connections, results, scenario },
    null,
    2,
  )}\n`,
);
console.log(`\n${machine}; ${connections} connections, ${seconds} s per endpoint`);
console.table(results);
