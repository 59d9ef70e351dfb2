/** Current and stored forecasts (compact grid or GeoJSON), forecast runs, and backtest reports. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { responses } from '../../contract/api.ts';
import { CRIME_GROUPS } from '../../core/taxonomy.ts';
import { storedReport, storedReports } from '../../services/backtest.ts';
import { cellCrimeTypes } from '../../services/crime-type.ts';
import { recentDataAge, withDataAge } from '../../services/data-age.ts';
import {
  availableForecastDays,
  currentForecast,
  currentForecastFile,
  currentForecastIndex,
  forecastById,
  forecastFileById,
} from '../../services/forecast.ts';
import { GIS_FORMATS, type GisFile } from '../../services/gis-export.ts';
import { MAX_HOTSPOTS, namedHotspots } from '../../services/hotspots.ts';
import { persistentHotspots } from '../../services/persistence.ts';
import { areaParam, dayParam, idParams, type RouteDeps, typed } from './deps.ts';

const TURNOS = ['madrugada', 'mañana', 'tarde', 'noche'] as const;

const format = z
  .enum(['grid', ...GIS_FORMATS])
  .default('grid')
  .describe(
    'grid: máscara y riesgos en base64 (compacto); geojson: celdas como polígonos con riesgo y rango; shp (zip con .prj WGS84) o kml: archivo para SIG con atributos celda, riesgo, rango, percentil',
  );

/** A GIS file (Shapefile zip, KML) as a download: bytes, never the JSON contract. */
function sendFile(reply: FastifyReply, file: GisFile): FastifyReply {
  return reply
    .type(file.contentType)
    .header('content-disposition', `attachment; filename="${file.fileName}"`)
    .send(file.body);
}

const turno = z
  .string()
  .transform((t) => (t === 'manana' ? 'mañana' : t))
  .pipe(z.enum(TURNOS))
  .optional()
  .describe('turno policial; sin turno: pronóstico del día completo');

