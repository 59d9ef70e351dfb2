/**
 * Users, API tokens and login sessions. Secrets never reach this module in clear except to be
 * hashed by the caller: passwords as argon2id strings, token and session secrets as SHA-256.
 */
import type { Role, Scope } from '../core/access.ts';
import type { Queryable } from './db.ts';

/** A stored user (without the password hash). */
export interface UserRow {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  /** Where the user works (officers: the sector whose patrol areas they see), or null. */
  sector: UserSector | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A user's sector: a district of a study area (comisarías are not modelled yet). */
export interface UserSector {
  area: string;
  /** District code. */
  code: string;
}

const USER_COLUMNS = `id, username, display_name as "displayName", role, disabled,
  case when sector_area is null then null
    else json_build_object('area', sector_area, 'code', sector_code) end as sector,
  created_at as "createdAt", updated_at as "updatedAt"`;

export async function insertUser(
  db: Queryable,
  u: { username: string; displayName: string; role: Role; passwordHash: string },
): Promise<UserRow | null> {
  const rows = await db.query<UserRow>(
    `insert into users (username, display_name, role, password_hash) values ($1, $2, $3, $4)
     on conflict (username) do nothing returning ${USER_COLUMNS}`,
    [u.username, u.displayName, u.role, u.passwordHash],
  );
  return rows[0] ?? null;
}

export async function updateUser(
  db: Queryable,
  id: number,
  changes: {
    displayName?: string;
    role?: Role;
    disabled?: boolean;
    passwordHash?: string;
    /** A new sector, or null to clear it; absent: unchanged. */
    sector?: UserSector | null;
  },
): Promise<UserRow | null> {
  const setSector = changes.sector !== undefined;
  const rows = await db.query<UserRow>(
    `update users set display_name = coalesce($2, display_name), role = coalesce($3, role),
       disabled = coalesce($4, disabled), password_hash = coalesce($5, password_hash),
       sector_area = case when $6::boolean then $7::text else sector_area end,
       sector_code = case when $6::boolean then $8::text else sector_code end, updated_at = now()
     where id = $1 returning ${USER_COLUMNS}`,
    [
      id,
      changes.displayName ?? null,
      changes.role ?? null,
      changes.disabled ?? null,
      changes.passwordHash ?? null,
      setSector,
      changes.sector?.area ?? null,
      changes.sector?.code ?? null,
    ],
  );
  return rows[0] ?? null;
}

export async function findUserByName(
  db: Queryable,
  username: string,
): Promise<(UserRow & { passwordHash: string }) | null> {
  const rows = await db.query<UserRow & { passwordHash: string }>(
    `select ${USER_COLUMNS}, password_hash as "passwordHash" from users where username = $1`,
    [username],
  );
  return rows[0] ?? null;
}

export async function getUser(db: Queryable, id: number): Promise<UserRow | null> {
  const rows = await db.query<UserRow>(`select ${USER_COLUMNS} from users where id = $1`, [id]);
  return rows[0] ?? null;
}

export function listUsers(db: Queryable): Promise<UserRow[]> {
  return db.query<UserRow>(`select ${USER_COLUMNS} from users order by id`);
}

export async function countAdmins(db: Queryable): Promise<number> {
  const [r] = await db.query<{ n: number }>(
    `select count(*)::int as n from users where role = 'admin' and not disabled`,
  );
  return r?.n ?? 0;
}

/** A token as listed (never its secret). */
export interface TokenRow {
  id: number;
  userId: number;
  username: string;
  name: string;
  scopes: Scope[];
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

const TOKEN_COLUMNS = `t.id, t.user_id as "userId", u.username, t.name, t.scopes, t.created_at as "createdAt",
  t.expires_at as "expiresAt", t.revoked_at as "revokedAt", t.last_used_at as "lastUsedAt"`;

export async function insertToken(
  db: Queryable,
  t: { userId: number; name: string; secretHash: string; scopes: readonly Scope[]; expiresAt: Date | null },
): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `insert into api_tokens (user_id, name, secret_hash, scopes, expires_at) values ($1, $2, $3, $4, $5) returning id`,
    [t.userId, t.name, t.secretHash, t.scopes, t.expiresAt],
  );
  return (row as { id: number }).id;
}

