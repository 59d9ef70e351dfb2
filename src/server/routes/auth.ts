/** Login, logout and "who am I" for dashboard sessions and token callers. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { responses } from '../../contract/api.ts';
import { ROLE_LABELS } from '../../core/access.ts';
import { AuthenticationError } from '../../core/errors.ts';
import { changeOwnPassword, login, logout, sessionPrincipal, userById } from '../../services/accounts.ts';
import { accessOf, auditContext, SESSION_COOKIE } from '../auth.ts';
import { LoginGuard } from '../login-guard.ts';
import { viewsFor } from '../views.ts';
import { type RouteDeps, typed } from './deps.ts';

export function registerAuthRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = typed(app);
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: deps.settings.cookieSecure,
  };
  // Failed logins per account and per client address (successes do not count).
  const guard = new LoginGuard(deps.settings.loginAttemptsPer15Minutes);

  api.post(
    '/api/v1/auth/login',
    {
      schema: {
        response: responses('POST /api/v1/auth/login'),
        tags: ['cuenta'],
        summary: 'Inicia sesión (cookie HttpOnly + token CSRF)',
        security: [],
        body: z.object({ username: z.string().min(1).max(80), password: z.string().min(1).max(1024) }),
      },
    },
    async (request, reply) => {
      const giveBack = guard.begin(LoginGuard.keys(request.body.username, request.ip));
      let s: Awaited<ReturnType<typeof login>>;
      try {
        s = await login(deps.db, request.body.username, request.body.password, deps.settings, {
          ip: request.ip,
          requestId: request.id,
        });
      } catch (err) {
        // Only a refused password counts; a fault (database down: 503) is not the caller's failure.
        if (!(err instanceof AuthenticationError)) giveBack();
        throw err;
      }
      giveBack();
      void reply.setCookie(SESSION_COOKIE, s.secret, {
        ...cookieOptions,
        maxAge: deps.settings.sessionMaxHours * 3600,
      });
      return {
        user: { ...s.user, roleLabel: ROLE_LABELS[s.user.role] },
        csrfToken: s.csrfToken,
        expiresAt: s.expiresAt,
        idleMinutes: deps.settings.sessionIdleMinutes,
        views: viewsFor({ role: s.user.role, scopes: [], via: 'session' }),
      };
    },
  );

  api.post(
    '/api/v1/auth/logout',
    {
      schema: {
        response: responses('POST /api/v1/auth/logout'),
        tags: ['cuenta'],
        summary: 'Cierra la sesión (requiere x-csrf-token)',
      },
    },
    async (request, reply) => {
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie) await logout(deps.db, cookie, auditContext(request));
      void reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.status(204).send();
    },
  );

  api.get(
    '/api/v1/auth/session',
    {
      schema: {
        response: responses('GET /api/v1/auth/session'),
        tags: ['cuenta'],
        summary: 'La sesión del navegador, si hay una (200 también sin sesión: { user: null })',
        security: [],
      },
    },
    async (request) => {
      const cookie = request.cookies[SESSION_COOKIE];
      const p = cookie ? await sessionPrincipal(deps.db, cookie, deps.settings) : null;
      const user = p ? await userById(deps.db, p.userId) : null;
      if (!p || !user) return { user: null };
      return {
        user: { ...user, roleLabel: ROLE_LABELS[user.role] },
        via: p.via,
        scopes: p.scopes,
        csrfToken: p.csrfToken,
        views: viewsFor(p),
      };
    },
  );

  api.post(
    '/api/v1/auth/password',
    {
      schema: {
        response: responses('POST /api/v1/auth/password'),
        tags: ['cuenta'],
        summary: 'Cambia la contraseña propia (cierra todas las sesiones del usuario)',
        body: z.object({
          currentPassword: z.string().min(1).max(1024),
          newPassword: z.string().min(1).max(1024),
        }),
      },
    },
    async (request, reply) => {
      const { principal } = accessOf(request);
      await changeOwnPassword(
        deps.db,
        principal.userId,
        request.body.currentPassword,
        request.body.newPassword,
        auditContext(request),
      );
      void reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.status(204).send();
    },
  );

  api.get(
    '/api/v1/auth/me',
    {
      schema: {
        response: responses('GET /api/v1/auth/me'),
        tags: ['cuenta'],
        summary: 'El usuario autenticado, su rol y alcances',
      },
    },
    async (request) => {
      const { principal } = accessOf(request);
      const user = await userById(deps.db, principal.userId);
      return {
        user: user ? { ...user, roleLabel: ROLE_LABELS[user.role] } : null,
        via: principal.via,
        scopes: principal.scopes,
        ...(principal.via === 'session' ? { csrfToken: principal.csrfToken } : {}),
        views: viewsFor(principal),
      };
    },
  );
}
