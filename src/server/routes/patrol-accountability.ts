/**
 * The patrol accountability report, the officials' scenario curve and the measured (observational)
 * effect of plans (issue 12): docs/api.md, docs/prevention.md. Aggregates only; every read audited.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { responses } from '../../contract/api.ts';
import type { AggregateView } from '../../core/access.ts';
import { CRIME_GROUPS } from '../../core/taxonomy.ts';
import { patrolDisparity, patrolEffect, patrolScenario } from '../../services/patrol-accountability.ts';
import { accessOf, auditContext } from '../auth.ts';
import { areaParam, dayParam, type RouteDeps, typed } from './deps.ts';

const group = z
  .enum(Object.keys(CRIME_GROUPS) as [string, ...string[]])
  .optional()
  .describe('grupo de delitos (por defecto all)');
const period = {
  area: areaParam,
  from: dayParam.describe('primer día del periodo (hora local)'),
  to: dayParam.describe('último día del periodo (hora local)'),
  group,
};

/** JSON has no Infinity: an infinite ratio (patrol with no risk) goes out as null. */
const finite = (x: number | null): number | null => (x !== null && Number.isFinite(x) ? x : null);

export function registerPatrolAccountabilityRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = typed(app);
  api.get(
    '/api/v1/patrol-disparity',
    {
      schema: {
        response: responses('GET /api/v1/patrol-disparity'),
        tags: ['prevención'],
        summary:
          'Disparidad por distrito y turno: parte del tiempo de patrullaje (y la planificada) vs parte del riesgo pronosticado vs parte de los delitos denunciados, con alertas (solo agregados; auditado)',
        querystring: z.strictObject(period),
      },
    },
    async (request) => {
      const { grant } = accessOf(request);
      const q = request.query;
      const r = await patrolDisparity(
        deps.db,
        { area: q.area ?? deps.defaultArea, from: q.from, to: q.to, ...(q.group ? { group: q.group } : {}) },
        grant as AggregateView,
        auditContext(request),
      );
      return {
        ...r,
        turnos: r.turnos.map((t) => ({
          ...t,
          districts: t.districts.map((d) => ({
            ...d,
            patrolToRisk: finite(d.patrolToRisk),
            patrolToReported: finite(d.patrolToReported),
          })),
        })),
      };
    },
  );
  api.get(
    '/api/v1/patrol-scenarios',
    {
      schema: {
        response: responses('GET /api/v1/patrol-scenarios'),
        tags: ['prevención'],
        summary:
          'Escenario: parte de los delitos esperados del turno cubierta con 0…maxUnits unidades, por distrito y en total, con la ganancia de cada unidad (auditado)',
        querystring: z.strictObject({
          area: areaParam,
          turno: z.string().max(20).describe('turno policial'),
          day: dayParam.optional().describe('día (hora local); sin día: el último con pronóstico'),
          group,
          maxUnits: z.coerce.number().describe('unidades como máximo, 1–200'),
          maxCells: z.coerce.number().optional().describe('celdas por área, 1–9 (por defecto 4)'),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      return patrolScenario(
        deps.db,
        {
          area: q.area ?? deps.defaultArea,
          turno: q.turno,
          maxUnits: q.maxUnits,
          ...(q.day ? { day: q.day } : {}),
          ...(q.group ? { group: q.group } : {}),
          ...(q.maxCells !== undefined ? { maxCells: q.maxCells } : {}),
        },
        auditContext(request),
      );
    },
  );
  api.get(
    '/api/v1/patrol-effect',
    {
      schema: {
        response: responses('GET /api/v1/patrol-effect'),
        tags: ['prevención'],
        summary:
          'Efecto medido de los planes (observacional, no causal): delitos denunciados en áreas patrulladas vs áreas comparables no planificadas, razón de tasas con intervalo (auditado)',
        querystring: z.strictObject(period),
      },
    },
    async (request) => {
      const q = request.query;
      return patrolEffect(
        deps.db,
        { area: q.area ?? deps.defaultArea, from: q.from, to: q.to, ...(q.group ? { group: q.group } : {}) },
        auditContext(request),
      );
    },
  );
}
