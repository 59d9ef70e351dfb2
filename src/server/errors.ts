/**
 * The one place where errors become HTTP responses: `{ error: { code, message } }` with a status
 * from the error's stable code. Unknown errors are logged and answered with a generic 500 — no
 * stack traces, SQL or paths leak to clients.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { RateLimitedError, VigiaError, type VigiaErrorCode } from '../core/errors.ts';

/** HTTP status per domain error code. */
export const STATUS_BY_CODE: Readonly<Record<VigiaErrorCode, number>> = {
  VALIDATION: 400,
  INPUT_FILE_REJECTED: 422,
  INSUFFICIENT_DATA: 422,
  RULE_VIOLATION: 422,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  NOT_FOUND: 404,
  CONFLICT: 409,
  STORAGE: 503,
  CONFIG_INVALID: 500,
};

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; fields?: { field: string; message: string }[] };
}

/** Fastify error handler. */
export function handleError(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof VigiaError) {
    const status = STATUS_BY_CODE[err.code];
    // An unavailable database fails every request alike: one line each, no stack (the cause says why).
    if (err.code === 'STORAGE') {
      request.log.warn(
        { code: err.code, cause: String((err.cause as Error | undefined)?.message ?? '') },
        err.message,
      );
      void reply.header('retry-after', '5');
    } else if (status >= 500) request.log.error({ err }, 'request failed');
    if (err instanceof RateLimitedError) void reply.header('retry-after', String(err.retryAfterSeconds));
    void reply.status(status).send({ error: { code: err.code, message: err.message } } satisfies ErrorBody);
    return;
  }
  const fe = err as FastifyError;
  // Schema validation: one message per field, named "querystring.limit", "body.password", …
  if (Array.isArray(fe.validation)) {
    const context = fe.validationContext ?? 'request';
    const fields = fe.validation.map((v) => ({
      field: [context, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'valor inválido',
    }));
    void reply.status(400).send({
      error: {
        code: 'VALIDATION',
        message: `Solicitud inválida: ${fields.map((x) => `${x.field}: ${x.message}`).join('; ')}`,
        fields,
      },
    } satisfies ErrorBody);
    return;
  }
  // Fastify's own client errors (malformed JSON, body too large, bad content type) keep their status.
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    void reply
      .status(fe.statusCode)
      .send({ error: { code: fe.code ?? 'BAD_REQUEST', message: fe.message } } satisfies ErrorBody);
    return;
  }
  request.log.error({ err }, 'unexpected error');
  void reply.status(500).send({
    error: { code: 'INTERNAL', message: 'Error interno del servidor / internal server error' },
  } satisfies ErrorBody);
}

/** 404 for unknown routes, in the same shape. */
export function handleNotFound(request: FastifyRequest, reply: FastifyReply): void {
  void reply.status(404).send({
    error: {
      code: 'NOT_FOUND',
      message: `Ruta no encontrada: ${request.method} ${request.url.split('?')[0]}`,
    },
  } satisfies ErrorBody);
}
