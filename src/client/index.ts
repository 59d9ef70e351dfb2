/**
 * The researchers' programmatic API: a typed client of the Vigía HTTP API for scripts and notebooks
 * (Node 20 and browsers: only `fetch`, `URL`, `URLSearchParams`). Authenticates with an API token
 * (`Authorization: Bearer …`); answers are typed by the contract (`Answer<K>` of src/contract), and
 * every refusal is a `VigiaApiError` with the API's stable code and Spanish message. Exports and
 * reports come back as a `Download` (a stream, or all the bytes). See docs/research.md.
 */
import type { Answer } from '../contract/api.ts';

/** An error answer of the API: HTTP status, stable code (VALIDATION, FORBIDDEN, …), Spanish message. */
export class VigiaApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: readonly { field: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'VigiaApiError';
  }
}

/** How to reach the server. */
export interface ClientOptions {
  /** The server's address, e.g. `https://vigia.example.pe` (without `/api/v1`). */
  baseUrl: string;
  /** An API token (`vigia token create` or POST /api/v1/tokens); shown once when created. */
  token: string;
  /** Another fetch (tests, proxies); the global one by default. */
  fetch?: typeof fetch;
}

/** Filters of the incident and statistics routes (days are local days, AAAA-MM-DD, `to` inclusive). */
export interface Filters {
  area?: string;
  from?: string;
  to?: string;
  /** District codes (ubigeo). */
  district?: readonly string[];
  category?: readonly string[];
  /** Text in tipo, subtipo or modalidad. */
  type?: string;
  source?: string;
  /** Crime group: property, extorsion, violent, all. */
  group?: string;
}

/** A period (at most a year) for the indicators and their reports. */
export interface Period {
  area?: string;
  from: string;
  to: string;
  district?: readonly string[];
  group?: string;
}

export type ExportFormat = 'csv' | 'parquet';

/** A document the API sends (export, report): read it as a stream or as bytes, once. */
export interface Download {
  /** The file name the server suggests (Content-Disposition), or null. */
  filename: string | null;
  contentType: string;
  /** The body as a web stream (large exports: write it out page by page). */
  stream(): ReadableStream<Uint8Array>;
  /** The whole body. */
  bytes(): Promise<Uint8Array>;
}

type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

function queryString(q: Query): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      if (v.length > 0) s.set(k, v.join(','));
    } else s.set(k, String(v));
  }
  const text = s.toString();
  return text ? `?${text}` : '';
}

/** The typed client: one method per route a researcher uses. */
export class VigiaClient {
  private readonly base: string;
  private readonly token: string;
  private readonly doFetch: typeof fetch;

