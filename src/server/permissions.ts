/**
 * The permission table: for every API route, the token scope it needs and, per role, whether the
 * role may call it and which view of the data it gets (the field rules). Routes absent from the
 * table are refused (deny by default); a test walks every role × route of this table against the
 * real server.
 */
import type { AggregateView, IncidentView, PlanView, Role, Scope, TextView } from '../core/access.ts';

/** What a role gets on a route: plain access, or a view that shapes fields. */
export type Grant = 'allow' | 'all' | 'own' | IncidentView | AggregateView | PlanView | TextView;

/** One route's rule. */
export interface RouteRule {
  scope: Scope;
  roles: Partial<Record<Role, Grant>>;
  /** Session callers must send the CSRF token (set for every state-changing route). */
  csrf: boolean;
}

const ALL_ROLES = {
  admin: 'allow',
  analyst: 'allow',
  officer: 'allow',
  planner: 'allow',
  official: 'allow',
  community: 'allow',
  researcher: 'allow',
} as const satisfies Record<Role, Grant>;

/** Roles that see forecasts (risk grids): everyone but community views (aggregates only). */
const FORECAST_ROLES = {
  admin: 'allow',
  analyst: 'allow',
  officer: 'allow',
  planner: 'allow',
  official: 'allow',
  researcher: 'allow',
} as const satisfies Partial<Record<Role, Grant>>;

const BACKTEST_ROLES = {
  admin: 'allow',
  analyst: 'allow',
  planner: 'allow',
  official: 'allow',
  researcher: 'allow',
} as const satisfies Partial<Record<Role, Grant>>;

/** Patrol scenarios and measured effect: analysts and the officials who decide on units. */
const PATROL_OFFICIALS = {
  admin: 'allow',
  analyst: 'allow',
  planner: 'allow',
  official: 'allow',
} as const satisfies Partial<Record<Role, Grant>>;

const INGEST_ROLES = { admin: 'allow', analyst: 'allow' } as const satisfies Partial<Record<Role, Grant>>;

/**
 * Aggregates: every row for analysts and administrators; without restricted rows below them; and for
 * community views only the published district × month × category cells (0 or at least 5).
 */
const AGGREGATE_ROLES = {
  admin: 'full',
  analyst: 'full',
  officer: 'exact',
  planner: 'exact',
  official: 'exact',
  community: 'suppressed',
  researcher: 'exact',
} as const satisfies Record<Role, Grant>;

/**
 * The turno profile splits the published table's cells further; a split of a published cell would
 * let the difference reveal its suppressed parts, so community views do not get it (docs/api.md).
 */
const { community: _community, ...TURNO_ROLES } = AGGREGATE_ROLES;

/** The officials' printable indicators (issue 13): each role's aggregate view of the counts. */
const REPORT_ROLES = {
  admin: 'full',
  analyst: 'full',
  planner: 'exact',
  official: 'exact',
} as const satisfies Partial<Record<Role, Grant>>;

/** Researchers' exports: de-identified incidents (the coarse view for every role) and backtests. */
const EXPORT_ROLES = {
  admin: 'coarse',
  analyst: 'coarse',
  researcher: 'coarse',
} as const satisfies Partial<Record<Role, Grant>>;

/** Generated texts: reviewers read every draft; community readers approved community texts only. */
const TEXT_READERS = {
  admin: 'drafts',
  analyst: 'drafts',
  official: 'drafts',
  community: 'published',
} as const satisfies Partial<Record<Role, Grant>>;

const read = (roles: RouteRule['roles']): RouteRule => ({ scope: 'read', roles, csrf: false });

/** Routes that need no login (everything else under /api does). */
export const PUBLIC_ROUTES: readonly string[] = ['POST /api/v1/auth/login', 'GET /api/v1/auth/session'];