export function listTokens(db: Queryable, userId: number | null): Promise<TokenRow[]> {
  return db.query<TokenRow>(
    `select ${TOKEN_COLUMNS} from api_tokens t join users u on u.id = t.user_id
     where $1::bigint is null or t.user_id = $1 order by t.id`,
    [userId],
  );
}

export async function getToken(db: Queryable, id: number): Promise<TokenRow | null> {
  const rows = await db.query<TokenRow>(
    `select ${TOKEN_COLUMNS} from api_tokens t join users u on u.id = t.user_id where t.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

export async function revokeToken(db: Queryable, id: number): Promise<boolean> {
  const rows = await db.query(
    'update api_tokens set revoked_at = coalesce(revoked_at, now()) where id = $1 returning id',
    [id],
  );
  return rows.length > 0;
}

/** What authenticating a token needs: its hash, state and owner. */
export interface TokenAuthRow {
  id: number;
  secretHash: string;
  scopes: Scope[];
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  userId: number;
  username: string;
  role: Role;
  disabled: boolean;
}

export async function tokenForAuth(db: Queryable, id: number): Promise<TokenAuthRow | null> {
  const rows = await db.query<TokenAuthRow>(
    `select t.id, t.secret_hash as "secretHash", t.scopes, t.expires_at as "expiresAt", t.revoked_at as "revokedAt",
       t.last_used_at as "lastUsedAt", u.id as "userId", u.username, u.role, u.disabled
     from api_tokens t join users u on u.id = t.user_id where t.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

export async function touchToken(db: Queryable, id: number): Promise<void> {
  await db.query('update api_tokens set last_used_at = now() where id = $1', [id]);
}

/** What authenticating a session needs. */
export interface SessionAuthRow {
  idHash: string;
  csrfToken: string;
  lastSeenAt: Date;
  expiresAt: Date;
  userId: number;
  username: string;
  role: Role;
  disabled: boolean;
}

export async function insertSession(
  db: Queryable,
  s: { idHash: string; userId: number; csrfToken: string; expiresAt: Date },
): Promise<void> {
  await db.query('insert into sessions (id_hash, user_id, csrf_token, expires_at) values ($1, $2, $3, $4)', [
    s.idHash,
    s.userId,
    s.csrfToken,
    s.expiresAt,
  ]);
}

export async function sessionForAuth(db: Queryable, idHash: string): Promise<SessionAuthRow | null> {
  const rows = await db.query<SessionAuthRow>(
    `select s.id_hash as "idHash", s.csrf_token as "csrfToken", s.last_seen_at as "lastSeenAt",
       s.expires_at as "expiresAt", u.id as "userId", u.username, u.role, u.disabled
     from sessions s join users u on u.id = s.user_id where s.id_hash = $1`,
    [idHash],
  );
  return rows[0] ?? null;
}

export async function touchSession(db: Queryable, idHash: string): Promise<void> {
  await db.query('update sessions set last_seen_at = now() where id_hash = $1', [idHash]);
}

export async function deleteSession(db: Queryable, idHash: string): Promise<void> {
  await db.query('delete from sessions where id_hash = $1', [idHash]);
}

/** Ends every session of a user (disabled account, new password). */
export async function deleteUserSessions(db: Queryable, userId: number): Promise<void> {
  await db.query('delete from sessions where user_id = $1', [userId]);
}

/** The server secrets made by the migration. */
export async function appSecrets(db: Queryable): Promise<{ cursorKey: string; pseudonymKey: string }> {
  const [r] = await db.query<{ cursorKey: string; pseudonymKey: string }>(
    'select cursor_key as "cursorKey", pseudonym_key as "pseudonymKey" from app_secrets',
  );
  return r as { cursorKey: string; pseudonymKey: string };
}
