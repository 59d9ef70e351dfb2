/**
 * The dashboard's views against the permission table itself: every role × view, a view is offered
 * only when permissions.ts opens every route it needs to the role, and hidden while they do only
 * with a stated reason (NOT_OFFERED); tokens follow their scopes; each role lands where it did.
 */
import { describe, expect, it } from 'vitest';
import { CONTRACT } from '../contract/api.ts';
import { DASHBOARD_VIEWS } from '../contract/views.ts';
import { ROLES, type Role, type Scope } from '../core/access.ts';
import { PERMISSIONS } from './permissions.ts';
import { NOT_OFFERED, VIEW_ROUTES, viewsFor } from './views.ts';

/** Read straight from the table: does the role reach the route (a session; a token: its scopes)? */
function allowed(role: Role, key: string, tokenScopes?: readonly Scope[]): boolean {
  const rule = PERMISSIONS[key];
  if (rule === undefined || rule.roles[role] === undefined) return false;
  return tokenScopes === undefined || tokenScopes.includes(rule.scope);
}

describe('dashboard views from the permission table', () => {
  it('every role × view: offered ⇒ every route allowed; allowed but hidden ⇒ a stated reason', () => {
    const wrong: string[] = [];
    for (const role of ROLES) {
      const offered = viewsFor({ role, scopes: [], via: 'session' });
      for (const view of DASHBOARD_VIEWS) {
        const permitted = VIEW_ROUTES[view].every((key) => allowed(role, key));
        const reason = NOT_OFFERED[role]?.[view];
        if (offered.includes(view) && !permitted)
          wrong.push(`${role} is offered ${view}, refused by the table`);
        if (!offered.includes(view) && permitted && !reason)
          wrong.push(`${role} is not offered ${view}, allowed by the table`);
        if (reason !== undefined && !permitted) wrong.push(`${role}: NOT_OFFERED ${view} is refused anyway`);
        if (reason !== undefined && offered.includes(view))
          wrong.push(`${role}: ${view} offered despite reason`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('every route a view needs is a route of the table and of the contract', () => {
    for (const view of DASHBOARD_VIEWS)
      for (const key of VIEW_ROUTES[view]) {
        expect(PERMISSIONS[key], `${view}: ${key}`).toBeDefined();
        expect(CONTRACT[key], `${view}: ${key}`).toBeDefined();
      }
  });

  it('tokens: a view needs the scopes of its routes', () => {
    const readOnly = viewsFor({ role: 'admin', scopes: ['read'], via: 'token' });
    for (const view of DASHBOARD_VIEWS)
      expect(readOnly.includes(view), view).toBe(
        VIEW_ROUTES[view].every((k) => allowed('admin', k, ['read'])),
      );
    expect(readOnly).not.toContain('ingest');
    expect(readOnly).not.toContain('account');
    expect(readOnly).toContain('map');
  });

  it('each role lands on its first view as before, and every session has its account', () => {
    const first = Object.fromEntries(
      ROLES.map((r) => [r, viewsFor({ role: r, scopes: [], via: 'session' })[0]]),
    );
    expect(first).toEqual({
      admin: 'map',
      analyst: 'map',
      officer: 'shift',
      planner: 'persistence',
      official: 'kpis',
      researcher: 'backtests',
      community: 'community',
    });
    for (const role of ROLES) expect(viewsFor({ role, scopes: [], via: 'session' })).toContain('account');
  });
});
