/**
 * The HTTP server's composition: request ids and structured logs, security headers, zod
 * validation with an OpenAPI document and interactive docs, rate limits, authentication and the
 * permission table, errors mapped in one place, metrics by route template, and the routes.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  ResponseSerializationError,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { Registry } from 'prom-client';
import { z } from 'zod';
import {
  DEFAULT_HTTP_SETTINGS,
  DEFAULT_STALE_DATA_DAYS,
  type HttpSettings,
  type JobSettings,
  type LifecycleSettings,
  type LlmSettings,
  NO_LLM,
} from '../config/env.ts';
import { ValidationError } from '../core/errors.ts';
import { domainGauges, latestIncidentTimes, readiness } from '../services/health.ts';
import { DEFAULT_JOB_ENGINE_SETTINGS, JobEngine } from '../services/job-engine.ts';
import { jobsIdle, workJobs } from '../services/jobs.ts';
import { DEFAULT_LIFECYCLE } from '../services/model-lifecycle.ts';
import { featureDrift, jobGauges, scoredForecasts } from '../services/model-monitoring.ts';
import type { Db } from '../storage/db.ts';
import { installAuth } from './auth.ts';
import { handleError, handleNotFound } from './errors.ts';
import { createMetrics } from './metrics.ts';
import { registerAdminRoutes } from './routes/admin.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerCellWhyRoutes } from './routes/cell-why.ts';
import { registerDataRoutes } from './routes/data.ts';
import { registerEmergingRoutes } from './routes/emerging.ts';
import { registerExportRoutes } from './routes/exports.ts';
import { registerForecastRoutes } from './routes/forecasts.ts';
import { registerIngestRoutes } from './routes/ingest.ts';
import { registerJobRoutes } from './routes/jobs.ts';
import { registerModelLifecycleRoutes } from './routes/model-lifecycle.ts';
import { registerNarrativeRoutes } from './routes/narratives.ts';
import { registerPatrolAccountabilityRoutes } from './routes/patrol-accountability.ts';
import { registerPreventionRoutes } from './routes/prevention.ts';
import { registerReferenceRoutes } from './routes/reference.ts';
import { registerTextRoutes } from './routes/texts.ts';

// Validation messages in Spanish (the API's clients are Callao's users).
z.config(z.locales.es());

/** What the server needs. */
export interface AppOptions {
  db: Db;
  /** Study area used when a request names none. */
  defaultArea?: string;
  /** IANA zone of local days in requests (default America/Lima). */
  timeZone?: string;
  /** Folder for uploads waiting to be ingested. */
  uploadDir: string;
  /** pino level for request logs (default 'info'); 'silent' in tests. */
  logLevel?: string;
  /** Where the JSON log lines go (default stdout); tests read them. */
  logStream?: { write(line: string): void };
  /** Metrics registry (default: a new one). */
  registry?: Registry;
  /** Largest accepted JSON request body, bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Security and limits (default: the configuration defaults). */
  http?: Partial<HttpSettings>;
  /** The built dashboard (default: web/dist of this package; `npm run build:web`). */
  webDir?: string;
  /** Base-map tiles for the dashboard (default none: vector layers only). */
  tiles?: { url: string; attribution: string } | null;
  /** Data older than this many days is reported as stale (default VIGIA_STALE_DATA_DAYS's, 7). */
  staleDataDays?: number;
  /** The language model of summaries (default none: the built-in method). */
  llm?: LlmSettings;
  /** Promotion settings (default DEFAULT_LIFECYCLE: VIGIA_PROMOTION_* defaults). */
  lifecycle?: LifecycleSettings;
  /** Background jobs (default: run in this process, the engine's default settings). */
  jobs?: JobSettings;
  /** With jobs inline: also keep the cron schedules (retraining, forecasts before each turno). */
  schedule?: boolean;
}

/** The origin a tile template loads images from, for the CSP ("{s}" subdomains → wildcard). */
function tileOrigin(url: string): string {
  const m = /^(https?:\/\/[^/]+)/.exec(url.replace('{s}', '*'));
  return m ? (m[1] as string) : "'none'";
}

const WEB_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** The app, its job engine (started when ready, stopped on close) and its API routes. */
export type VigiaApp = FastifyInstance & {
  jobs: JobEngine;
  /** Resolves once no job is queued or running (tests). */
  ingestQueue: { idle(): Promise<void> };
  apiRoutes: readonly string[];
};

