/**
 * The dashboard's views and the API routes each one needs. The views a caller may use are derived
 * from the permission table (permissions.ts): a view is offered only when every route it needs is
 * open to the caller's role (and, for tokens, scopes), so the dashboard cannot offer what the
 * server refuses. A view the permissions open is offered too, unless it is listed in
 * {@link NOT_OFFERED} with the reason it does not serve that kind of user (views.test.ts walks
 * every role × view against permissions.ts).
 */

import type { RouteKey } from '../contract/api.ts';
import { DASHBOARD_VIEWS, type DashboardView } from '../contract/views.ts';
import type { Principal, Role } from '../core/access.ts';
import { PERMISSIONS } from './permissions.ts';

export type { DashboardView };

/** Per view, the routes it cannot work without (navigation order: contract/views.ts). */
export const VIEW_ROUTES = {
  shift: ['GET /api/v1/patrol-plans/current', 'POST /api/v1/patrol-logs'],
  map: ['GET /api/v1/forecasts/current', 'GET /api/v1/forecasts/days', 'GET /api/v1/districts'],
  persistence: ['GET /api/v1/hotspots/persistence', 'GET /api/v1/districts'],
  emerging: ['GET /api/v1/hotspots/emerging', 'GET /api/v1/districts'],
  patrols: ['GET /api/v1/patrol-scenarios', 'GET /api/v1/patrol-disparity', 'GET /api/v1/patrol-effect'],
  incidents: ['GET /api/v1/incidents', 'GET /api/v1/districts'],
  ingest: ['POST /api/v1/ingest/jobs', 'GET /api/v1/ingest/jobs/:id', 'GET /api/v1/ingest/jobs/:id/rejects'],
  backtests: ['GET /api/v1/backtests', 'GET /api/v1/backtests/:id'],
  kpis: ['GET /api/v1/stats/trends'],
  trends: ['GET /api/v1/stats/trends', 'GET /api/v1/stats', 'GET /api/v1/stats/turnos'],
  texts: ['GET /api/v1/texts', 'GET /api/v1/texts/:id'],
  community: ['GET /api/v1/stats/trends'],
  admin: ['GET /api/v1/users', 'POST /api/v1/users', 'PATCH /api/v1/users/:id'],
  audit: ['GET /api/v1/audit'],
  account: ['POST /api/v1/auth/password', 'GET /api/v1/tokens'],
} as const satisfies Record<DashboardView, readonly RouteKey[]>;

/**
 * Views the permission table opens to a role but that do not serve that kind of user, with why:
 * hidden from the navigation (the API still answers those routes to the role; docs/dashboard.md).
 */
export const NOT_OFFERED: Readonly<Partial<Record<Role, Partial<Record<DashboardView, string>>>>> = {
  officer: {
    persistence: 'a planning tool over months; the officer works the turno (Mi turno, the map)',
    incidents: 'the incident table is the analysts’ work list; officers read their sector’s plan',
    kpis: 'district indicators are for officials',
    trends: 'monthly trends are for analysts, planners and officials',
    community: 'the public summary for community leaders',
  },
  planner: {
    backtests: 'model evaluation is for analysts and researchers',
  },
  official: {
    persistence: 'the planners’ cell-level view; officials get indicators and patrol accountability',
    emerging: 'the planners’ cell-level trend classes; officials get indicators and patrol accountability',
    backtests: 'model evaluation is for analysts and researchers',
  },
  community: {
    texts:
      'drafts and their review are for analysts and officials; community leaders read the approved bulletins of their district in Mi distrito',
    kpis: 'the officials’ table (its reports are refused to community); Mi distrito says the same in plain language',
  },
  researcher: {
    persistence: 'researchers study the models (backtests) and take data by export or the API',
    incidents: 'incident rows reach researchers de-identified by export (CSV, Parquet), not as a work list',
    kpis: 'district indicators are for officials',
    trends: 'monthly trends are for analysts, planners and officials',
  },
};

/** The view a role lands on when it has it (the rest keep navigation order). */
const LANDING: Partial<Record<Role, DashboardView>> = {
  planner: 'persistence',
  official: 'kpis',
  researcher: 'backtests',
  community: 'community',
};

/** Whether the permission table opens a route to the caller (role, and the scope for tokens). */
export function mayCall(p: Pick<Principal, 'role' | 'scopes' | 'via'>, key: string): boolean {
  const rule = PERMISSIONS[key];
  if (!rule || rule.roles[p.role] === undefined) return false;
  return p.via !== 'token' || p.scopes.includes(rule.scope);
}

/** Whether every route a view needs is open to the caller. */
export function viewPermitted(p: Pick<Principal, 'role' | 'scopes' | 'via'>, view: DashboardView): boolean {
  return VIEW_ROUTES[view].every((key) => mayCall(p, key));
}

/** The dashboard views offered to the caller, the role's landing view first. */
export function viewsFor(p: Pick<Principal, 'role' | 'scopes' | 'via'>): DashboardView[] {
  const open = DASHBOARD_VIEWS.filter((v) => viewPermitted(p, v) && NOT_OFFERED[p.role]?.[v] === undefined);
  const first = LANDING[p.role];
  return first && open.includes(first) ? [first, ...open.filter((v) => v !== first)] : open;
}
