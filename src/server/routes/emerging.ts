/**
 * Planners' emerging hot spots (docs/analysis.md): the compact grid with a class per cell and the
 * counts per class and district, or the cells as GeoJSON, zipped Shapefile or KML for their GIS.
 * Aggregates per cell (no incident), audited.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { responses } from '../../contract/api.ts';
import { CELL_SIZE_RANGE } from '../../core/grid.ts';
import { CRIME_GROUPS } from '../../core/taxonomy.ts';
import { audit } from '../../services/audit.ts';
import {
  EMERGING_MONTHS,
  emergingAnalysis,
  emergingFile,
  emergingGrid as gridOf,
} from '../../services/emerging.ts';
import { GIS_FORMATS } from '../../services/gis-export.ts';
import { auditContext } from '../auth.ts';
import { areaParam, type RouteDeps, typed } from './deps.ts';

export function registerEmergingRoutes(app: FastifyInstance, deps: RouteDeps): void {
  typed(app).get(
    '/api/v1/hotspots/emerging',
    {
      schema: {
        tags: ['pronósticos'],
        summary:
          'Zonas calientes emergentes: Gi* por celda y mes y tendencia de Mann-Kendall → clase (nueva, consecutiva, en intensificación, persistente, …); grilla compacta, GeoJSON, Shapefile o KML',
        querystring: z.strictObject({
          area: areaParam,
          group: z.enum(Object.keys(CRIME_GROUPS) as [string, ...string[]]).default('property'),
          months: z.coerce
            .number()
            .int()
            .min(EMERGING_MONTHS.min)
            .max(EMERGING_MONTHS.max)
            .default(EMERGING_MONTHS.default)
            .describe('meses completos analizados (10–60)'),
          cellSize: z.coerce
            .number()
            .int()
            .min(CELL_SIZE_RANGE.min)
            .max(CELL_SIZE_RANGE.max)
            .optional()
            .describe('lado de la celda en metros (75–500, por defecto 150)'),
          fdr: z
            .enum(['true', 'false'])
            .default('false')
            .transform((v) => v === 'true')
            .describe('corrección de Benjamini-Hochberg (tasa de falsos descubrimientos)'),
          format: z
            .enum(['grid', ...GIS_FORMATS])
            .default('grid')
            .describe('grid: JSON compacto; geojson, shp (zip con .prj WGS84) o kml: celdas para SIG'),
        }),
        response: responses('GET /api/v1/hotspots/emerging'),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const a = await emergingAnalysis(deps.db, {
        area: q.area ?? deps.defaultArea,
        group: q.group,
        months: q.months,
        fdr: q.fdr,
        ...(q.cellSize === undefined ? {} : { cellSize: q.cellSize }),
      });
      await audit(deps.db, auditContext(request), 'hotspots.emerging', `area:${a.area.def.id}`, {
        group: q.group,
        months: q.months,
        format: q.format,
      });
      if (q.format === 'grid') return gridOf(a);
      const file = await emergingFile(a, q.format);
      // A file, not the JSON contract: sent as bytes (never serialised).
      return (reply as FastifyReply)
        .type(file.contentType)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .send(file.body);
    },
  );
}
