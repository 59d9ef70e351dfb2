/**
 * The job engine's dead-letter view (GET /api/v1/jobs/failed, POST /api/v1/jobs/failed/:id/retry)
 * and the record of any job (POST /api/v1/jobs/backtests, POST /api/v1/jobs/briefings,
 * GET /api/v1/jobs/:id).
 */
import { z } from 'zod';

export const failedJob = z.object({
  id: z.string().describe('id del trabajo en el motor (pg-boss)'),
  queue: z
    .string()
    .describe(
      'cola: vigia-ingest, vigia-retrain, vigia-forecast, vigia-retrain-area, vigia-forecast-area, vigia-backtest, vigia-briefing',
    ),
  jobId: z.number().int().nullable().describe('id del registro del trabajo (GET /api/v1/ingest/jobs/:id)'),
  retries: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.string().describe('ISO 8601'),
  failedAt: z.string().nullable().describe('ISO 8601'),
});

export const failedJobList = z.object({ jobs: z.array(failedJob) });
export const retriedJob = z.object({ retried: failedJob });

/** A job's record: what it was asked to do, its status and result. */
export const jobRecord = z.object({
  id: z.number().int(),
  kind: z.enum(['ingest', 'retrain', 'forecast', 'backtest', 'briefing']),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  params: z.record(z.string(), z.unknown()).describe('lo pedido (área, periodo, …)'),
  result: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('al terminar: backtestId (GET /api/v1/backtests/:id), textId (GET /api/v1/texts/:id), …'),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  submittedBy: z.string(),
  createdAt: z.string().describe('ISO 8601'),
  startedAt: z.string().nullable().describe('ISO 8601'),
  finishedAt: z.string().nullable().describe('ISO 8601'),
});

export const jobAnswer = z.object({ job: jobRecord });
