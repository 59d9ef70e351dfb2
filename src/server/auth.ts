/**
 * Authentication and authorisation for /api routes, in one onRequest hook (before any body is
 * read): resolve the caller from a bearer token or the session cookie, look the route up in the
 * permission table, check role, token scope and — for session callers on state-changing routes —
 * the CSRF token. The grant (view) for the caller's role is left on the request for the handler.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../core/access.ts';
import { AuthenticationError, ForbiddenError } from '../core/errors.ts';
import { type SessionSettings, sessionPrincipal, tokenPrincipal } from '../services/accounts.ts';
import { type AuditContext, principalContext } from '../services/audit.ts';
import type { Db } from '../storage/db.ts';
import { type Grant, PUBLIC_ROUTES, ruleFor } from './permissions.ts';

export const SESSION_COOKIE = 'vigia_session';

/** What the hook leaves on an API request. */
export interface Access {
  principal: Principal;
  grant: Grant;
}

declare module 'fastify' {
  interface FastifyRequest {
    access: Access | null;
  }
}

/** The caller of a request that passed the hook (handlers of protected routes only). */
export function accessOf(request: FastifyRequest): Access {
  if (!request.access) throw new AuthenticationError();
  return request.access;
}

/** Audit context of the caller. */
export function auditContext(request: FastifyRequest): AuditContext {
  return principalContext(accessOf(request).principal, request.ip, request.id);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function callerOf(
  db: Db,
  request: FastifyRequest,
  settings: SessionSettings,
): Promise<Principal | null> {
  const auth = request.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!m) throw new AuthenticationError('Cabecera Authorization inválida (use "Bearer <token>")');
    return tokenPrincipal(db, m[1] as string);
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const p = await sessionPrincipal(db, cookie, settings);
  if (!p) throw new AuthenticationError('Sesión vencida o cerrada; inicie sesión de nuevo / session expired');
  return p;
}

/** Installs the hook on every /api route. */
export function installAuth(app: FastifyInstance, db: Db, settings: SessionSettings): void {
  app.decorateRequest('access', null);
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (url === undefined || !url.startsWith('/api/')) return;
    const key = `${request.method} ${url}`;
    if (PUBLIC_ROUTES.includes(key)) return;
    const rule = ruleFor(request.method, url);
    if (!rule) {
      request.log.error({ route: key }, 'route missing from the permission table');
      throw new ForbiddenError('Ruta sin permisos definidos / route not in the permission table');
    }
    const principal = await callerOf(db, request, settings);
    if (!principal) throw new AuthenticationError();
    const grant = rule.roles[principal.role];
    if (!grant) throw new ForbiddenError(`El rol ${principal.role} no tiene acceso a esta ruta`);
    if (principal.via === 'token' && !principal.scopes.includes(rule.scope))
      throw new ForbiddenError(`El token no tiene el alcance "${rule.scope}" que requiere esta ruta`);
    if (rule.csrf && principal.via === 'session' && !SAFE_METHODS.has(request.method)) {
      const given = request.headers['x-csrf-token'];
      if (typeof given !== 'string' || !sameSecret(given, principal.csrfToken ?? ''))
        throw new ForbiddenError('Falta el token CSRF o no coincide (cabecera x-csrf-token)');
    }
    request.access = { principal, grant };
  });
}
