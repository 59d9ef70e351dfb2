/** Patrol plans per turno and the officer's patrol log (issue 12): docs/api.md, docs/prevention.md. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type Answer, responses } from '../../contract/api.ts';
import type { PlanView } from '../../core/access.ts';
import { ValidationError } from '../../core/errors.ts';
import { CRIME_GROUPS } from '../../core/taxonomy.ts';
import { missionSheet } from '../../services/mission-sheet.ts';
import {
  PATROL_REPORTS,
  type PatrolLogRow,
  readPatrolLogs,
  recordPatrolLog,
} from '../../services/patrol-logs.ts';
import { currentPlanView, explainStoredPlan } from '../../services/patrol-plan-views.ts';
import { makePatrolPlan, type StoredPatrolPlan } from '../../services/patrol-plans.ts';
import { accessOf, auditContext } from '../auth.ts';
import { areaParam, dayParam, idParams, type RouteDeps, typed } from './deps.ts';

const TURNOS = ['madrugada', 'mañana', 'tarde', 'noche'] as const;
const turno = z
  .string()
  .transform((t) => (t === 'manana' ? 'mañana' : t))
  .pipe(z.enum(TURNOS))
  .describe('turno policial');
const group = z.enum(Object.keys(CRIME_GROUPS) as [string, ...string[]]);

/** The service names CLI options; the API names body fields. */
const BODY_FIELD: Readonly<Record<string, string>> = {
  '--turno': 'turno',
  '--group': 'group',
  '--day': 'day',
  '--units': 'units',
  '--units-by': 'unitsBySector',
  '--max-cells': 'maxCells',
  '--visit-minutes': 'visitMinutes',
  '--pause-minutes': 'pauseMinutes',
};

const iso = (d: Date | string): string => new Date(d).toISOString();

function planOut(p: StoredPatrolPlan): Answer<'POST /api/v1/patrol-plans'>['plan'] {
  // Interfaces have no index signature; the serializer checks the shape at run time.
  return {
    ...p,
    forecastCreatedAt: iso(p.forecastCreatedAt),
    createdAt: iso(p.createdAt),
  } as unknown as Answer<'POST /api/v1/patrol-plans'>['plan'];
}

function logOut(l: PatrolLogRow): Answer<'GET /api/v1/patrol-logs'>['entries'][number] {
  return {
    id: l.id,
    username: l.username,
    planId: l.planId,
    areaOrder: l.areaOrder,
    kind: l.kind,
    at: iso(l.at),
    checkIn: l.checkIn,
    minutes: l.minutes,
    report: l.report,
    tactic: l.tactic,
    note: l.note,
    receivedAt: iso(l.receivedAt),
  };
}

const uuid = z.uuid({ error: 'se espera un UUID generado por el dispositivo' });
const deviceTime = z.iso
  .datetime({ offset: true, error: 'fecha y hora ISO 8601 con zona, p. ej. 2025-03-30T19:05:00-05:00' })
  .describe('hora del dispositivo (ISO 8601 con zona)');
const logBody = z.discriminatedUnion('kind', [
  z.strictObject({
    id: uuid,
    kind: z.literal('check-in'),
    planId: z.number().int().min(1),
    areaOrder: z.number().int().min(1).describe('orden del área en el plan (campo order)'),
    at: deviceTime,
  }),
  z.strictObject({
    id: uuid,
    kind: z.literal('check-out'),
    planId: z.number().int().min(1),
    areaOrder: z.number().int().min(1),
    checkIn: uuid.optional().describe('id del check-in que cierra; sin él, el check-in abierto del área'),
    at: deviceTime,
    report: z.enum(PATROL_REPORTS),
    tactic: z.string().min(1).max(120).optional(),
    note: z.string().max(500).optional(),
  }),
]);

