/**
 * Officials' and researchers' routes (issue 13): the population table upload, the indicators (JSON,
 * one-page PDF, XLSX) and the researchers' exports of de-identified incidents and backtest results
 * (CSV, Parquet). Every incident-level export and every report is audited.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { responses } from '../../contract/api.ts';
import type { AggregateView } from '../../core/access.ts';
import { ValidationError } from '../../core/errors.ts';
import { audit } from '../../services/audit.ts';
import {
  BACKTEST_EXPORT_COLUMNS,
  backtestExportRows,
  deidentifiedIncidentPages,
  EXPORT_FORMATS,
  INCIDENT_EXPORT_COLUMNS,
  toCsv,
  toParquet,
} from '../../services/exports.ts';
import { indicatorReport } from '../../services/indicator-report.ts';
import { indicators } from '../../services/indicators.ts';
import { checkSource, loadPopulations } from '../../services/populations.ts';
import type { FilterParams } from '../../services/queries.ts';
import { accessOf, auditContext } from '../auth.ts';
import { areaParam, dayParam, idParams, listParam, type RouteDeps, typed } from './deps.ts';

const periodQuery = z.strictObject({
  area: areaParam,
  from: dayParam.describe('primer día del período (hora local), AAAA-MM-DD'),
  to: dayParam.describe('último día del período (inclusive), AAAA-MM-DD; a lo más un año'),
  district: listParam
    .optional()
    .describe('códigos de distrito (ubigeo), separados por comas; sin él: toda el área'),
  group: z.string().max(20).optional().describe('grupo de delitos: property, extorsion, violent, all'),
});
type PeriodQuery = z.infer<typeof periodQuery>;

const params = (q: PeriodQuery, area: string): FilterParams => ({
  area: q.area ?? area,
  from: q.from,
  to: q.to,
  ...(q.district ? { districts: q.district } : {}),
  ...(q.group ? { group: q.group } : {}),
});

const formatQuery = z.enum(EXPORT_FORMATS).default('csv').describe('csv o parquet');
export const incidentExportQuery = z.strictObject({
  area: areaParam,
  format: formatQuery,
  from: dayParam.optional().describe('primer día (hora local), AAAA-MM-DD'),
  to: dayParam.optional().describe('último día (inclusive), AAAA-MM-DD'),
  district: listParam.optional().describe('códigos de distrito, separados por comas'),
  category: listParam.optional().describe('categorías (no protegidas), separadas por comas'),
  group: z.string().max(20).optional().describe('grupo de delitos'),
});

const CONTENT_TYPES = { csv: 'text/csv; charset=utf-8', parquet: 'application/vnd.apache.parquet' } as const;
export function registerExportRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = typed(app);

  api.post(
    '/api/v1/populations',
    {
      schema: {
        tags: ['indicadores'],
        summary:
          'Carga la población por distrito y año (CSV distrito,año,población en el campo "file", multipart) con su fuente; todo o nada, idempotente',
        querystring: z.strictObject({
          area: areaParam,
          source: z.string().max(300).describe('fuente de las cifras (obligatoria)'),
        }),
        response: responses('POST /api/v1/populations'),
      },
    },
    async (request) => {
      const source = checkSource(request.query.source, 'source');
      if (!request.isMultipart())
        throw new ValidationError('file', 'envíe el CSV como multipart/form-data en el campo "file"');
      const part = await request.file();
      if (part?.fieldname !== 'file') throw new ValidationError('file', 'falta el archivo (campo "file")');
      const bytes = await part.toBuffer();
      return loadPopulations(deps.db, {
        area: request.query.area ?? deps.defaultArea,
        bytes,
        fileName: part.filename.replace(/[^\p{L}\p{N}._ -]/gu, '_').slice(0, 120) || 'poblacion.csv',
        source,
        actor: auditContext(request),
      });
    },
  );

  api.get(
    '/api/v1/indicators',
    {
      schema: {
        tags: ['indicadores'],
        summary:
          'Indicadores por tipo de delito: casos, variación interanual con IC 95 %, tasas por 1 000 habitantes si hay población cargada, aviso de pocos casos',
        querystring: periodQuery,
        response: responses('GET /api/v1/indicators'),
      },
    },
    async (request) =>
      indicators(deps.db, params(request.query, deps.defaultArea), accessOf(request).grant as AggregateView),
  );

  for (const format of ['pdf', 'xlsx'] as const)
    api.get(
      `/api/v1/indicators/report.${format}`,
      {
        schema: {
          tags: ['indicadores'],
          summary:
            format === 'pdf'
              ? 'Reporte imprimible de una página (PDF) de los indicadores, con gráfico, notas y fuente de población; auditado'
              : 'Los indicadores como hoja de cálculo (XLSX); auditado',
          querystring: periodQuery,
          response: responses(`GET /api/v1/indicators/report.${format}`),
        },
      },
      async (request, reply) => {
        const { grant } = accessOf(request);
        const ctx = auditContext(request);
        const r = await indicatorReport(
          deps.db,
          params(request.query, deps.defaultArea),
          grant as AggregateView,
          format,
          { generatedAt: new Date(), generatedBy: ctx.actor },
        );
        await audit(deps.db, ctx, 'indicators.report', `area:${r.indicators.area}`, {
          format,
          view: grant,
          from: r.indicators.from,
          to: r.indicators.to,
          districts: r.indicators.districts?.map((d) => d.code) ?? null,
        });
        return reply
          .type(
            format === 'pdf'
              ? 'application/pdf'
              : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          )
          .header('content-disposition', `attachment; filename="${r.filename}"`)
          .send(r.body as unknown as string); // bytes: fastify sends a Buffer as is (the schema types it as a string)
      },
    );

  api.get(
    '/api/v1/exports/incidents',
    {
      schema: {
        tags: ['investigación'],
        summary:
          'Incidentes anonimizados (vista de investigación: seudónimos, hora, ubicación generalizada a ≈275 m, sin relato ni filas protegidas) en CSV o Parquet; auditado',
        querystring: incidentExportQuery,
        response: responses('GET /api/v1/exports/incidents'),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const p: FilterParams = {
        area: q.area ?? deps.defaultArea,
        ...(q.from ? { from: q.from } : {}),
        ...(q.to ? { to: q.to } : {}),
        ...(q.district ? { districts: q.district } : {}),
        ...(q.category ? { categories: q.category } : {}),
        ...(q.group ? { group: q.group } : {}),
      };
      const pages = deidentifiedIncidentPages(deps.db, p);
      // The first page is read before anything is sent: bad filters answer 400, not a broken file.
      const first = await pages.next();
      const all = (async function* () {
        if (!first.done) yield first.value;
        yield* pages;
      })();
      await audit(deps.db, auditContext(request), 'exports.incidents', `area:${p.area}`, {
        view: 'coarse',
        format: q.format,
        filters: p,
      });
      const name = `incidentes-${p.area}${q.from ? `-${q.from}` : ''}${q.to ? `-${q.to}` : ''}.${q.format}`;
      reply.type(CONTENT_TYPES[q.format]).header('content-disposition', `attachment; filename="${name}"`);
      if (q.format === 'parquet')
        return reply.send((await toParquet(INCIDENT_EXPORT_COLUMNS, all)) as unknown as string);
      // A stream: fastify sends it page by page (the schema types the body as a string).
      return reply.send(Readable.from(toCsv(INCIDENT_EXPORT_COLUMNS, all)) as unknown as string);
    },
  );

  api.get(
    '/api/v1/exports/backtests/:id',
    {
      schema: {
        tags: ['investigación'],
        summary: 'Resultados de un backtest guardado (modelo × cobertura) en CSV o Parquet',
        params: idParams,
        querystring: z.strictObject({ format: formatQuery }),
        response: responses('GET /api/v1/exports/backtests/:id'),
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const rows = await backtestExportRows(deps.db, id);
      const { format } = request.query;
      reply
        .type(CONTENT_TYPES[format])
        .header('content-disposition', `attachment; filename="backtest-${id}.${format}"`);
      if (format === 'parquet')
        return reply.send((await toParquet(BACKTEST_EXPORT_COLUMNS, [rows])) as unknown as string);
      let csv = '';
      for await (const s of toCsv(BACKTEST_EXPORT_COLUMNS, [rows])) csv += s;
      return reply.send(csv);
    },
  );
}
