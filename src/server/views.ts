/**
 * The dashboard's views and the API routes each one needs. The views a caller may use are derived
 * from the permission table (permissions.ts): a view is offered exactly when every route it needs
 * is open to the caller's role (and, for tokens, scopes), so the dashboard cannot offer what the
 * server refuses nor hide what it allows.
 */
import type { Principal, Role } from '../core/access.ts';
import { PERMISSIONS } from './permissions.ts';

/** Views in navigation order, each with the routes it cannot work without. */
export const DASHBOARD_VIEWS = {
  shift: ['GET /api/v1/patrol-plans/current', 'POST /api/v1/patrol-logs'],
  map: ['GET /api/v1/forecasts/current', 'GET /api/v1/forecasts/days', 'GET /api/v1/districts'],
  persistence: ['GET /api/v1/hotspots/persistence', 'GET /api/v1/districts'],
  patrols: ['GET /api/v1/patrol-scenarios', 'GET /api/v1/patrol-disparity', 'GET /api/v1/patrol-effect'],
  incidents: ['GET /api/v1/incidents', 'GET /api/v1/districts'],
  ingest: ['POST /api/v1/ingest/jobs', 'GET /api/v1/ingest/jobs/:id', 'GET /api/v1/ingest/jobs/:id/rejects'],
  backtests: ['GET /api/v1/backtests', 'GET /api/v1/backtests/:id'],
  kpis: ['GET /api/v1/stats/trends'],
  trends: ['GET /api/v1/stats/trends', 'GET /api/v1/stats', 'GET /api/v1/stats/turnos'],
  community: ['GET /api/v1/stats/trends'],
  admin: ['GET /api/v1/users', 'POST /api/v1/users', 'PATCH /api/v1/users/:id'],
  audit: ['GET /api/v1/audit'],
  account: ['POST /api/v1/auth/password', 'GET /api/v1/tokens'],
} as const satisfies Record<string, readonly (keyof typeof PERMISSIONS & string)[]>;

export type DashboardView = keyof typeof DASHBOARD_VIEWS;

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

/** The dashboard views open to the caller, the role's landing view first. */
export function viewsFor(p: Pick<Principal, 'role' | 'scopes' | 'via'>): DashboardView[] {
  const open = (Object.keys(DASHBOARD_VIEWS) as DashboardView[]).filter((v) =>
    DASHBOARD_VIEWS[v].every((key) => mayCall(p, key)),
  );
  const first = LANDING[p.role];
  return first && open.includes(first) ? [first, ...open.filter((v) => v !== first)] : open;
}
