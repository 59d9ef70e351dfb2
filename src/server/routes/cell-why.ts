/**
 * Why a forecast cell is high (issue 13): the map's cell panel asks it on a click. Counts only —
 * the forecast value and percentile, the cell's usual level, the recent events around it — so it
 * is open to every role that reads forecasts (docs/api.md).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { responses } from '../../contract/api.ts';
import { cellWhy } from '../../services/cell-why.ts';
import { type RouteDeps, typed } from './deps.ts';

export function registerCellWhyRoutes(app: FastifyInstance, deps: RouteDeps): void {
  typed(app).get(
    '/api/v1/forecasts/:id/cells/:cell/why',
    {
      schema: {
        response: responses('GET /api/v1/forecasts/:id/cells/:cell/why'),
        tags: ['pronósticos'],
        summary:
          'Por qué una celda está alta: valor y percentil, nivel habitual (último año), hechos recientes alrededor (7 y 30 días) y una lectura en castellano; solo conteos',
        params: z.object({
          id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
          cell: z.coerce
            .number({ error: 'la celda debe ser un número entero ≥ 0' })
            .int('la celda debe ser un número entero ≥ 0')
            .min(0, 'la celda debe ser un número entero ≥ 0')
            .max(1e9)
            .describe('celda de la grilla del pronóstico (la que muestra el mapa)'),
        }),
      },
    },
    async (request) => cellWhy(deps.db, request.params.id, request.params.cell),
  );
}