  constructor(options: ClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** GET a route; a non-2xx answer becomes a VigiaApiError. */
  private async get(path: string, q: Query = {}): Promise<Response> {
    const r = await this.doFetch(`${this.base}/api/v1${path}${queryString(q)}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (r.ok) return r;
    const text = await r.text();
    let body: { error?: { code?: string; message?: string; fields?: { field: string; message: string }[] } };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = {};
    }
    throw new VigiaApiError(
      r.status,
      body.error?.code ?? 'HTTP',
      body.error?.message ?? `respuesta HTTP ${r.status} sin detalle`,
      body.error?.fields ?? [],
    );
  }

  private async json<T>(path: string, q: Query = {}): Promise<T> {
    return (await (await this.get(path, q)).json()) as T;
  }

  private async download(path: string, q: Query): Promise<Download> {
    const r = await this.get(path, q);
    const filename = /filename="([^"]+)"/.exec(r.headers.get('content-disposition') ?? '')?.[1] ?? null;
    return {
      filename,
      contentType: r.headers.get('content-type') ?? 'application/octet-stream',
      stream: () => {
        if (!r.body) throw new VigiaApiError(r.status, 'HTTP', 'la respuesta no tiene cuerpo');
        return r.body as ReadableStream<Uint8Array>;
      },
      bytes: async () => new Uint8Array(await r.arrayBuffer()),
    };
  }

  // ── who and what ──────────────────────────────────────────────────────────────────────────

  /** The token's user, role, scopes and the dashboard views the role opens. */
  me(): Promise<Answer<'GET /api/v1/auth/me'>> {
    return this.json('/auth/me');
  }
  areas(): Promise<Answer<'GET /api/v1/areas'>> {
    return this.json('/areas');
  }
  /** District boundaries (GeoJSON, WGS84). */
  districts(area?: string): Promise<Answer<'GET /api/v1/districts'>> {
    return this.json('/districts', { area });
  }
  /** The forecasting models and their default settings. */
  models(): Promise<Answer<'GET /api/v1/models'>> {
    return this.json('/models');
  }

  // ── incidents and aggregates ──────────────────────────────────────────────────────────────

  /** One page of incidents (researchers: the de-identified view); `total` adds the match count. */
  incidents(
    filters: Filters & { limit?: number; cursor?: string; total?: boolean } = {},
  ): Promise<Answer<'GET /api/v1/incidents'>> {
    return this.json('/incidents', { ...filters });
  }

  /** Every incident that matches, page after page (follows nextCursor). */
  async *allIncidents(
    filters: Filters & { limit?: number } = {},
  ): AsyncGenerator<Answer<'GET /api/v1/incidents'>['items'][number]> {
    let cursor: string | undefined;
    do {
      const page = await this.incidents({ ...filters, ...(cursor ? { cursor } : {}) });
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /** Counts per district × month × category. */
  stats(filters: Filters = {}): Promise<Answer<'GET /api/v1/stats'>> {
    return this.json('/stats', { ...filters });
  }
  /** Monthly series per district and for the area, with the year-on-year change. */
  trends(filters: Filters = {}): Promise<Answer<'GET /api/v1/stats/trends'>> {
    return this.json('/stats/trends', { ...filters });
  }
  /** Incidents per police turno. */
  turnos(filters: Filters = {}): Promise<Answer<'GET /api/v1/stats/turnos'>> {
    return this.json('/stats/turnos', { ...filters });
  }

  // ── forecasts ─────────────────────────────────────────────────────────────────────────────

  /** The current forecasts (newest forecast day) per group and turno, without surfaces. */
  forecasts(area?: string): Promise<Answer<'GET /api/v1/forecasts'>> {
    return this.json('/forecasts', { area });
  }
  /** Days with stored forecasts, newest first. */
  forecastDays(q: { area?: string; group?: string } = {}): Promise<Answer<'GET /api/v1/forecasts/days'>> {
    return this.json('/forecasts/days', q);
  }
  /** The current risk surface of a group (and turno, day) in grid form. */
  currentForecast(q: {
    group: string;
    turno?: string;
    day?: string;
    area?: string;
  }): Promise<Extract<Answer<'GET /api/v1/forecasts/current'>, { grid: unknown }>> {
    return this.json('/forecasts/current', { ...q, format: 'grid' });
  }
  /** A stored forecast by id, in grid form (mask and risks base64). */
  forecast(id: number): Promise<Extract<Answer<'GET /api/v1/forecasts/:id'>, { grid: unknown }>> {
    return this.json(`/forecasts/${id}`, { format: 'grid' });
  }
  /** A stored forecast's top cells named (district, streets, landmark). */
  hotspots(
    id: number,
    q: { limit?: number; district?: string } = {},
  ): Promise<Answer<'GET /api/v1/forecasts/:id/hotspots'>> {
    return this.json(`/forecasts/${id}/hotspots`, q);
  }

  // ── evaluation ────────────────────────────────────────────────────────────────────────────

  /** Stored backtest reports, newest first, with each model's hit rate at 5 %. */
  backtests(
    q: { area?: string; group?: string; limit?: number } = {},
  ): Promise<Answer<'GET /api/v1/backtests'>> {
    return this.json('/backtests', q);
  }
  /** A stored backtest report (curves, PAI, PEI*, intervals, P(> naive)). */
  backtest(id: number): Promise<Answer<'GET /api/v1/backtests/:id'>> {
    return this.json(`/backtests/${id}`, { format: 'json' });
  }

  // ── indicators ────────────────────────────────────────────────────────────────────────────

  /** Indicators per crime type for a period: counts, change with its 95 % interval, rates per 1,000. */
  indicators(period: Period): Promise<Answer<'GET /api/v1/indicators'>> {
    return this.json('/indicators', { ...period });
  }
  /** The one-page PDF report or the XLSX of the indicators (officials, planners, analysts). */
  indicatorReport(period: Period, format: 'pdf' | 'xlsx'): Promise<Download> {
    return this.download(`/indicators/report.${format}`, { ...period });
  }

  // ── exports ───────────────────────────────────────────────────────────────────────────────

  /** De-identified incidents as CSV or Parquet (audited). */
  exportIncidents(
    q: { format: ExportFormat } & Pick<Filters, 'area' | 'from' | 'to' | 'district' | 'category' | 'group'>,
  ): Promise<Download> {
    return this.download('/exports/incidents', { ...q });
  }
  /** A stored backtest's results, one row per model × coverage, as CSV or Parquet. */
  exportBacktest(id: number, format: ExportFormat): Promise<Download> {
    return this.download(`/exports/backtests/${id}`, { format });
  }
}
