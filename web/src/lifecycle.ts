/**
 * The model lifecycle in the dashboard (issue 15): the roles the server lets promote and roll back
 * (kept equal to the permission table by src/server/lifecycle-dashboard.test.ts; the server refuses
 * anyone else anyway) and the answer's types.
 */
import type { Answer, Role } from './api.ts';

/** Roles that may promote a challenger and roll back (POST /models/promote and /models/rollback). */
export const LIFECYCLE_EDITORS: readonly Role[] = ['admin', 'analyst'];

/** One area × group × horizon of GET /models/lifecycle. */
export type LifecycleEntry = Answer<'GET /api/v1/models/lifecycle'>['entries'][number];
/** A stored promotion decision with its evidence. */
export type Decision = LifecycleEntry['decisions'][number];
