/**
 * The HTTP server's composition: request ids and structured logs, metrics by route template,
 * errors mapped in one place, and the operational endpoints (/healthz, /readyz, /metrics). API
 * routes with accounts and roles come next (issue 5) and plug in here.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { latestIncidentTimes, readiness } from '../services/health.ts';
import type { Db } from '../storage/db.ts';
import { handleError, handleNotFound } from './errors.ts';
import { createMetrics } from './metrics.ts';

/** What the server needs. */
export interface AppOptions {
  db: Db;
  /** pino level for request logs (default 'info'); 'silent' in tests. */
  logLevel?: string;
  /** Metrics registry (default: a new one). */
  registry?: Registry;
  /** Largest accepted request body, bytes (default 1 MiB). */
  bodyLimit?: number;
}

/** Builds the app (not listening yet). */
export function buildApp(options: AppOptions): FastifyInstance {
  const registry = options.registry ?? new Registry();
  const app = Fastify({
    logger: { level: options.logLevel ?? 'info' },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: options.bodyLimit ?? 1 << 20,
  });
  const metrics = createMetrics(registry, () => latestIncidentTimes(options.db));

  app.addHook('onSend', async (request, reply, payload) => {
    void reply.header('x-request-id', request.id);
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route template, never the raw URL: bounded label values.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const r = await readiness(options.db);
    return reply.status(r.ready ? 200 : 503).send(r);
  });
  app.get('/metrics', async (_request, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return app;
}
