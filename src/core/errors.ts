/**
 * Domain errors with a stable `code`. Every error a user can cause is one of these; the CLI maps them
 * to exit codes (and the HTTP layer, later, to statuses) in one place each. Messages are Spanish first
 * and name the file, row, field or parameter at fault.
 */

/** Stable machine-readable error codes. */
export type VigiaErrorCode =
  | 'CONFIG_INVALID'
  | 'VALIDATION'
  | 'INPUT_FILE_REJECTED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'STORAGE'
  | 'INSUFFICIENT_DATA'
  | 'RULE_VIOLATION'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED';

/** Base class: a user-facing error with a stable code. */
export class VigiaError extends Error {
  readonly code: VigiaErrorCode;
  constructor(code: VigiaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Invalid settings; lists every problem (never the values, which may be secrets). */
export class ConfigError extends VigiaError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(
      'CONFIG_INVALID',
      `Configuración inválida / invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

/** A parameter or value broke a rule; `field` names it. */
export class ValidationError extends VigiaError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('VALIDATION', `${field}: ${message}`);
    this.field = field;
  }
}

/** A whole input file was refused before anything was written. */
export class InputFileError extends VigiaError {
  readonly file: string;
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super('INPUT_FILE_REJECTED', `${file}: ${message}`, options);
    this.file = file;
  }
}

/** A named thing (study area, batch, incident) does not exist. */
export class NotFoundError extends VigiaError {
  constructor(what: string) {
    super('NOT_FOUND', what);
  }
}

/** The request conflicts with what is stored (a name already taken, the last admin). */
export class ConflictError extends VigiaError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

/** The database could not be reached or refused an operation. */
export class StorageError extends VigiaError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORAGE', message, options);
  }
}

/** Not enough data for what was asked (no events before a cutoff, an empty window set). */
export class InsufficientDataError extends VigiaError {
  constructor(message: string) {
    super('INSUFFICIENT_DATA', message);
  }
}

/**
 * A well-formed request that breaks a domain rule about what it refers to (a patrol check-in for an
 * area outside the officer's plan, a check-out timestamped before its check-in); `field` names it.
 */
export class RuleViolationError extends VigiaError {
  readonly field: string;
  constructor(field: string, message: string) {
    super('RULE_VIOLATION', `${field}: ${message}`);
    this.field = field;
  }
}

/** The caller did not prove who they are (no, bad, expired or revoked credentials). */
export class AuthenticationError extends VigiaError {
  constructor(message = 'Se requiere autenticación / authentication required') {
    super('UNAUTHENTICATED', message);
  }
}

/** The caller is known but may not do this. */
export class ForbiddenError extends VigiaError {
  constructor(message = 'Acceso denegado para su rol / forbidden for your role') {
    super('FORBIDDEN', message);
  }
}

/** Too many failed attempts (logins): refused until `retryAfterSeconds` have passed. */
export class RateLimitedError extends VigiaError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super('RATE_LIMITED', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
