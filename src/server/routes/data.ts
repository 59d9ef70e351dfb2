/** Incident-level data (audited) and aggregates (suppressed for community views). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { responses } from '../../contract/api.ts';
import type { AggregateView, IncidentView } from '../../core/access.ts';
import { cachedAnswer } from '../../services/aggregate-cache.ts';
import { audit } from '../../services/audit.ts';
import { type FilterParams, incidentPage, statsTable, trends, turnoProfile } from '../../services/queries.ts';
import { aggregateLimiter } from '../aggregate-limit.ts';
import { accessOf, auditContext } from '../auth.ts';
import { areaParam, dayParam, listParam, type RouteDeps, typed } from './deps.ts';

const filterQuery = z.strictObject({
  area: areaParam,
  from: dayParam.optional().describe('primer día (hora local), AAAA-MM-DD'),
  to: dayParam.optional().describe('último día (inclusive), AAAA-MM-DD'),
  district: listParam.optional().describe('códigos de distrito (ubigeo), separados por comas'),
  category: listParam.optional().describe('categorías, separadas por comas'),
  type: z.string().max(100).optional().describe('texto en tipo, subtipo o modalidad'),
  source: z.string().max(60).optional(),
  group: z.string().max(20).optional().describe('grupo de delitos: property, extorsion, violent, all'),
  bbox: z
    .string()
    .max(100)
    .optional()
    .describe(
      'minLon,minLat,maxLon,maxLat: un área pequeña (una celda del mapa); sin categorías protegidas fuera de la vista completa',
    ),
});

type FilterQuery = z.infer<typeof filterQuery>;

function filters(q: FilterQuery, defaultArea: string): FilterParams {
  return {
    area: q.area ?? defaultArea,
    ...(q.from ? { from: q.from } : {}),
    ...(q.to ? { to: q.to } : {}),
    ...(q.district ? { districts: q.district } : {}),
    ...(q.category ? { categories: q.category } : {}),
    ...(q.type ? { type: q.type } : {}),
    ...(q.source ? { source: q.source } : {}),
    ...(q.group ? { group: q.group } : {}),
    ...(q.bbox ? { bbox: q.bbox } : {}),
  };
}

export function registerDataRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = typed(app);
  // Aggregates: a per-user concurrency limit (cache hits are cheap, misses scan the area's incidents)
  // and each answer kept as bytes per view and request until the next ingest batch.
  const limited = aggregateLimiter(deps.settings.aggregateConcurrencyPerUser);
  const aggregate = async (
    request: FastifyRequest<{ Querystring: FilterQuery }>,
    reply: FastifyReply,
    answer: (p: FilterParams, view: AggregateView) => Promise<unknown>,
  ): Promise<FastifyReply> => {
    const { principal, grant } = accessOf(request);
    const view = grant as AggregateView;
    const p = filters(request.query, deps.defaultArea);
    const bytes = await limited(principal.userId, () =>
      cachedAnswer(deps.db, p.area, `${view}|${request.url}`, () => answer(p, view)),
    );
    return reply.type('application/json; charset=utf-8').send(bytes);
  };
  api.get(
    '/api/v1/incidents',
    {
      schema: {
        response: responses('GET /api/v1/incidents'),
        tags: ['incidentes'],
        summary: 'Incidentes con filtros y paginación por cursor (cada lectura queda en la auditoría)',
        description:
          'Vista según el rol: completa (analista, administrador), con categorías protegidas sin ubicación ni relato (efectivo), o anonimizada y generalizada (investigador).',
        querystring: filterQuery.extend({
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          cursor: z.string().max(400).optional().describe('nextCursor de la página anterior'),
          total: z
            .enum(['true', 'false'])
            .default('false')
            .describe('true: incluye el total de coincidencias en la primera página (cuesta un conteo)'),
        }),
      },
    },
    async (request) => {
      const { grant } = accessOf(request);
      const q = request.query;
      const page = await incidentPage(deps.db, {
        ...filters(q, deps.defaultArea),
        limit: q.limit,
        ...(q.cursor ? { cursor: q.cursor } : {}),
        withTotal: q.total === 'true',
        view: grant as IncidentView,
      });
      await audit(deps.db, auditContext(request), 'incidents.list', `area:${page.area}`, {
        view: page.view,
        filters: { ...filters(q, deps.defaultArea), limit: q.limit, page: q.cursor ? 'next' : 'first' },
        rows: page.items.length,
        restricted: page.items.filter((i) => i.restricted).length,
      });
      return page;
    },
  );
  api.get(
    '/api/v1/stats',
    {
      schema: {
        response: responses('GET /api/v1/stats'),
        tags: ['estadísticas'],
        summary:
          'Conteos por distrito × mes × categoría (vista comunitaria: solo celdas de 0 o ≥ 5; ver docs/api.md)',
        querystring: filterQuery,
      },
    },
    async (request, reply) => aggregate(request, reply, (p, view) => statsTable(deps.db, p, view)),
  );
  api.get(
    '/api/v1/stats/turnos',
    {
      schema: {
        response: responses('GET /api/v1/stats/turnos'),
        tags: ['estadísticas'],
        summary:
          'Perfil por turno: incidentes por turno policial (sin categorías protegidas bajo la vista completa; no disponible en la vista comunitaria)',
        querystring: filterQuery,
      },
    },
    async (request, reply) => aggregate(request, reply, (p, view) => turnoProfile(deps.db, p, view)),
  );
  api.get(
    '/api/v1/stats/trends',
    {
      schema: {
        response: responses('GET /api/v1/stats/trends'),
        tags: ['estadísticas'],
        summary: 'Series mensuales por distrito y del área, con variación interanual',
        querystring: filterQuery,
      },
    },
    async (request, reply) => aggregate(request, reply, (p, view) => trends(deps.db, p, view)),
  );
}
