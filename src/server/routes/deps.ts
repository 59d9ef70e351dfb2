/** What route modules share: the store, settings, the job engine, and common zod pieces. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { HttpSettings, LifecycleSettings, LlmSettings } from '../../config/env.ts';
import type { JobEngine } from '../../services/job-engine.ts';
import type { Db } from '../../storage/db.ts';

export interface RouteDeps {
  db: Db;
  defaultArea: string;
  /** Base-map tiles for the dashboard, or null. */
  tiles: { url: string; attribution: string } | null;
  /** IANA zone for local days in requests (the configuration's). */
  timeZone: string;
  /** Data older than this many days is reported as stale (VIGIA_STALE_DATA_DAYS). */
  staleDataDays: number;
  settings: HttpSettings;
  /** The job engine (the API queues jobs on it). */
  jobs: JobEngine;
  uploadDir: string;
  /** The language model of summaries (none: the built-in method). */
  llm: LlmSettings;
  /** Promotion settings (VIGIA_PROMOTION_*). */
  lifecycle: LifecycleSettings;
}

export function typed(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}

/** A study-area id (defaults to the server's area). */
export const areaParam = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,39}$/, 'id de área inválido (ej. callao)')
  .optional()
  .describe('área de estudio (por defecto la del servidor)');

/** YYYY-MM-DD. */
export const dayParam = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'formato AAAA-MM-DD');

/** "a,b,c" → ["a","b","c"]. */
export const listParam = z
  .string()
  .max(500)
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

/** A positive integer id in a path. */
export const idParams = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });

/** The error body (documentation). */
export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});
