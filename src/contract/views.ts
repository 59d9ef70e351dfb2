/**
 * The dashboard's views, in navigation order: the names `/auth/me`, `/auth/session` and login list
 * (the views the caller's permissions open, server/views.ts) and the dashboard shows as its
 * navigation. Pure: no imports.
 */
export const DASHBOARD_VIEWS = [
  'shift',
  'map',
  'persistence',
  'emerging',
  'patrols',
  'incidents',
  'ingest',
  'backtests',
  'kpis',
  'trends',
  'texts',
  'community',
  'admin',
  'audit',
  'account',
] as const;

/** One view of the dashboard. */
export type DashboardView = (typeof DASHBOARD_VIEWS)[number];
