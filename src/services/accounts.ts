/**
 * Accounts: users with argon2id passwords, API tokens (hashed at rest, scoped, expiring,
 * revocable) and dashboard login sessions (idle timeout and absolute lifetime). Every change is
 * audited here, so the CLI and the HTTP API record the same events.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { isRole, type Principal, ROLE_SCOPES, ROLES, type Role, SCOPES, type Scope } from '../core/access.ts';
import { AuthenticationError, ConflictError, NotFoundError, ValidationError } from '../core/errors.ts';
import {
  countAdmins,
  deleteSession,
  deleteUserSessions,
  findUserByName,
  getToken,
  getUser,
  insertSession,
  insertToken,
  insertUser,
  listTokens,
  listUsers,
  revokeToken,
  sessionForAuth,
  type TokenRow,
  tokenForAuth,
  touchSession,
  touchToken,
  type UserRow,
  type UserSector,
  updateUser,
} from '../storage/accounts.ts';
import type { Db } from '../storage/db.ts';
import { getStudyArea } from './areas.ts';
import { type AuditContext, audit } from './audit.ts';

export type { TokenRow, UserRow, UserSector } from '../storage/accounts.ts';

/** OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane) — ≈25 ms per hash here. */
// algorithm 2 = Argon2id (the package's const enum cannot be imported under verbatimModuleSyntax).
const ARGON2 = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
const MIN_PASSWORD = 12;
const MAX_PASSWORD = 256;

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

function checkPassword(password: string, field: string): void {
  if (password.length < MIN_PASSWORD)
    throw new ValidationError(field, `la contraseña debe tener al menos ${MIN_PASSWORD} caracteres`);
  if (password.length > MAX_PASSWORD)
    throw new ValidationError(field, `la contraseña no puede superar ${MAX_PASSWORD} caracteres`);
}

function checkUsername(username: string): void {
  if (!/^[a-z0-9._-]{3,40}$/.test(username))
    throw new ValidationError(
      'username',
      'usuario inválido: 3–40 caracteres en minúscula, dígitos, punto, guion o guion bajo',
    );
}

function checkRole(role: string): asserts role is Role {
  if (!isRole(role))
    throw new ValidationError('role', `rol desconocido "${role}" (use: ${ROLES.join(', ')})`);
}

/** A new account. */
export interface NewUser {
  username: string;
  displayName?: string;
  role: string;
  password: string;
}

/**
 * Creates a user.
 * @throws ValidationError for a bad name, role or short password; ConflictError if the name exists
 */
export async function createUser(db: Db, u: NewUser, ctx: AuditContext): Promise<UserRow> {
  const username = u.username.trim().toLowerCase();
  checkUsername(username);
  checkRole(u.role);
  checkPassword(u.password, 'password');
  const row = await insertUser(db, {
    username,
    displayName: u.displayName?.trim() || username,
    role: u.role,
    passwordHash: await hash(u.password, ARGON2),
  });
  if (!row) throw new ConflictError(`El usuario "${username}" ya existe`);
  await audit(db, ctx, 'user.create', `user:${row.id}`, { username, role: row.role });
  return row;
}

/** Changes to an account (admin). */
export interface UserChanges {
  displayName?: string;
  role?: string;
  disabled?: boolean;
  password?: string;
  /**
   * The user's sector: a district of a study area (for an area without districts, the area's own
   * id as the code); null clears it. Comisarías are not modelled yet.
   */
  sector?: UserSector | null;
}

/** Checks that a sector names a district of a stored study area. @throws ValidationError */
async function checkSector(db: Db, sector: UserSector): Promise<UserSector> {
  let area: Awaited<ReturnType<typeof getStudyArea>>;
  try {
    area = await getStudyArea(db, sector.area);
  } catch (err) {
    if (err instanceof NotFoundError)
      throw new ValidationError('sector', `no existe el área de estudio "${sector.area}"`);
    throw err;
  }
  const codes = area.def.districts.length > 0 ? area.def.districts.map((d) => d.code) : [area.def.id];
  if (!codes.includes(sector.code))
    throw new ValidationError(
      'sector',
      `"${sector.code}" no es un sector (distrito) del área ${area.def.id} (códigos: ${codes.join(', ')})`,
    );
  return { area: area.def.id, code: sector.code };
}

