/** Accounts (admin), API tokens (own; admins all) and the audit log (admin). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { responses } from '../../contract/api.ts';
import { ROLES, SCOPES } from '../../core/access.ts';
import { NotFoundError } from '../../core/errors.ts';
import { parseDay } from '../../core/time.ts';
import {
  changeUser,
  createToken,
  createUser,
  listUsers,
  revokeTokenAs,
  tokensOf,
  userById,
} from '../../services/accounts.ts';
import { queryAudit } from '../../services/audit.ts';
import { accessOf, auditContext } from '../auth.ts';
import { dayParam, idParams, type RouteDeps, typed } from './deps.ts';

export function registerAdminRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = typed(app);
  api.get(
    '/api/v1/users',
    { schema: { response: responses('GET /api/v1/users'), tags: ['administración'], summary: 'Usuarios' } },
    async () => ({
      users: await listUsers(deps.db),
    }),
  );
  api.post(
    '/api/v1/users',
    {
      schema: {
        response: responses('POST /api/v1/users'),
        tags: ['administración'],
        summary: 'Crea un usuario',
        body: z.object({
          username: z.string().min(3).max(40),
          displayName: z.string().max(120).optional(),
          role: z.enum(ROLES),
          password: z.string().min(12).max(256),
        }),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const user = await createUser(
        deps.db,
        {
          username: b.username,
          role: b.role,
          password: b.password,
          ...(b.displayName ? { displayName: b.displayName } : {}),
        },
        auditContext(request),
      );
      return reply.status(201).send({ user });
    },
  );
  api.patch(
    '/api/v1/users/:id',
    {
      schema: {
        response: responses('PATCH /api/v1/users/:id'),
        tags: ['administración'],
        summary:
          'Cambia rol, nombre, contraseña o sector, o deshabilita un usuario (rol, contraseña o deshabilitar cierran sus sesiones)',
        params: idParams,
        body: z
          .object({
            displayName: z.string().min(1).max(120).optional(),
            role: z.enum(ROLES).optional(),
            disabled: z.boolean().optional(),
            password: z.string().min(12).max(256).optional(),
            sector: z
              .object({
                area: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'id de área inválido (ej. callao)'),
                code: z.string().min(1).max(40),
              })
              .strict()
              .nullable()
              .optional()
              .describe(
                'sector del usuario: un distrito del área (las comisarías aún no se modelan); null lo quita',
              ),
          })
          .strict(),
      },
    },
    async (request) => ({
      user: await changeUser(deps.db, request.params.id, request.body, auditContext(request)),
    }),
  );

  api.get(
    '/api/v1/tokens',
    {
      schema: {
        response: responses('GET /api/v1/tokens'),
        tags: ['cuenta'],
        summary: 'Tokens de API propios (administrador: todos); nunca el secreto',
      },
    },
    async (request) => {
      const { principal, grant } = accessOf(request);
      return { tokens: await tokensOf(deps.db, grant === 'all' ? null : principal.userId) };
    },
  );
  api.post(
    '/api/v1/tokens',
    {
      schema: {
        response: responses('POST /api/v1/tokens'),
        tags: ['cuenta'],
        summary: 'Crea un token de API propio; el secreto se muestra una sola vez',
        body: z.object({
          name: z.string().min(1).max(80),
          scopes: z.array(z.enum(SCOPES)).min(1).max(3),
          expiresInDays: z.number().int().min(1).max(3650).nullable().optional(),
        }),
      },
    },
    async (request, reply) => {
      const { principal } = accessOf(request);
      const owner = await userById(deps.db, principal.userId);
      if (!owner) throw new NotFoundError('usuario');
      const t = await createToken(
        deps.db,
        owner,
        {
          name: request.body.name,
          scopes: request.body.scopes,
          ...(request.body.expiresInDays !== undefined ? { expiresInDays: request.body.expiresInDays } : {}),
        },
        auditContext(request),
      );
      return reply.status(201).send(t);
    },
  );
  api.delete(
    '/api/v1/tokens/:id',
    {
      schema: {
        response: responses('DELETE /api/v1/tokens/:id'),
        tags: ['cuenta'],
        summary: 'Revoca un token',
        params: idParams,
      },
    },
    async (request, reply) => {
      await revokeTokenAs(deps.db, request.params.id, accessOf(request).principal, auditContext(request));
      return reply.status(204).send();
    },
  );

  api.get(
    '/api/v1/audit',
    {
      schema: {
        response: responses('GET /api/v1/audit'),
        tags: ['administración'],
        summary: 'Registro de auditoría (más reciente primero)',
        querystring: z.object({
          from: dayParam.optional(),
          to: dayParam.optional(),
          actor: z.string().max(120).optional(),
          action: z.string().max(60).optional(),
          before: z.coerce.number().int().min(1).optional().describe('seq: filas anteriores a esta'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
      },
    },
    async (request) => {
      const q = request.query;
      const tz = deps.timeZone;
      const rows = await queryAudit(deps.db, {
        ...(q.from ? { from: parseDay(q.from, tz, 'from') } : {}),
        ...(q.to ? { to: parseDay(q.to, tz, 'to', true) } : {}),
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.before ? { before: q.before } : {}),
        limit: q.limit,
      });
      return {
        entries: rows,
        nextBefore: rows.length === q.limit ? (rows[rows.length - 1]?.seq ?? null) : null,
      };
    },
  );
}
