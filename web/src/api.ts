/// <reference types="vite/client" />
/**
 * The dashboard's client of the Vigía API: session cookie + CSRF token, errors as ApiError, and
 * typed fetchers keyed by route ("GET /api/v1/stats/trends") whose answers take their types from
 * the contract (src/contract/api.ts). Development builds check every JSON answer against the
 * route's schema and log drift to the console (contract-check.ts, loaded only there).
 */
import type { Answer, RouteKey } from '../../src/contract/api.ts';

export type { Answer, RouteKey };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;

export function setCsrf(token: string | null): void {
  csrfToken = token;
}

/** Query values; empty ones (null, undefined, '') are left out. */
export type Query = Record<string, string | number | boolean | null | undefined>;

/** The names of a route template's path parameters (":id" → "id"). */
type PathParam<S extends string> = S extends `${string}:${infer P}/${infer R}`
  ? P | PathParam<R>
  : S extends `${string}:${infer P}`
    ? P
    : never;

/** A route's values: its path parameters (required) and the query. */
export type Params<K extends RouteKey> = [PathParam<K>] extends [never]
  ? Query
  : Query & Record<PathParam<K>, string | number>;

/** Routes read with GET. */
export type GetRoute = Extract<RouteKey, `GET ${string}`>;

/**
 * The path (under /api/v1) of a route with its values: path parameters fill ":name", the rest
 * become the query string.
 */
export function routePath<K extends RouteKey>(key: K, params?: Params<K>): string {
  const rest: Query = { ...params };
  const path = key
    .slice(key.indexOf(' ') + 1)
    .replace('/api/v1', '')
    .replace(/:(\w+)/g, (_m, name: string) => {
      const v = rest[name];
      delete rest[name];
      return encodeURIComponent(String(v));
    });
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(rest))
    if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const qs = q.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Calls the API; throws ApiError with the server's (Spanish) message. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; form?: FormData; signal?: AbortSignal } = {},
  route?: RouteKey,
): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = {};
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let body: string | FormData | undefined;
  if (init.form) body = init.form;
  else if (init.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.body);
  }
  const r = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body ? { body } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  if (r.status === 204) return undefined as T;
  const data = (await r.json().catch(() => null)) as unknown;
  if (!r.ok) {
    const e = (data as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(r.status, e?.code ?? 'HTTP', e?.message ?? `HTTP ${r.status}`);
  }
  // Development only: the branch and the contract's schemas are not in production bundles.
  if (import.meta.env.DEV && route)
    void import('./contract-check.ts').then((m) => m.reportDrift(route, r.status, data));
  return data as T;
}

/** GET a route: its answer, typed (and in development checked) by the contract. */
export function get<K extends GetRoute>(
  key: K,
  params?: Params<K>,
  init: { signal?: AbortSignal } = {},
): Promise<Answer<K>> {
  return api<Answer<K>>(routePath(key, params), init, key);
}

/** POST, PATCH or DELETE a route with a JSON body or a form. */
export function send<K extends Exclude<RouteKey, GetRoute>>(
  key: K,
  init: { params?: Params<K>; body?: unknown; form?: FormData } = {},
): Promise<Answer<K>> {
  const method = key.slice(0, key.indexOf(' '));
  const { params, ...rest } = init;
  return api<Answer<K>>(routePath(key, params), { method, ...rest }, key);
}

/** Who is logged in (GET /auth/session and login): the user and the views offered, landing first. */
export type Me = Pick<Extract<Answer<'GET /api/v1/auth/session'>, { views: unknown }>, 'user' | 'views'> & {
  csrfToken?: string;
};

/** A role (core/access.ts, through the contract). */
export type Role = Me['user']['role'];

/** A view of the dashboard the server may offer. */
export type DashboardView = Me['views'][number];

/** The current forecast, compact grid form. */
export type GridForecast = Extract<Answer<'GET /api/v1/forecasts/:id'>, { grid: unknown }>;

/** GET /forecasts/:id/hotspots: a forecast's top cells named as people know them. */
export type NamedHotspots = Answer<'GET /api/v1/forecasts/:id/hotspots'>;

/** GET /crime-types: the most likely crime types at a cell of the forecast's grid (aggregate only). */
export type CrimeTypes = Answer<'GET /api/v1/crime-types'>;

/** District boundaries. */
export type Districts = Answer<'GET /api/v1/districts'>;

/** Monthly series per district and in total (GET /stats/trends). */
export type Trends = Answer<'GET /api/v1/stats/trends'>;