/**
 * Updates a user; a new password, a new role or disabling ends the user's sessions.
 * @throws NotFoundError; ValidationError; ConflictError when the last active admin would be lost
 */
export async function changeUser(db: Db, id: number, c: UserChanges, ctx: AuditContext): Promise<UserRow> {
  const before = await getUser(db, id);
  if (!before) throw new NotFoundError(`No existe el usuario ${id}`);
  if (c.role !== undefined) checkRole(c.role);
  if (c.password !== undefined) checkPassword(c.password, 'password');
  const sector = c.sector ? await checkSector(db, c.sector) : c.sector;
  const losesAdmin =
    before.role === 'admin' &&
    !before.disabled &&
    ((c.role !== undefined && c.role !== 'admin') || c.disabled === true);
  if (losesAdmin && (await countAdmins(db)) <= 1)
    throw new ConflictError('No se puede quitar el último administrador activo');
  const after = await updateUser(db, id, {
    ...(c.displayName !== undefined ? { displayName: c.displayName.trim() } : {}),
    ...(c.role !== undefined ? { role: c.role as Role } : {}),
    ...(c.disabled !== undefined ? { disabled: c.disabled } : {}),
    ...(c.password !== undefined ? { passwordHash: await hash(c.password, ARGON2) } : {}),
    ...(sector !== undefined ? { sector } : {}),
  });
  if (!after) throw new NotFoundError(`No existe el usuario ${id}`);
  if (c.password !== undefined || c.disabled === true || (c.role !== undefined && c.role !== before.role)) {
    await deleteUserSessions(db, id);
    forgetTokens();
  }
  await audit(db, ctx, 'user.update', `user:${id}`, {
    username: after.username,
    changed: Object.keys(c).filter((k) => c[k as keyof UserChanges] !== undefined),
    ...(c.role !== undefined ? { role: c.role } : {}),
    ...(c.disabled !== undefined ? { disabled: c.disabled } : {}),
    ...(sector !== undefined ? { sector } : {}),
  });
  return after;
}

export { listUsers };

let dummyHash: Promise<string> | undefined;

/**
 * Checks a username and password. Unknown users cost the same argon2 work as known ones (no
 * timing oracle for account names). Every attempt is audited.
 * @throws AuthenticationError with one message for every failure
 */
export async function authenticate(
  db: Db,
  username: string,
  password: string,
  ctx: Omit<AuditContext, 'actor' | 'role'>,
): Promise<UserRow> {
  const name = username.trim().toLowerCase();
  const user = password.length <= MAX_PASSWORD ? await findUserByName(db, name) : null;
  dummyHash ??= hash('vigia-dummy-password', ARGON2);
  let ok = false;
  if (user) ok = await verify(user.passwordHash, password);
  else await verify(await dummyHash, password.slice(0, MAX_PASSWORD));
  if (!user || !ok || user.disabled) {
    await audit(db, { ...ctx, actor: name.slice(0, 40) || '(vacío)', role: null }, 'login.failure', null, {
      reason: !user ? 'unknown-user' : !ok ? 'bad-password' : 'disabled',
    });
    throw new AuthenticationError('Usuario o contraseña incorrectos / invalid username or password');
  }
  const { passwordHash: _, ...view } = user;
  return view;
}

/** Session lifetimes. */
export interface SessionSettings {
  sessionIdleMinutes: number;
  sessionMaxHours: number;
}

/** A new login session: the cookie value and the CSRF token (shown once). */
export interface NewSession {
  secret: string;
  csrfToken: string;
  expiresAt: Date;
  user: UserRow;
}

/** Logs a user in. @throws AuthenticationError */
export async function login(
  db: Db,
  username: string,
  password: string,
  settings: SessionSettings,
  ctx: Omit<AuditContext, 'actor' | 'role'>,
): Promise<NewSession> {
  const user = await authenticate(db, username, password, ctx);
  const secret = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + settings.sessionMaxHours * 3_600_000);
  await insertSession(db, { idHash: sha256(secret), userId: user.id, csrfToken, expiresAt });
  await audit(db, { ...ctx, actor: user.username, role: user.role }, 'login.success', `user:${user.id}`);
  return { secret, csrfToken, expiresAt, user };
}

