/** Patrol plans per turno and the officer's patrol log (issue 12): docs/api.md, docs/prevention.md. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
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

const gridSchema = z.looseObject({}).describe('GridSpec del pronóstico: las celdas la indexan');
const areaSchema = z.looseObject({
  order: z.number().int(),
  code: z.string(),
  name: z.string(),
  cells: z.array(z.number().int()),
  expected: z.number(),
});
const sectorSchema = z.looseObject({
  code: z.string(),
  name: z.string(),
  units: z.number().int(),
  areas: z.number().int(),
  expectedCovered: z.number(),
  expectedTotal: z.number(),
  share: z.number(),
});
const dosageSchema = z.looseObject({
  minutesPerVisit: z.number(),
  pauseMinutes: z.number(),
  turnoMinutes: z.number(),
  visits: z.number(),
});
const planSchema = z.looseObject({
  id: z.number().int(),
  version: z.number().int(),
  area: z.string(),
  day: z.string(),
  turno: z.string(),
  group: z.string(),
  forecastId: z.number().int(),
  forecastCreatedAt: z.string(),
  modelKind: z.string(),
  modelConfig: z.unknown(),
  settings: z.looseObject({ dosage: dosageSchema }),
  grid: gridSchema,
  areas: z.array(areaSchema),
  sectors: z.array(sectorSchema),
  expectedCovered: z.number(),
  expectedTotal: z.number(),
  createdAt: z.string(),
  createdBy: z.string(),
});
const explanationSchema = z
  .object({
    forecast: z.string().describe('de qué pronóstico y modelo sale el plan, con qué datos'),
    method: z.string().describe('cómo se eligieron las áreas'),
    sectors: z.array(z.object({ code: z.string(), text: z.string() })),
    areas: z.array(z.object({ order: z.number().int(), text: z.string() })),
  })
  .describe('por qué el plan es como es (en español)');
const planResponse = z.object({ plan: planSchema, duplicate: z.boolean(), explanation: explanationSchema });
const viewResponse = z.object({
  view: z.enum(['full', 'sector', 'districts']),
  plan: z.object({
    id: z.number().int(),
    version: z.number().int(),
    area: z.string(),
    day: z.string(),
    turno: z.string(),
    group: z.string(),
    forecastId: z.number().int(),
    modelKind: z.string(),
    createdAt: z.string(),
    dosage: dosageSchema,
  }),
  grid: gridSchema.optional(),
  areas: z.array(areaSchema).optional(),
  sectors: z.array(sectorSchema),
  explanation: explanationSchema.optional(),
  expectedCovered: z.number().optional(),
  expectedTotal: z.number().optional(),
});
const logSchema = z.object({
  id: z.string(),
  username: z.string(),
  planId: z.number().int(),
  areaOrder: z.number().int(),
  kind: z.enum(['check-in', 'check-out']),
  at: z.string(),
  checkIn: z.string().nullable(),
  minutes: z.number().nullable().describe('check-out: minutos desde su check-in; null mientras no llega'),
  report: z.enum(PATROL_REPORTS).nullable(),
  tactic: z.string().nullable(),
  note: z.string().nullable(),
  receivedAt: z.string(),
});

const iso = (d: Date | string): string => new Date(d).toISOString();

function planOut(p: StoredPatrolPlan): z.infer<typeof planSchema> {
  // Interfaces have no index signature; the serializer checks the shape at run time.
  return {
    ...p,
    forecastCreatedAt: iso(p.forecastCreatedAt),
    createdAt: iso(p.createdAt),
  } as unknown as z.infer<typeof planSchema>;
}

function logOut(l: PatrolLogRow): z.infer<typeof logSchema> {
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
        response: { 200: planResponse, 201: planResponse },
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
        tags: ['prevención'],
        summary:
          'Plan de patrullaje vigente de un turno según el rol: efectivos, solo las áreas de su sector; planificadores y autoridades, agregados por distrito; analistas, todo (cada lectura queda auditada)',
        querystring: z.strictObject({
          area: areaParam,
          turno,
          day: dayParam.optional().describe('día (hora local); sin día: el último con plan'),
          group: group.optional().describe('grupo de delitos (por defecto all)'),
        }),
        response: { 200: viewResponse },
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
      return body as z.infer<typeof viewResponse>;
    },
  );
  api.post(
    '/api/v1/patrol-logs',
    {
      schema: {
        tags: ['prevención'],
        summary:
          'Registra un check-in o check-out del efectivo (id UUID del dispositivo: reenviar devuelve la entrada guardada)',
        body: logBody,
        response: {
          200: z.object({ entry: logSchema, duplicate: z.boolean() }),
          201: z.object({ entry: logSchema, duplicate: z.boolean() }),
        },
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
        tags: ['prevención'],
        summary:
          'Entradas de la bitácora de patrullaje de un plan (efectivo: las propias; analistas: todas); lectura auditada',
        querystring: z.strictObject({
          plan: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).describe('id del plan'),
        }),
        response: { 200: z.object({ planId: z.number().int(), entries: z.array(logSchema) }) },
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
        tags: ['prevención'],
        summary:
          'Hoja de misión del plan en PDF para la reunión de la comisaría (mapa y lista de áreas); efectivos: solo su sector; lectura auditada',
        params: idParams,
        response: {
          200: {
            description:
              'la hoja de misión (PDF, se descarga como mision-<área>-<día>-<turno>-v<versión>.pdf)',
            content: { 'application/pdf': { schema: z.string().describe('PDF') } },
          },
        },
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
