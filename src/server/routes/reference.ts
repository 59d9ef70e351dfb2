/** Reference data: study areas, district boundaries, the model registry. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { responses } from '../../contract/api.ts';
import { adviceInForce } from '../../services/advice.ts';
import { districtsGeoJson, listStudyAreas } from '../../services/areas.ts';
import { recentDataAge } from '../../services/data-age.ts';
import { modelCatalogue } from '../../services/forecast.ts';
import { areaParam, type RouteDeps, typed } from './deps.ts';

export function registerReferenceRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = typed(app);
  api.get(
    '/api/v1/areas',
    {
      schema: {
        response: responses('GET /api/v1/areas'),
        tags: ['referencia'],
        summary: 'Áreas de estudio registradas',
      },
    },
    async () => ({ areas: await listStudyAreas(deps.db) }),
  );
  api.get(
    '/api/v1/districts',
    {
      schema: {
        response: responses('GET /api/v1/districts'),
        tags: ['referencia'],
        summary: 'Límites de los distritos (GeoJSON, WGS84)',
        querystring: z.object({ area: areaParam }),
      },
    },
    async (request) => districtsGeoJson(deps.db, request.query.area ?? deps.defaultArea),
  );
  api.get(
    '/api/v1/ui',
    {
      schema: {
        response: responses('GET /api/v1/ui'),
        tags: ['referencia'],
        summary:
          'Ajustes del tablero: mapa base (si se configuró), área por defecto, zona horaria (timeZone) y antigüedad de sus datos (dataAge)',
      },
    },
    async () => ({
      tiles: deps.tiles,
      area: deps.defaultArea,
      timeZone: deps.timeZone,
      dataAge: await recentDataAge(deps.db, deps.defaultArea, { staleAfterDays: deps.staleDataDays }),
    }),
  );
  api.get(
    '/api/v1/advice',
    {
      schema: {
        response: responses('GET /api/v1/advice'),
        tags: ['referencia'],
        summary:
          'Consejos de prevención para vecinos por categoría de delito (los predeterminados o los de VIGIA_ADVICE_FILE)',
      },
    },
    async () => adviceInForce(),
  );
  api.get(
    '/api/v1/models',
    {
      schema: {
        response: responses('GET /api/v1/models'),
        tags: ['referencia'],
        summary: 'Modelos de pronóstico disponibles y sus ajustes por defecto',
      },
    },
    async () => ({ models: modelCatalogue() }),
  );
}