export function registerPreventionRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = typed(app);
  api.post(
    '/api/v1/patrol-plans',
    {
      schema: {
        response: responses('POST /api/v1/patrol-plans'),
        tags: ['prevención'],
        summary:
          'Genera el plan de patrullaje de un turno desde el pronóstico guardado (o devuelve el ya guardado con el mismo pronóstico y ajustes)',
        body: z.strictObject({
          area: areaParam,
          day: dayParam.optional().describe('día (hora local); sin día: el último con pronóstico'),
          turno,
          group: group.optional().describe('grupo de delitos (por defecto all)'),
          units: z.number().int().min(0).optional().describe('unidades en total, repartidas por distrito'),
          unitsBySector: z
            .record(z.string().max(40), z.number().int().min(0))
            .optional()
            .describe('unidades por distrito (código → unidades)'),
          maxCells: z.number().int().optional().describe('celdas por área, 1–9 (por defecto 4)'),
          visitMinutes: z.number().optional().describe('minutos por visita (Koper, por defecto 15)'),
          pauseMinutes: z.number().optional().describe('pausa entre visitas (por defecto 60)'),
        }),
      },
    },
    async (request, reply) => {
      const b = request.body;
      try {
        const r = await makePatrolPlan(deps.db, {
          area: b.area ?? deps.defaultArea,
          turno: b.turno,
          ...(b.day !== undefined ? { day: b.day } : {}),
          ...(b.group !== undefined ? { group: b.group } : {}),
          ...(b.units !== undefined ? { units: b.units } : {}),
          ...(b.unitsBySector !== undefined ? { unitsBySector: b.unitsBySector } : {}),
          ...(b.maxCells !== undefined ? { maxCells: b.maxCells } : {}),
          dosage: {
            ...(b.visitMinutes !== undefined ? { minutesPerVisit: b.visitMinutes } : {}),
            ...(b.pauseMinutes !== undefined ? { pauseMinutes: b.pauseMinutes } : {}),
          },
          actor: auditContext(request),
        });
        return reply.status(r.duplicate ? 200 : 201).send({
          plan: planOut(r.plan),
          duplicate: r.duplicate,
          explanation: await explainStoredPlan(deps.db, r.plan),
        });
      } catch (err) {
        const field = err instanceof ValidationError ? BODY_FIELD[err.field] : undefined;
        if (err instanceof ValidationError && field)
          throw new ValidationError(field, err.message.slice(err.field.length + 2));
        throw err;
      }
    },
  );
  api.get(
    '/api/v1/patrol-plans/current',
    {
      schema: {
        response: responses('GET /api/v1/patrol-plans/current'),
        tags: ['prevención'],
        summary:
          'Plan de patrullaje vigente de un turno según el rol: efectivos, solo las áreas de su sector; planificadores y autoridades, agregados por distrito; analistas, todo (cada lectura queda auditada)',
        querystring: z.strictObject({
          area: areaParam,
          turno,
          day: dayParam.optional().describe('día (hora local); sin día: el último con plan'),
          group: group.optional().describe('grupo de delitos (por defecto all)'),
        }),
      },
    },
    async (request) => {
      const { principal, grant } = accessOf(request);
      const q = request.query;
      const body = await currentPlanView(
        deps.db,
        {
          turno: q.turno,
          ...(q.area !== undefined ? { area: q.area } : {}),
          ...(q.day !== undefined ? { day: q.day } : {}),
          ...(q.group !== undefined ? { group: q.group } : {}),
        },
        grant as PlanView,
        principal,
        deps.defaultArea,
        auditContext(request),
      );
      return body as Answer<'GET /api/v1/patrol-plans/current'>;
    },
  );
  api.post(
    '/api/v1/patrol-logs',
    {
      schema: {
        response: responses('POST /api/v1/patrol-logs'),
        tags: ['prevención'],
        summary:
          'Registra un check-in o check-out del efectivo (id UUID del dispositivo: reenviar devuelve la entrada guardada)',
        body: logBody,
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { principal } = accessOf(request);
      const r = await recordPatrolLog(
        deps.db,
        principal,
        b.kind === 'check-in'
          ? { id: b.id, kind: b.kind, planId: b.planId, areaOrder: b.areaOrder, at: new Date(b.at) }
          : {
              id: b.id,
              kind: b.kind,
              planId: b.planId,
              areaOrder: b.areaOrder,
              at: new Date(b.at),
              report: b.report,
              ...(b.checkIn !== undefined ? { checkIn: b.checkIn } : {}),
              ...(b.tactic !== undefined ? { tactic: b.tactic } : {}),
              ...(b.note !== undefined ? { note: b.note } : {}),
            },
        auditContext(request),
      );
      return reply.status(r.duplicate ? 200 : 201).send({ entry: logOut(r.entry), duplicate: r.duplicate });
    },
  );
  api.get(
    '/api/v1/patrol-logs',
    {
      schema: {
        response: responses('GET /api/v1/patrol-logs'),
        tags: ['prevención'],
        summary:
          'Entradas de la bitácora de patrullaje de un plan (efectivo: las propias; analistas: todas); lectura auditada',
        querystring: z.strictObject({
          plan: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).describe('id del plan'),
        }),
      },
    },
    async (request) => {
      const { principal, grant } = accessOf(request);
      const r = await readPatrolLogs(
        deps.db,
        { planId: request.query.plan, userId: grant === 'all' ? null : principal.userId },
        auditContext(request),
      );
      return { planId: r.plan.id, entries: r.entries.map(logOut) };
    },
  );
  api.get(
    '/api/v1/patrol-plans/:id/mission-sheet.pdf',
    {
      schema: {
        response: responses('GET /api/v1/patrol-plans/:id/mission-sheet.pdf'),
        tags: ['prevención'],
        summary:
          'Hoja de misión del plan en PDF para la reunión de la comisaría (mapa y lista de áreas); efectivos: solo su sector; lectura auditada',
        params: idParams,
      },
    },
    async (request, reply) => {
      const { principal, grant } = accessOf(request);
      const sheet = await missionSheet(deps.db, {
        planId: request.params.id,
        view: grant as 'full' | 'sector',
        principal,
        actor: auditContext(request),
        generatedAt: new Date(),
      });
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${sheet.filename}"`)
        .send(sheet.pdf as unknown as string); // bytes: fastify sends a Buffer as is (the schema types it as a string)
    },
  );
}