/** Key: "METHOD /route/template". */
export const PERMISSIONS: Readonly<Record<string, RouteRule>> = {
  'GET /api/v1/auth/me': read(ALL_ROLES),
  'POST /api/v1/auth/logout': { scope: 'read', roles: ALL_ROLES, csrf: true },
  // Through a login session (a token needs the admin scope, so scripts cannot change passwords).
  'POST /api/v1/auth/password': { scope: 'admin', roles: ALL_ROLES, csrf: true },
  'GET /api/v1/areas': read(ALL_ROLES),
  'GET /api/v1/districts': read(ALL_ROLES),
  'GET /api/v1/models': read(ALL_ROLES),
  // The model lifecycle (issue 15): admins and analysts promote and roll back; planners,
  // officials and researchers read the champion, challengers and decisions (no incident data).
  'GET /api/v1/models/lifecycle': read({
    admin: 'allow',
    analyst: 'allow',
    planner: 'allow',
    official: 'allow',
    researcher: 'allow',
  }),
  'POST /api/v1/models/promote': { scope: 'write', roles: { admin: 'allow', analyst: 'allow' }, csrf: true },
  'POST /api/v1/models/rollback': { scope: 'write', roles: { admin: 'allow', analyst: 'allow' }, csrf: true },
  'GET /api/v1/ui': read(ALL_ROLES),
  // Residents' prevention advice (issue 13): a fixed table, no data.
  'GET /api/v1/advice': read(ALL_ROLES),
  'GET /api/v1/stats': read(AGGREGATE_ROLES),
  'GET /api/v1/stats/trends': read(AGGREGATE_ROLES),
  'GET /api/v1/stats/turnos': read(TURNO_ROLES),
  // Incident-level data: every read is audited. Protected categories keep location and narrative
  // only in the full view (analyst and above); researchers get de-identified, coarsened rows.
  'GET /api/v1/incidents': read({
    admin: 'full',
    analyst: 'full',
    officer: 'redacted',
    researcher: 'coarse',
  }),
  'GET /api/v1/forecasts': read(FORECAST_ROLES),
  'GET /api/v1/forecasts/current': read(FORECAST_ROLES),
  'GET /api/v1/forecasts/days': read(FORECAST_ROLES),
  'GET /api/v1/forecasts/:id': read(FORECAST_ROLES),
  'GET /api/v1/forecasts/:id/hotspots': read(FORECAST_ROLES),
  // Why a cell is high (issue 13): counts only, the forecast roles.
  'GET /api/v1/forecasts/:id/cells/:cell/why': read(FORECAST_ROLES),
  'GET /api/v1/hotspots/persistence': read(FORECAST_ROLES),
  // Emerging hot spots (issue 13): per-cell classes from aggregate counts, for planning; audited.
  'GET /api/v1/hotspots/emerging': read(PATROL_OFFICIALS),
  // Per-cell crime-type probabilities: aggregate model output over a year, no incident; the same
  // roles as the forecasts (community views do not get per-cell detail).
  'GET /api/v1/crime-types': read(FORECAST_ROLES),
  // Narratives whose text reads as another category (issue 14): quotes redacted narratives, so
  // incident-level — analysts and administrators (the full view); audited.
  'GET /api/v1/narratives/quality': read({ admin: 'full', analyst: 'full' }),
  // Patrol plans (issue 12): analysts make them; each role reads its view of a turno's plan —
  // officers only their own sector's areas, planners and officials aggregates per district, no cell.
  // Every read is audited.
  'POST /api/v1/patrol-plans': { scope: 'write', roles: { admin: 'allow', analyst: 'allow' }, csrf: true },
  'GET /api/v1/patrol-plans/current': read({
    admin: 'full',
    analyst: 'full',
    officer: 'sector',
    planner: 'districts',
    official: 'districts',
  }),
  // The printable mission sheet of a plan: its areas and cells, so only the views that hold them
  // (officers: their own sector's areas; analysts, admins: the whole plan). Audited.
  'GET /api/v1/patrol-plans/:id/mission-sheet.pdf': read({
    admin: 'full',
    analyst: 'full',
    officer: 'sector',
  }),
  // The officer's patrol log: officers write their own entries; analysts read everyone's.
  'POST /api/v1/patrol-logs': { scope: 'read', roles: { officer: 'own' }, csrf: true },
  'GET /api/v1/patrol-logs': read({ admin: 'all', analyst: 'all', officer: 'own' }),
  // Accountability and officials' tools (issue 12): aggregates per district × turno, no cell;
  // reported-crime counts as each role's aggregate view counts them. Every read is audited.
  'GET /api/v1/patrol-disparity': read({
    admin: 'full',
    analyst: 'full',
    planner: 'exact',
    official: 'exact',
  }),
  'GET /api/v1/patrol-scenarios': read(PATROL_OFFICIALS),
  'GET /api/v1/patrol-effect': read(PATROL_OFFICIALS),
  // Officials' indicators and researchers' exports (issue 13). The population table is loaded by
  // those who load data. Indicators follow each role's aggregate view; the printable report and
  // its XLSX are for the officials' side. Exports hold de-identified incidents only (the researcher
  // view of services/queries.ts, for every role that may export): audited.
  'POST /api/v1/populations': { scope: 'write', roles: INGEST_ROLES, csrf: true },
  'GET /api/v1/indicators': read(AGGREGATE_ROLES),
  'GET /api/v1/indicators/report.pdf': read(REPORT_ROLES),
  'GET /api/v1/indicators/report.xlsx': read(REPORT_ROLES),
  'GET /api/v1/exports/incidents': read(EXPORT_ROLES),
  'GET /api/v1/exports/backtests/:id': read(EXPORT_ROLES),
  // Generated texts (issue 14, docs/text.md): analysts generate (summaries, committee briefings,
  // community bulletins) and edit; administrators, analysts and officials review (approval needs a
  // person other than the generator and the last editor);
  // drafts quote redacted narratives, so every read is audited. Community readers get only
  // approved texts written for the community (published aggregates); researchers, officers and
  // planners nothing incident-derived.
  'POST /api/v1/texts': { scope: 'write', roles: { admin: 'allow', analyst: 'allow' }, csrf: true },
  'GET /api/v1/texts': read(TEXT_READERS),
  'GET /api/v1/texts/:id': read(TEXT_READERS),
  'PATCH /api/v1/texts/:id': { scope: 'write', roles: { admin: 'allow', analyst: 'allow' }, csrf: true },
  // A committee briefing's PDF: the readers of drafts (audited). Community readers get no PDF (the
  // texts they may read, approved bulletins, have none).
  'GET /api/v1/texts/:id/pdf': read({ admin: 'drafts', analyst: 'drafts', official: 'drafts' }),
  // Officials hold only the read scope: reviewing is their one change, as the patrol log is officers'.
  'POST /api/v1/texts/:id/review': {
    scope: 'read',
    roles: { admin: 'allow', analyst: 'allow', official: 'allow' },
    csrf: true,
  },
  'GET /api/v1/backtests': read(BACKTEST_ROLES),
  'GET /api/v1/backtests/:id': read(BACKTEST_ROLES),
  'POST /api/v1/ingest/jobs': { scope: 'write', roles: INGEST_ROLES, csrf: true },
  'GET /api/v1/ingest/jobs': read(INGEST_ROLES),
  'GET /api/v1/ingest/jobs/:id': read(INGEST_ROLES),
  // Rejected rows quote raw values from the file: incident-level, audited.
  'GET /api/v1/ingest/jobs/:id/rejects': read(INGEST_ROLES),
  // The job engine's dead letters (no incident data: queue, record id, error) and their retry.
  'GET /api/v1/jobs/failed': read(INGEST_ROLES),
  'POST /api/v1/jobs/failed/:id/retry': { scope: 'write', roles: INGEST_ROLES, csrf: true },
  // Backtests and briefings as jobs: whoever runs them synchronously (a promotion's backtest,
  // POST /texts). A job's record: the roles that may start (or manage) its kind — the route checks
  // the kind (routes/jobs.ts); no incident data, the result names the report or draft.
  'POST /api/v1/jobs/backtests': { scope: 'write', roles: { admin: 'allow', analyst: 'allow' }, csrf: true },
  'POST /api/v1/jobs/briefings': { scope: 'write', roles: { admin: 'allow', analyst: 'allow' }, csrf: true },
  'GET /api/v1/jobs/:id': read({ admin: 'allow', analyst: 'allow' }),
  // Every role manages its own tokens; admins see and revoke everyone's.
  'GET /api/v1/tokens': { scope: 'admin', roles: { ...ownForAll(), admin: 'all' }, csrf: false },
  'POST /api/v1/tokens': { scope: 'admin', roles: { ...ownForAll(), admin: 'all' }, csrf: true },
  'DELETE /api/v1/tokens/:id': { scope: 'admin', roles: { ...ownForAll(), admin: 'all' }, csrf: true },
  'GET /api/v1/users': { scope: 'admin', roles: { admin: 'allow' }, csrf: false },
  'POST /api/v1/users': { scope: 'admin', roles: { admin: 'allow' }, csrf: true },
  'PATCH /api/v1/users/:id': { scope: 'admin', roles: { admin: 'allow' }, csrf: true },
  'GET /api/v1/audit': { scope: 'admin', roles: { admin: 'allow' }, csrf: false },
};

function ownForAll(): Record<Role, Grant> {
  return Object.fromEntries(Object.keys(ALL_ROLES).map((r) => [r, 'own'])) as Record<Role, Grant>;
}

/** The rule of a route, or undefined (refused). */
export function ruleFor(method: string, url: string): RouteRule | undefined {
  return PERMISSIONS[`${method} ${url}`];
}
