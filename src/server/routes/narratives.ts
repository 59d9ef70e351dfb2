/** Narratives (issue 14): the data-quality report of narratives that disagree with their category. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { responses } from '../../contract/api.ts';
import {
  DEFAULT_FLAG_LIMIT,
  DEFAULT_FLAG_THRESHOLD,
  DEFAULT_TRAIN_DAYS,
  narrativeQuality,
} from '../../services/narrative-quality.ts';
import { auditContext } from '../auth.ts';
import { areaParam, dayParam, type RouteDeps, typed } from './deps.ts';

export function registerNarrativeRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = typed(app);
  api.get(
    '/api/v1/narratives/quality',
    {
      schema: {
        response: responses('GET /api/v1/narratives/quality'),
        tags: ['incidentes'],
        summary:
          'Relatos cuyo texto indica otra categoría que la registrada (calidad de datos; solo texto redactado; cada lectura queda en la auditoría)',
        description: `Entrena un clasificador de texto con los relatos redactados anteriores al periodo (por defecto ${DEFAULT_TRAIN_DAYS} días) y marca los del periodo cuya categoría predicha difiere de la registrada con probabilidad ≥ el umbral (por defecto ${DEFAULT_FLAG_THRESHOLD}).`,
        querystring: z.strictObject({
          area: areaParam,
          from: dayParam.describe('primer día revisado (hora local), AAAA-MM-DD'),
          to: dayParam.describe('día siguiente al último revisado, AAAA-MM-DD'),
          trainFrom: dayParam
            .optional()
            .describe('primer día de entrenamiento (el entrenamiento termina en from)'),
          threshold: z.coerce.number().gt(0).max(1).default(DEFAULT_FLAG_THRESHOLD),
          limit: z.coerce.number().int().min(1).max(1000).default(DEFAULT_FLAG_LIMIT),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      return narrativeQuality(
        deps.db,
        {
          area: q.area ?? deps.defaultArea,
          from: q.from,
          to: q.to,
          ...(q.trainFrom ? { trainFrom: q.trainFrom } : {}),
          threshold: q.threshold,
          limit: q.limit,
        },
        auditContext(request),
      );
    },
  );
}