export function registerForecastRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = typed(app);
  api.get(
    '/api/v1/forecasts',
    {
      schema: {
        response: responses('GET /api/v1/forecasts'),
        tags: ['pronósticos'],
        summary: 'Pronósticos vigentes (último día pronosticado) por grupo y turno, sin superficies',
        querystring: z.object({ area: areaParam }),
      },
    },
    async (request) => {
      const area = request.query.area ?? deps.defaultArea;
      const forecasts = await currentForecastIndex(deps.db, area);
      return {
        dataAge: await recentDataAge(deps.db, area, { staleAfterDays: deps.staleDataDays }),
        forecasts,
      };
    },
  );
  api.get(
    '/api/v1/forecasts/days',
    {
      schema: {
        response: responses('GET /api/v1/forecasts/days'),
        tags: ['pronósticos'],
        summary: 'Días con pronósticos guardados (más reciente primero)',
        querystring: z.object({ area: areaParam, group: z.string().max(20).optional() }),
      },
    },
    async (request) => ({
      days: await availableForecastDays(deps.db, {
        area: request.query.area ?? deps.defaultArea,
        ...(request.query.group ? { group: request.query.group } : {}),
      }),
    }),
  );
  api.get(
    '/api/v1/forecasts/current',
    {
      schema: {
        response: responses('GET /api/v1/forecasts/current'),
        tags: ['pronósticos'],
        summary: 'Superficie de riesgo vigente de un grupo de delitos y turno',
        querystring: z.object({
          area: areaParam,
          group: z.enum(Object.keys(CRIME_GROUPS) as [string, ...string[]]),
          turno,
          day: z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}$/, 'formato AAAA-MM-DD')
            .optional()
            .describe('día pronosticado (hora local); sin día: el último'),
          format,
        }),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const area = q.area ?? deps.defaultArea;
      const which = {
        area,
        group: q.group,
        ...(q.turno ? { turno: q.turno } : {}),
        ...(q.day ? { day: q.day } : {}),
      };
      if (q.format === 'shp' || q.format === 'kml')
        return sendFile(reply as FastifyReply, await currentForecastFile(deps.db, which, q.format));
      const body = await currentForecast(deps.db, which, q.format);
      const age = await recentDataAge(deps.db, area, { staleAfterDays: deps.staleDataDays });
      return reply
        .type(q.format === 'geojson' ? 'application/geo+json' : 'application/json')
        .send(withDataAge(body, age));
    },
  );
  api.get(
    '/api/v1/forecasts/:id',
    {
      schema: {
        response: responses('GET /api/v1/forecasts/:id'),
        tags: ['pronósticos'],
        summary: 'Un pronóstico guardado',
        params: idParams,
        querystring: z.object({ format }),
      },
    },
    async (request, reply) => {
      const fmt = request.query.format;
      if (fmt === 'shp' || fmt === 'kml')
        return sendFile(reply as FastifyReply, await forecastFileById(deps.db, request.params.id, fmt));
      const body = await forecastById(deps.db, request.params.id, fmt);
      return reply
        .type(request.query.format === 'geojson' ? 'application/geo+json' : 'application/json')
        .send(body);
    },
  );
  api.get(
    '/api/v1/forecasts/:id/hotspots',
    {
      schema: {
        response: responses('GET /api/v1/forecasts/:id/hotspots'),
        tags: ['pronósticos'],
        summary:
          'Los puntos calientes de un pronóstico con nombre: distrito, calles y lugar cercanos, enlaces para llegar',
        params: idParams,
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(MAX_HOTSPOTS).default(10).describe('cuántos (1–50)'),
          district: z.string().max(40).optional().describe('solo los de un distrito (código)'),
        }),
      },
    },
    async (request) =>
      namedHotspots(deps.db, request.params.id, {
        limit: request.query.limit,
        ...(request.query.district === undefined ? {} : { district: request.query.district }),
      }),
  );
  api.get(
    '/api/v1/hotspots/persistence',
    {
      schema: {
        response: responses('GET /api/v1/hotspots/persistence'),
        tags: ['pronósticos'],
        summary:
          'Zonas calientes persistentes: proporción de meses en que cada celda estuvo en el 5 % más alto (forma de grilla)',
        querystring: z.object({
          area: areaParam,
          group: z.enum(Object.keys(CRIME_GROUPS) as [string, ...string[]]).default('property'),
          months: z.coerce.number().int().min(2).max(60).default(12),
        }),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const body = await persistentHotspots(deps.db, {
        area: q.area ?? deps.defaultArea,
        group: q.group,
        months: q.months,
      });
      return reply.type('application/json').send(body);
    },
  );
  api.get(
    '/api/v1/crime-types',
    {
      schema: {
        response: responses('GET /api/v1/crime-types'),
        tags: ['pronósticos'],
        summary:
          'Tipos de delito más probables en una celda del mapa (árboles potenciados entrenados con el año anterior al día; solo probabilidades agregadas)',
        querystring: z.strictObject({
          area: areaParam,
          cell: z
            .string({ error: 'falta la celda (número entero ≥ 0)' })
            .regex(/^\d{1,9}$/, 'la celda debe ser un número entero ≥ 0')
            .transform(Number)
            .describe('celda de la grilla del pronóstico del día (la que muestra el mapa)'),
          turno: turno.describe('turno policial; sin turno: el día completo'),
          day: dayParam.optional().describe('día (hora local); sin día: el del pronóstico vigente'),
          group: z
            .enum(Object.keys(CRIME_GROUPS) as [string, ...string[]])
            .optional()
            .describe('grupo de delitos cuyo pronóstico define la grilla; sin grupo: cualquiera del día'),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      return cellCrimeTypes(deps.db, {
        area: q.area ?? deps.defaultArea,
        cell: q.cell,
        ...(q.day ? { day: q.day } : {}),
        ...(q.turno ? { turno: q.turno } : {}),
        ...(q.group ? { group: q.group } : {}),
      });
    },
  );
  api.get(
    '/api/v1/backtests',
    {
      schema: {
        response: responses('GET /api/v1/backtests'),
        tags: ['evaluación'],
        summary: 'Reportes de backtest guardados, con el acierto al 5 % del área por modelo',
        querystring: z.object({
          area: areaParam,
          group: z.string().max(40).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
    },
    async (request) => ({
      reports: await storedReports(deps.db, {
        ...(request.query.area ? { area: request.query.area } : {}),
        ...(request.query.group ? { group: request.query.group } : {}),
        limit: request.query.limit,
      }),
    }),
  );
  api.get(
    '/api/v1/backtests/:id',
    {
      schema: {
        response: responses('GET /api/v1/backtests/:id'),
        tags: ['evaluación'],
        summary: 'Un reporte de backtest (JSON con curvas de acierto, PAI, PEI*, intervalos; o CSV, HTML)',
        params: idParams,
        querystring: z.object({ format: z.enum(['json', 'csv', 'html']).default('json') }),
      },
    },
    async (request, reply) => {
      const r = await storedReport(deps.db, request.params.id, request.query.format);
      return reply.type(r.contentType).send(r.body);
    },
  );
}
