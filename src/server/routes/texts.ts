/** Generated texts (issue 14): generate, list, read, edit, review; docs/text.md, docs/api.md. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type Answer, responses } from '../../contract/api.ts';
import type { TextView } from '../../core/access.ts';
import { briefingPdf, generateBriefing, generateBulletin } from '../../services/briefing-drafts.ts';
import {
  editText,
  generateSummary,
  listTexts,
  MAX_TEXT_CHARS,
  readText,
  reviewText,
  TEXT_KINDS,
  TEXT_STATUSES,
} from '../../services/texts.ts';
import { accessOf, auditContext } from '../auth.ts';
import { areaParam, dayParam, idParams, type RouteDeps, typed } from './deps.ts';

/** Dates become ISO strings on the wire (the serializer checks the shape against the contract). */
const wire = <T>(value: unknown): T => JSON.parse(JSON.stringify(value)) as T;

const district = z.string().max(10).describe('código de distrito (ubigeo)');
const period = {
  area: areaParam,
  from: dayParam.describe('primer día'),
  to: dayParam.describe('último día (incluido)'),
};

/** What to write: a summary, a committee briefing (one district) or a community bulletin (whole months). */
const generateBody = z.discriminatedUnion('kind', [
  z
    .strictObject({
      kind: z.literal('summary'),
      audience: z
        .enum(['internal', 'community'])
        .describe('internal: con relatos anonimizados; community: solo agregados publicados'),
      district: district.optional().describe('código de distrito (ubigeo); sin él, toda el área'),
      ...period,
    })
    .describe('resumen'),
  z
    .strictObject({ kind: z.literal('briefing'), district, ...period })
    .describe(
      'informe para el Comité Distrital de Seguridad Ciudadana (vista de cifras exactas, sin categorías protegidas)',
    ),
  z
    .strictObject({
      kind: z.literal('bulletin'),
      district: district.optional().describe('código de distrito (ubigeo); sin él, toda el área'),
      ...period,
    })
    .describe('boletín comunitario: meses completos, solo celdas publicadas'),
]);

export function registerTextRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = typed(app);
  api.post(
    '/api/v1/texts',
    {
      schema: {
        response: responses('POST /api/v1/texts'),
        tags: ['textos'],
        summary:
          'Genera un resumen, un informe para el CODISEC o un boletín comunitario como borrador (modelo configurado o método incorporado), verificado oración por oración',
        body: generateBody,
      },
    },
    async (request, reply) => {
      const b = request.body;
      const common = {
        area: b.area ?? deps.defaultArea,
        from: b.from,
        to: b.to,
        llm: deps.llm,
        actor: auditContext(request),
      };
      const text =
        b.kind === 'summary'
          ? await generateSummary(deps.db, { ...common, district: b.district ?? null, audience: b.audience })
          : b.kind === 'briefing'
            ? (await generateBriefing(deps.db, { ...common, district: b.district })).draft
            : (
                await generateBulletin(deps.db, {
                  ...common,
                  ...(b.district ? { district: b.district } : {}),
                })
              ).draft;
      return reply.status(201).send({ text: wire<Answer<'POST /api/v1/texts'>['text']>(text) });
    },
  );
  api.get(
    '/api/v1/texts',
    {
      schema: {
        response: responses('GET /api/v1/texts'),
        tags: ['textos'],
        summary:
          'Textos generados del área, los más recientes primero (comunidad: solo los aprobados para la comunidad); lectura auditada',
        querystring: z.strictObject({
          area: areaParam,
          kind: z.enum(TEXT_KINDS).optional(),
          status: z.enum(TEXT_STATUSES).optional(),
          limit: z.coerce.number().int().min(1).max(500).optional(),
        }),
      },
    },
    async (request) => {
      const view = accessOf(request).grant as TextView;
      const q = request.query;
      const texts = await listTexts(
        deps.db,
        {
          area: q.area ?? deps.defaultArea,
          ...(q.kind ? { kind: q.kind } : {}),
          ...(q.status ? { status: q.status } : {}),
          ...(q.limit ? { limit: q.limit } : {}),
        },
        view,
        auditContext(request),
      );
      return wire<Answer<'GET /api/v1/texts'>>({ view, texts });
    },
  );
  api.get(
    '/api/v1/texts/:id',
    {
      schema: {
        response: responses('GET /api/v1/texts/:id'),
        tags: ['textos'],
        summary:
          'Un texto: borrador con versiones, prompt, respuesta, verificación y datos de base; comunidad: solo el texto aprobado (lectura auditada)',
        params: idParams,
      },
    },
    async (request) => {
      const view = accessOf(request).grant as TextView;
      const text = await readText(deps.db, request.params.id, view, auditContext(request));
      return wire<Answer<'GET /api/v1/texts/:id'>>({ text });
    },
  );
  api.patch(
    '/api/v1/texts/:id',
    {
      schema: {
        response: responses('PATCH /api/v1/texts/:id'),
        tags: ['textos'],
        summary: 'Edita un borrador: nueva versión (las anteriores se conservan), verificada de nuevo',
        params: idParams,
        body: z.strictObject({ body: z.string().min(1).max(MAX_TEXT_CHARS).describe('el texto completo') }),
      },
    },
    async (request) => {
      const text = await editText(deps.db, request.params.id, request.body.body, auditContext(request));
      return wire<Answer<'PATCH /api/v1/texts/:id'>>({ text });
    },
  );
  api.post(
    '/api/v1/texts/:id/review',
    {
      schema: {
        response: responses('POST /api/v1/texts/:id/review'),
        tags: ['textos'],
        summary:
          'Aprueba o rechaza un borrador (aprobar: otra persona que quien lo generó o escribió su versión actual)',
        params: idParams,
        body: z.strictObject({
          decision: z.enum(['aprobar', 'rechazar']),
          note: z.string().max(1000).optional().describe('motivo o comentario'),
        }),
      },
    },
    async (request) => {
      const b = request.body;
      const text = await reviewText(
        deps.db,
        request.params.id,
        { decision: b.decision, ...(b.note !== undefined ? { note: b.note } : {}) },
        auditContext(request),
      );
      return wire<Answer<'POST /api/v1/texts/:id/review'>>({ text });
    },
  );
  api.get(
    '/api/v1/texts/:id/pdf',
    {
      schema: {
        response: responses('GET /api/v1/texts/:id/pdf'),
        tags: ['textos'],
        summary:
          'El PDF de un informe para el CODISEC (marcado BORRADOR hasta su aprobación); otros textos no tienen PDF (404); lectura auditada',
        params: idParams,
      },
    },
    async (request, reply) => {
      const r = await briefingPdf(deps.db, request.params.id, auditContext(request), new Date());
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${r.filename}"`)
        .send(r.pdf as unknown as string); // bytes: fastify sends a Buffer as is (the schema types it as a string)
    },
  );
}