/** The path of the first string holding a NUL character, or null. */
function nulField(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      const found = nulField(v, path ? `${path}.${k}` : k);
      if (found) return found;
    }
  return null;
}

/**
 * Response serializer: the JSON that goes out is checked against the route's contract schema
 * (src/contract/api.ts). The sent text is exactly what the handler returned (Dates as ISO strings),
 * so declaring a schema never reorders or drops fields. On a mismatch, `drift` decides: 'fail'
 * answers 500 (tests), 'log' logs the route and the problems and sends the answer (production: a
 * documentation mismatch must not take a route down), checking a sample of the answers.
 */
/** With drift 'log', one answer in this many per route and status is checked (the first always). */
const LOG_CHECK_EVERY = 100;

function contractSerializer(drift: HttpSettings['contractDrift'], log: FastifyBaseLogger) {
  return ({
    schema,
    method,
    url,
    httpStatus,
  }: {
    schema: unknown;
    method: string;
    url: string;
    httpStatus?: string;
  }) => {
    const check = schema instanceof z.ZodType ? schema : null;
    let answers = 0;
    return (data: unknown): string => {
      const json = JSON.stringify(data);
      // 'log' (production) checks a route's first answer and then one in LOG_CHECK_EVERY: drift is
      // structural, and parsing every answer again would cost the hot routes for nothing.
      const due = drift === 'fail' || answers++ % LOG_CHECK_EVERY === 0;
      const r = due ? check?.safeParse(JSON.parse(json)) : undefined;
      if (r && !r.success) {
        if (drift === 'fail') throw new ResponseSerializationError(method, url, { cause: r.error });
        log.error(
          {
            route: `${method} ${url}`,
            status: httpStatus,
            problems: r.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`),
          },
          'answer does not match its contract schema (sent anyway)',
        );
      }
      return json;
    };
  };
}

/** Builds the app (not listening yet). */
export function buildApp(options: AppOptions): VigiaApp {
  const settings: HttpSettings = { ...DEFAULT_HTTP_SETTINGS, ...options.http };
  const registry = options.registry ?? new Registry();
  const db = options.db;
  const app = Fastify({
    logger: {
      level: options.logLevel ?? 'info',
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: options.bodyLimit ?? 1 << 20,
    trustProxy: settings.trustProxy,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(contractSerializer(settings.contractDrift, app.log));
  app.setErrorHandler(handleError);
  const webDir = options.webDir ?? WEB_DIR;
  const hasWeb = existsSync(`${webDir}/index.html`);
  // Unknown paths: JSON 404 for the API; the dashboard's page for browser routes.
  app.setNotFoundHandler((request, reply) => {
    const html =
      request.method === 'GET' &&
      !request.url.startsWith('/api/') &&
      (request.headers.accept ?? '').includes('text/html');
    if (html && hasWeb) return reply.header('cache-control', 'no-cache').sendFile('index.html');
    return handleNotFound(request, reply);
  });

  // Jobs go to the engine; with mode 'inline' this process also works on them (and supervises leases).
  const jobSettings = options.jobs ?? { mode: 'inline', engine: DEFAULT_JOB_ENGINE_SETTINGS };
  const inline = jobSettings.mode === 'inline';
  const schedule = inline && options.schedule === true;
  const engine = new JobEngine(db, jobSettings.engine, { supervise: inline, schedule });
  const metrics = createMetrics(registry, {
    dataFreshness: () => latestIncidentTimes(db),
    domain: () => domainGauges(db),
    scored: () => scoredForecasts(db),
    jobs: () => jobGauges(db),
    drift: () => featureDrift(db),
  });
  app.addHook('onSend', async (request, reply, payload) => {
    void reply.header('x-request-id', request.id);
    if (request.url.startsWith('/api/')) void reply.header('cache-control', 'no-store');
    return payload;
  });
  // PostgreSQL text cannot hold NUL: refuse it in any parameter instead of failing in the database.
  app.addHook('preValidation', async (request) => {
    const field = nulField({ querystring: request.query, params: request.params, body: request.body });
    if (field) throw new ValidationError(field, 'contiene un carácter nulo (\\u0000)');
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route template, never the raw URL: bounded label values.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  // Rate limits per route: API calls per caller (per address before login). Failed logins have
  // their own budget per account and per address (routes/auth.ts, login-guard.ts).
  const apiRoutes: string[] = [];
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    for (const m of [route.method].flat()) if (m !== 'HEAD') apiRoutes.push(`${m} ${route.url}`);
    if (settings.rateLimitPerMinute === 0) return;
    route.config = {
      ...(route.config as object),
      rateLimit: { max: settings.rateLimitPerMinute, timeWindow: 60_000 },
    } as typeof route.config;
  });
  app.addHook('onClose', async () => {
    await engine.stop();
  });

  void app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', ...(options.tiles ? [tileOrigin(options.tiles.url)] : [])],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
      },
    },
  });
  void app.register(fastifyCookie);
  void app.register(fastifyRateLimit, {
    global: false,
    hook: 'preHandler',
    keyGenerator: (r) => (r.access ? `user:${r.access.principal.userId}` : `ip:${r.ip}`),
    errorResponseBuilder: (_r, ctx) => ({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: `Demasiadas solicitudes; intente de nuevo en ${Math.ceil(ctx.ttl / 1000)} s / too many requests`,
    }),
  });
  void app.register(fastifyMultipart, {
    // Keep the client's full file name so that names with folders are refused, not silently cut.
    preservePath: true,
    limits: { fileSize: settings.uploadMaxBytes, files: 1, fields: 5, parts: 6, fieldSize: 1024 },
  });
  void app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vigía API',
        description:
          'Predicción y prevención del delito en el Callao. Autenticación: token (Authorization: Bearer vgt_…) o sesión (cookie vigia_session + cabecera x-csrf-token en operaciones que modifican).',
        version: '1',
      },
      components: {
        securitySchemes: {
          token: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'vigia_session' },
        },
      },
      security: [{ token: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  void app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  // The dashboard: hashed assets cached for a year, index.html always revalidated.
  if (hasWeb)
    void app.register(fastifyStatic, {
      root: webDir,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      setHeaders: (res, path) => {
        void res.header(
          'cache-control',
          path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  else
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('El tablero no está construido: ejecute "npm run build:web" / dashboard not built'),
    );
  void app.register(async (api) => {
    installAuth(api, db, settings);
    const deps = {
      db,
      tiles: options.tiles ?? null,
      defaultArea: options.defaultArea ?? 'callao',
      timeZone: options.timeZone ?? 'America/Lima',
      staleDataDays: options.staleDataDays ?? DEFAULT_STALE_DATA_DAYS,
      settings,
      jobs: engine,
      uploadDir: options.uploadDir,
      llm: options.llm ?? NO_LLM,
      lifecycle: options.lifecycle ?? DEFAULT_LIFECYCLE,
    };
    registerAuthRoutes(api, deps);
    registerReferenceRoutes(api, deps);
    registerDataRoutes(api, deps);
    registerExportRoutes(api, deps);
    registerForecastRoutes(api, deps);
    registerCellWhyRoutes(api, deps);
    registerEmergingRoutes(api, deps);
    registerIngestRoutes(api, deps);
    registerNarrativeRoutes(api, deps);
    registerPreventionRoutes(api, deps);
    registerPatrolAccountabilityRoutes(api, deps);
    registerTextRoutes(api, deps);
    registerModelLifecycleRoutes(api, deps);
    registerJobRoutes(api, deps);
    registerAdminRoutes(api, deps);
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    const r = await readiness(db, {
      area: options.defaultArea ?? 'callao',
      staleAfterDays: options.staleDataDays ?? DEFAULT_STALE_DATA_DAYS,
      log: request.log,
    });
    return reply.status(r.ready ? 200 : 503).send(r);
  });
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.addHook('onReady', async () => {
    if (inline)
      await workJobs(
        engine,
        db,
        app.log,
        schedule
          ? {
              timeZone: options.timeZone ?? 'America/Lima',
              lifecycle: options.lifecycle ?? DEFAULT_LIFECYCLE,
            }
          : undefined,
        options.llm ?? NO_LLM,
      );
    else await engine.start([]);
  });
  return Object.assign(app, {
    jobs: engine,
    ingestQueue: { idle: () => jobsIdle(db) },
    apiRoutes,
  }) as unknown as VigiaApp;
}
