/** The job engine's dead-letter view (GET /api/v1/jobs/failed, POST /api/v1/jobs/failed/:id/retry). */
import { z } from 'zod';

export const failedJob = z.object({
  id: z.string().describe('id del trabajo en el motor (pg-boss)'),
  queue: z.string().describe('cola: vigia-ingest, vigia-retrain, vigia-forecast'),
  jobId: z.number().int().nullable().describe('id del registro del trabajo (GET /api/v1/ingest/jobs/:id)'),
  retries: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.string().describe('ISO 8601'),
  failedAt: z.string().nullable().describe('ISO 8601'),
});

export const failedJobList = z.object({ jobs: z.array(failedJob) });
export const retriedJob = z.object({ retried: failedJob });
