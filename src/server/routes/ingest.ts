/**
 * Uploads for ingestion: the file is streamed to a generated name in the upload folder (the
 * client's name is checked and kept only for display, the size limit applied), then stored in the
 * database with its job and queued on the job engine, and 202 returned; status and the reject
 * report are read from the job.
 */

import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { responses } from '../../contract/api.ts';
import { InputFileError, ValidationError, VigiaError } from '../../core/errors.ts';
import { audit } from '../../services/audit.ts';
import {
  checkIngestOptions,
  checkUploadName,
  jobRejects,
  jobStatus,
  recentJobs,
  submitIngest,
} from '../../services/jobs.ts';
import { auditContext } from '../auth.ts';
import { areaParam, idParams, type RouteDeps, typed } from './deps.ts';

/** 413 for an upload over the limit (mapped by the error handler like any client error). */
class PayloadTooLarge extends Error {
  readonly statusCode = 413;
  readonly code = 'PAYLOAD_TOO_LARGE';
}

export function registerIngestRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = typed(app);
  api.post(
    '/api/v1/ingest/jobs',
    {
      schema: {
        response: responses('POST /api/v1/ingest/jobs'),
        tags: ['ingesta'],
        summary:
          'Sube un archivo para ingerir en segundo plano (multipart, campo "file"); responde 202 con el trabajo',
        querystring: z.object({
          format: z.enum(['sidpol-geo', 'sidpol-monthly', 'mapped']).default('sidpol-geo'),
          area: areaParam,
          mapping: z.string().max(40).optional().describe('mapeo incluido (formato mapped), ej. chicago'),
        }),
      },
    },
    async (request, reply) => {
      const q = request.query;
      checkIngestOptions(q.format, q.mapping);
      if (!request.isMultipart())
        throw new ValidationError('file', 'envíe el archivo como multipart/form-data en el campo "file"');
      const part = await request.file();
      if (part?.fieldname !== 'file')
        throw new ValidationError('file', 'falta el archivo (campo "file" del formulario)');
      const fileName = checkUploadName(part.filename);
      mkdirSync(deps.uploadDir, { recursive: true, mode: 0o700 });
      const ext = /\.[a-z]+$/i.exec(fileName)?.[0]?.toLowerCase() ?? '';
      const stored = join(deps.uploadDir, `${randomUUID()}${ext}`);
      let upload: Buffer;
      try {
        await pipeline(part.file, createWriteStream(stored, { mode: 0o600 }));
        if (part.file.truncated)
          throw new PayloadTooLarge(
            `El archivo supera el máximo de ${Math.round(deps.settings.uploadMaxBytes / 1048576)} MB`,
          );
        if (statSync(stored).size === 0) throw new InputFileError(fileName, 'el archivo está vacío');
        upload = readFileSync(stored);
      } catch (err) {
        if (err instanceof VigiaError || err instanceof PayloadTooLarge) throw err;
        if ((err as { statusCode?: number }).statusCode === 413)
          throw new PayloadTooLarge('El archivo supera el tamaño máximo permitido');
        throw err;
      } finally {
        rmSync(stored, { force: true });
      }
      const job = await submitIngest(
        deps.db,
        deps.jobs,
        {
          fileName,
          format: q.format,
          area: q.area ?? deps.defaultArea,
          ...(q.mapping ? { mapping: q.mapping } : {}),
        },
        upload,
        auditContext(request),
      );
      return reply.status(202).send({ job: await jobStatus(deps.db, job.id) });
    },
  );
  api.get(
    '/api/v1/ingest/jobs',
    {
      schema: {
        response: responses('GET /api/v1/ingest/jobs'),
        tags: ['ingesta'],
        summary: 'Trabajos de ingesta recientes',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
      },
    },
    async (request) => ({ jobs: await recentJobs(deps.db, request.query.limit) }),
  );
  api.get(
    '/api/v1/ingest/jobs/:id',
    {
      schema: {
        response: responses('GET /api/v1/ingest/jobs/:id'),
        tags: ['ingesta'],
        summary: 'Estado y reporte de un trabajo de ingesta',
        params: idParams,
      },
    },
    async (request) => ({ job: await jobStatus(deps.db, request.params.id) }),
  );
  api.get(
    '/api/v1/ingest/jobs/:id/rejects',
    {
      schema: {
        response: responses('GET /api/v1/ingest/jobs/:id/rejects'),
        tags: ['ingesta'],
        summary: 'Filas rechazadas (fila, campo, motivo, valor) — lectura auditada',
        params: idParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100_000).default(1000) }),
      },
    },
    async (request) => {
      const r = await jobRejects(deps.db, request.params.id, request.query.limit);
      await audit(deps.db, auditContext(request), 'ingest.rejects.read', `job:${request.params.id}`, {
        rows: r.rejects.length,
      });
      return r;
    },
  );
}
