/**
 * Who may do what: the roles of Vigía's users, the scopes of API tokens and the views of data each
 * role gets. The per-route table lives with the routes (src/server/permissions.ts); these are the
 * shared words it is written in.
 */

/** Users' roles, most privileged first. */
export const ROLES = [
  'admin',
  'analyst',
  'officer',
  'planner',
  'official',
  'community',
  'researcher',
] as const;
export type Role = (typeof ROLES)[number];

/** Spanish labels for the UI and CLI. */
export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  admin: 'administrador',
  analyst: 'analista',
  officer: 'efectivo policial',
  planner: 'planificador urbano',
  official: 'autoridad',
  community: 'líder comunitario',
  researcher: 'investigador',
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** What a token may be used for: read data, change data (ingest, forecasts), administer. */
export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** The scopes a role can hold; a login session holds all of them, a token a chosen subset. */
export const ROLE_SCOPES: Readonly<Record<Role, readonly Scope[]>> = {
  admin: ['read', 'write', 'admin'],
  analyst: ['read', 'write'],
  officer: ['read'],
  planner: ['read'],
  official: ['read'],
  community: ['read'],
  researcher: ['read'],
};

/**
 * Field rules for incident-level data: `full` (everything, protected categories included),
 * `redacted` (protected categories lose location and narrative), `coarse` (de-identified:
 * pseudonymous ids, location on a ~250 m lattice, hour-level time, no narrative; protected
 * categories without location).
 */
export type IncidentView = 'full' | 'redacted' | 'coarse';

/**
 * Field rules for aggregates: `full` (analyst and above: exact counts of every row), `exact` (exact
 * counts of the rows that are not restricted), `suppressed` (community: rows that are not
 * restricted, and only the cells of the published table that hold 0 or at least
 * SMALL_COUNT_THRESHOLD incidents; every number shown is a sum of such cells, see
 * services/queries.ts and docs/api.md).
 */
export type AggregateView = 'full' | 'exact' | 'suppressed';

/**
 * Field rules for patrol plans: `full` (analyst and above: every area and cell), `sector`
 * (officers: only the areas of their own sector, never another sector's cells), `districts`
 * (planners and officials: units and share of expected crime covered per district, no cells).
 */
export type PlanView = 'full' | 'sector' | 'districts';

/**
 * Field rules for generated texts (issue 14, docs/text.md): `drafts` (every draft with its prompt,
 * output, verification and grounding), `published` (community: only approved texts written for the
 * community, from published aggregates; the text alone).
 */
export type TextView = 'drafts' | 'published';

/** Counts below this are suppressed in community views. */
export const SMALL_COUNT_THRESHOLD = 5;

/**
 * THE rule for rows flagged restricted (protected categories, or a source's own protected flag such
 * as Chicago's domestic=true): only the full views of analysts and administrators count them.
 * Every statistic of a lower view leaves them out, and risk surfaces (forecasts, backtests, sweeps,
 * persistent hotspots), which every forecast role reads, never see them: their one door to the
 * incidents, storage/events.ts, has no way to load a restricted row.
 */
export function countsRestricted(view: AggregateView): boolean {
  return view === 'full';
}

/** Who is calling. */
export interface Principal {
  userId: number;
  username: string;
  role: Role;
  scopes: readonly Scope[];
  /** How they proved it. */
  via: 'session' | 'token';
  tokenId?: number;
  /** Session callers must echo this in x-csrf-token on state-changing requests. */
  csrfToken?: string;
}

/** "username" or "token:7 (username)", as written in the audit log. */
export function actorName(p: Principal): string {
  return p.via === 'token' ? `token:${p.tokenId} (${p.username})` : p.username;
}
