/** The dashboard's client of the Vigía API: session cookie + CSRF token, errors as ApiError. */

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

/** Calls the API; throws ApiError with the server's (Spanish) message. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; form?: FormData; signal?: AbortSignal } = {},
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
  return data as T;
}

/** The logged-in user. */
export interface Me {
  user: {
    id: number;
    username: string;
    displayName: string;
    role: Role;
    roleLabel: string;
    /** Officers: the district (of a study area) whose patrol areas they see. */
    sector?: { area: string; code: string } | null;
  };
  csrfToken?: string;
}

export type Role = 'admin' | 'analyst' | 'officer' | 'planner' | 'official' | 'community' | 'researcher';

/** The current forecast, compact grid form. */
export interface GridForecast {
  id: number;
  group: string;
  turno: string | null;
  targetDay: string;
  modelKind: string;
  createdAt: string;
  crs: { code: string; definition: string };
  grid: {
    x0: number;
    y0: number;
    cols: number;
    rows: number;
    cellSize: number;
    rotationDeg: number;
    crs: string;
  };
  mask: string;
  risk: string;
  validCells: number;
  totalRisk: number;
}

/** GET /crime-types: the most likely crime types at a cell of the forecast's grid (aggregate only). */
/** GET /forecasts/:id/hotspots: a forecast's top cells named as people know them. */
export interface NamedHotspots {
  forecastId: number;
  area: string;
  hotspots: {
    cell: number;
    rank: number;
    expected: number;
    district: { code: string; name: string } | null;
    place: { label: string; directionsUrl: string; mapUrl: string; attribution: string | null };
  }[];
}

export interface CrimeTypes {
  area: string;
  cell: number;
  day: string;
  turno: string | null;
  types: { label: string; probability: number }[];
  model: string;
  trainedOn: { from: string; to: string; incidents: number };
}

/** District boundaries. */
export interface Districts {
  type: 'FeatureCollection';
  features: {
    type: 'Feature';
    properties: { code: string; name: string };
    geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] };
  }[];
}