/** Touch the session at most this often (one write per minute, not per request). */
const TOUCH_EVERY_MS = 60_000;

/** The caller behind a session cookie, or null when it is unknown, idle too long, expired or disabled. */
export async function sessionPrincipal(
  db: Db,
  secret: string,
  settings: SessionSettings,
  now = Date.now(),
): Promise<Principal | null> {
  if (secret.length > 100) return null;
  const s = await sessionForAuth(db, sha256(secret));
  if (!s || s.disabled) return null;
  if (now >= s.expiresAt.getTime() || now - s.lastSeenAt.getTime() > settings.sessionIdleMinutes * 60_000) {
    await deleteSession(db, s.idHash);
    return null;
  }
  if (now - s.lastSeenAt.getTime() > TOUCH_EVERY_MS) await touchSession(db, s.idHash);
  return {
    userId: s.userId,
    username: s.username,
    role: s.role,
    scopes: ROLE_SCOPES[s.role],
    via: 'session',
    csrfToken: s.csrfToken,
  };
}

/** Ends a session. */
export async function logout(db: Db, secret: string, ctx: AuditContext): Promise<void> {
  await deleteSession(db, sha256(secret));
  await audit(db, ctx, 'logout', null);
}

const TOKEN_RE = /^vgt_(\d{1,12})_([A-Za-z0-9_-]{43})$/;

/**
 * Verified tokens, kept for a few seconds so that a busy script does not cost a database round trip
 * per request. Revoking a token or changing its owner in this process clears the cache at once;
 * other processes see it within TOKEN_CACHE_MS. Expiry is checked on every request.
 */
const tokenCache = new Map<string, { principal: Principal; expiresAt: number; until: number }>();
const TOKEN_CACHE_MS = 5_000;
const TOKEN_CACHE_MAX = 1_000;

function forgetTokens(): void {
  tokenCache.clear();
}

/** The caller behind an API token. @throws AuthenticationError for malformed, unknown, expired, revoked tokens */
export async function tokenPrincipal(db: Db, token: string, now = Date.now()): Promise<Principal> {
  const cached = tokenCache.get(token);
  if (cached && cached.until > now) {
    if (cached.expiresAt <= now) throw new AuthenticationError('Token vencido / token expired');
    return cached.principal;
  }
  const { principal, expiresAt } = await verifyToken(db, token, now);
  if (tokenCache.size >= TOKEN_CACHE_MAX) tokenCache.clear();
  tokenCache.set(token, { principal, expiresAt, until: now + TOKEN_CACHE_MS });
  return principal;
}

async function verifyToken(
  db: Db,
  token: string,
  now: number,
): Promise<{ principal: Principal; expiresAt: number }> {
  const m = TOKEN_RE.exec(token);
  const row = m ? await tokenForAuth(db, Number(m[1])) : null;
  const given = Buffer.from(sha256(m?.[2] ?? ''), 'hex');
  const valid = row !== null && timingSafeEqual(given, Buffer.from(row.secretHash, 'hex'));
  if (!row || !valid) throw new AuthenticationError('Token inválido / invalid token');
  if (row.revokedAt) throw new AuthenticationError('Token revocado / token revoked');
  if (row.expiresAt && row.expiresAt.getTime() <= now)
    throw new AuthenticationError('Token vencido / token expired');
  if (row.disabled) throw new AuthenticationError('Usuario deshabilitado / user disabled');
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) await touchToken(db, row.id);
  // A token keeps only the scopes its owner's current role allows.
  const allowed = ROLE_SCOPES[row.role];
  return {
    principal: {
      userId: row.userId,
      username: row.username,
      role: row.role,
      scopes: row.scopes.filter((s) => allowed.includes(s)),
      via: 'token',
      tokenId: row.id,
    },
    expiresAt: row.expiresAt ? row.expiresAt.getTime() : Number.POSITIVE_INFINITY,
  };
}

/** A token request. */
export interface NewToken {
  name: string;
  scopes: readonly string[];
  /** Days until it expires (default 90; null = never). */
  expiresInDays?: number | null;
}

