/** The job engine's dead letters: jobs whose retries are spent, and retrying one (admins, analysts). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { responses } from '../../contract/api.ts';
import { failedJobs, retryFailedJob } from '../../services/jobs.ts';
import { auditContext } from '../auth.ts';
import { type RouteDeps, typed } from './deps.ts';

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
}
