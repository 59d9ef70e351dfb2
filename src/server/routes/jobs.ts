/**
 * The job engine's dead letters: jobs whose retries are spent, and retrying one (admins, analysts);
 * rolling backtests and briefing drafts started as jobs, and any job's record.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { responses } from '../../contract/api.ts';
import { CRIME_GROUPS } from '../../core/taxonomy.ts';
import { HORIZONS, PREDICTOR_KINDS } from '../../services/backtest.ts';
import {
  failedJobs,
  type JobView,
  jobRecord,
  retryFailedJob,
  submitBacktest,
  submitBriefing,
} from '../../services/jobs.ts';
import { accessOf, auditContext } from '../auth.ts';
import { ruleFor } from '../permissions.ts';
import { areaParam, dayParam, idParams, type RouteDeps, typed } from './deps.ts';

/** The route that starts (or, for scheduled work, manages) each kind of job: who may see its records. */
const STARTED_BY: Record<JobView['kind'], [string, string]> = {
  ingest: ['POST', '/api/v1/ingest/jobs'],
  backtest: ['POST', '/api/v1/jobs/backtests'],
  briefing: ['POST', '/api/v1/jobs/briefings'],
  retrain: ['POST', '/api/v1/models/promote'],
  forecast: ['POST', '/api/v1/models/promote'],
};

const laterThan = (b: { from: string; to: string }) => b.to > b.from;

/** A rolling backtest: the options of `vigia backtest` (model kinds; no files, the report is stored). */
const backtestBody = z
  .strictObject({
    area: areaParam,
    group: z.enum(Object.keys(CRIME_GROUPS) as [string, ...string[]]).default('property'),
    from: dayParam.describe('primer día del periodo de prueba (hora local)'),
    to: dayParam.describe('día siguiente al último del periodo de prueba'),
    horizon: z.enum(HORIZONS).default('day'),
    models: z
      .array(z.enum(PREDICTOR_KINDS as [string, ...string[]]))
      .max(12)
      .default([])
      .describe('modelos (naive-counts y random siempre se incluyen)'),
    cellSize: z.number().int().min(75).max(500).optional().describe('lado de celda en metros'),
    seed: z.number().int().min(0).optional(),
  })
  .refine(laterThan, { path: ['to'], message: '"to" debe ser posterior a "from"' });

/** A committee briefing (one district) or a community bulletin (whole months): as POST /api/v1/texts. */
const briefingBody = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('briefing'),
      district: z.string().max(10).describe('código de distrito (ubigeo)'),
      area: areaParam,
      from: dayParam.describe('primer día'),
      to: dayParam.describe('último día (incluido)'),
    }),
    z.strictObject({
      kind: z.literal('bulletin'),
      district: z.string().max(10).optional().describe('código de distrito (ubigeo); sin él, toda el área'),
      area: areaParam,
      from: dayParam.describe('primer día de un mes'),
      to: dayParam.describe('último día de un mes'),
    }),
  ])
  .refine((b) => b.to >= b.from, { path: ['to'], message: '"to" no puede ser anterior a "from"' });

export function registerJobRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = typed(app);
  api.get(
    '/api/v1/jobs/failed',
    {
      schema: {
        response: responses('GET /api/v1/jobs/failed'),
        tags: ['trabajos'],
        summary: 'Trabajos fallidos (reintentos agotados), más recientes primero',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
      },
    },
    async (request) => ({ jobs: await failedJobs(deps.db, deps.jobs, request.query.limit) }),
  );
  api.post(
    '/api/v1/jobs/failed/:id/retry',
    {
      schema: {
        response: responses('POST /api/v1/jobs/failed/:id/retry'),
        tags: ['trabajos'],
        summary: 'Vuelve a encolar un trabajo fallido (con reintentos nuevos); auditado',
        params: z.object({ id: z.uuid('id de trabajo inválido') }),
      },
    },
    async (request) => ({
      retried: await retryFailedJob(deps.db, deps.jobs, request.params.id, auditContext(request)),
    }),
  );
  api.post(
    '/api/v1/jobs/backtests',
    {
      schema: {
        response: responses('POST /api/v1/jobs/backtests'),
        tags: ['trabajos'],
        summary:
          'Encola un backtest de origen móvil (como vigia backtest); el resultado nombra el reporte guardado (backtestId)',
        body: backtestBody,
      },
    },
    async (request, reply) => {
      const { area, cellSize, seed, ...b } = request.body;
      const job = await submitBacktest(
        deps.db,
        deps.jobs,
        {
          ...b,
          area: area ?? deps.defaultArea,
          ...(cellSize === undefined ? {} : { cellSize }),
          ...(seed === undefined ? {} : { seed }),
        },
        auditContext(request),
      );
      return reply.status(202).send({ job: await jobRecord(deps.db, job.id) });
    },
  );
  api.post(
    '/api/v1/jobs/briefings',
    {
      schema: {
        response: responses('POST /api/v1/jobs/briefings'),
        tags: ['trabajos'],
        summary:
          'Encola un informe CODISEC o un boletín comunitario (como POST /texts); el resultado nombra el borrador (textId)',
        body: briefingBody,
      },
    },
    async (request, reply) => {
      const { area, district, ...b } = request.body;
      const job = await submitBriefing(
        deps.db,
        deps.jobs,
        { ...b, area: area ?? deps.defaultArea, ...(district ? { district } : {}) },
        auditContext(request),
      );
      return reply.status(202).send({ job: await jobRecord(deps.db, job.id) });
    },
  );
  api.get(
    '/api/v1/jobs/:id',
    {
      schema: {
        response: responses('GET /api/v1/jobs/:id'),
        tags: ['trabajos'],
        summary: 'Estado y resultado de un trabajo de un tipo que el rol puede iniciar',
        params: idParams,
      },
    },
    async (request) => {
      const role = accessOf(request).principal.role;
      const visible = (kind: JobView['kind']) => ruleFor(...STARTED_BY[kind])?.roles[role] !== undefined;
      return { job: await jobRecord(deps.db, request.params.id, visible) };
    },
  );
}