/**
 * Creates a token for `owner`; the secret is returned once and only its hash is stored.
 * @throws ValidationError for scopes the owner's role cannot hold
 */
export async function createToken(
  db: Db,
  owner: { id: number; username: string; role: Role },
  t: NewToken,
  ctx: AuditContext,
): Promise<{ id: number; token: string; expiresAt: Date | null; scopes: Scope[] }> {
  const name = t.name.trim();
  if (!name || name.length > 80) throw new ValidationError('name', 'nombre del token: 1–80 caracteres');
  const scopes = [...new Set(t.scopes)];
  if (scopes.length === 0)
    throw new ValidationError('scopes', `indique al menos un alcance (${SCOPES.join(', ')})`);
  for (const s of scopes)
    if (!(ROLE_SCOPES[owner.role] as readonly string[]).includes(s))
      throw new ValidationError(
        'scopes',
        `el rol ${owner.role} no puede tener el alcance "${s}" (permitidos: ${ROLE_SCOPES[owner.role].join(', ')})`,
      );
  const days = t.expiresInDays === undefined ? 90 : t.expiresInDays;
  if (days !== null && (!Number.isInteger(days) || days < 1 || days > 3650))
    throw new ValidationError('expiresInDays', 'entre 1 y 3650 días (o null para no vencer)');
  const expiresAt = days === null ? null : new Date(Date.now() + days * 86_400_000);
  const secret = randomBytes(32).toString('base64url');
  const id = await insertToken(db, {
    userId: owner.id,
    name,
    secretHash: sha256(secret),
    scopes: scopes as Scope[],
    expiresAt,
  });
  await audit(db, ctx, 'token.create', `token:${id}`, { owner: owner.username, name, scopes });
  return { id, token: `vgt_${id}_${secret}`, expiresAt, scopes: scopes as Scope[] };
}

/** Tokens of one user, or of everyone (admin). */
export function tokensOf(db: Db, userId: number | null): Promise<TokenRow[]> {
  return listTokens(db, userId);
}

/**
 * Revokes a token. Only its owner or an admin may (`operator`: the server's operator at the CLI).
 * @throws NotFoundError (also for someone else's token, to not reveal it exists)
 */
export async function revokeTokenAs(
  db: Db,
  id: number,
  caller: Principal | 'operator',
  ctx: AuditContext,
): Promise<void> {
  const t = await getToken(db, id);
  const allowed = caller === 'operator' || t?.userId === caller.userId || caller.role === 'admin';
  if (!t || !allowed) throw new NotFoundError(`No existe el token ${id}`);
  await revokeToken(db, id);
  forgetTokens();
  await audit(db, ctx, 'token.revoke', `token:${id}`, { owner: t.username });
}

/** Finds a user by name. @throws NotFoundError */
export async function userByName(db: Db, username: string): Promise<UserRow> {
  const u = await findUserByName(db, username.trim().toLowerCase());
  if (!u) throw new NotFoundError(`No existe el usuario "${username}"`);
  const { passwordHash: _, ...view } = u;
  return view;
}

/** A user by id, or null. */
export function userById(db: Db, id: number): Promise<UserRow | null> {
  return getUser(db, id);
}

/**
 * A user changes their own password: the current one is checked (failures audited), every session
 * of the user ends, tokens stay.
 * @throws ValidationError for a wrong current password or a short new one
 */
export async function changeOwnPassword(
  db: Db,
  userId: number,
  current: string,
  next: string,
  ctx: AuditContext,
): Promise<void> {
  const user = await getUser(db, userId);
  const stored = user ? await findUserByName(db, user.username) : null;
  if (!user || !stored || current.length > MAX_PASSWORD || !(await verify(stored.passwordHash, current))) {
    await audit(db, ctx, 'password.change.failure', `user:${userId}`);
    throw new ValidationError('currentPassword', 'la contraseña actual no es correcta');
  }
  if (next === current)
    throw new ValidationError('newPassword', 'la contraseña nueva debe ser distinta de la actual');
  checkPassword(next, 'newPassword');
  await updateUser(db, userId, { passwordHash: await hash(next, ARGON2) });
  await deleteUserSessions(db, userId);
  await audit(db, ctx, 'password.change', `user:${userId}`);
}
