/**
 * The contract between the API and the dashboard: the zod schema of every route's answers (and of
 * the error body), keyed like the permission table ("METHOD /route/template"). The server declares
 * them as response schemas (OpenAPI, and each JSON answer checked on the way out); the dashboard's
 * client takes its types from them and checks answers in development builds. Pure: zod and core.
 */
import { z } from 'zod';
import { ROLES, SCOPES } from '../core/access.ts';
import { cellWhySchema } from './cell-why.ts';
import { emergingGrid } from './emerging.ts';
import { indicatorsSchema, populationLoadSchema } from './indicators.ts';
import { failedJobList, jobAnswer, retriedJob } from './jobs.ts';
import { lifecycleAnswer, promotionAnswer, rollbackAnswer } from './lifecycle.ts';
import { narrativeQualitySchema } from './narratives.ts';
import { draftAnswer, textAnswer, textList } from './text.ts';
import { DASHBOARD_VIEWS } from './views.ts';

// ── shared pieces ───────────────────────────────────────────────────────────────────────────

/** The body of every error answer (server/errors.ts). */
export const errorBody = z.object({
  error: z.object({
    code: z.string().describe('código estable (VALIDATION, FORBIDDEN, NOT_FOUND, …)'),
    message: z.string().describe('mensaje en español'),
    fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});

const isoTime = z.string().describe('instante ISO 8601 (UTC)');
const day = z.string().describe('día local AAAA-MM-DD');
const settings = z.record(z.string(), z.unknown());

/** How old an area's data is (one contract with the CLI and /readyz). */
export const dataAge = z.object({
  area: z.string(),
  newestDay: z.string().nullable(),
  days: z.number().int().nullable(),
  staleAfterDays: z.number().int(),
  stale: z.boolean(),
});

/** A GridSpec (core/grid.ts): forecast cells index it. */
export const gridSpec = z.object({
  x0: z.number(),
  y0: z.number(),
  crs: z.string(),
  cols: z.number().int(),
  rows: z.number().int(),
  cellSize: z.number(),
  rotationDeg: z.number(),
});

const crs = z.object({ code: z.string(), definition: z.string().describe('proj4') });

/** A named place (geo/places.ts) with its layer's attribution. */
const place = z.object({
  label: z.string().describe('«Distrito — Av. X / Jr. Y, cerca de Z»'),
  district: z.string(),
  streets: z.array(z.string()),
  landmark: z.string().nullable(),
  lat: z.number(),
  lon: z.number(),
  directionsUrl: z.string().describe('cómo llegar (Google Maps)'),
  mapUrl: z.string().describe('el punto en OpenStreetMap'),
  attribution: z.string().nullable().describe('atribución de la capa de nombres (ODbL)'),
});

// ── accounts ────────────────────────────────────────────────────────────────────────────────

export const user = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  sector: z.object({ area: z.string(), code: z.string() }).nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
const labelledUser = user.extend({ roleLabel: z.string() });

/** Who is calling: the user, how (session or token), the scopes, and the dashboard views allowed. */
export const me = z.object({
  user: labelledUser.nullable(),
  via: z.enum(['session', 'token']),
  scopes: z.array(z.enum(SCOPES)),
  csrfToken: z.string().optional(),
  views: z
    .array(z.enum(DASHBOARD_VIEWS))
    .describe('vistas del tablero que los permisos del rol permiten, la de inicio primero'),
});
const session = z.union([
  z.object({ user: z.null() }),
  me.extend({ user: labelledUser, csrfToken: z.string() }),
]);
const loginAnswer = z.object({
  user: labelledUser,
  csrfToken: z.string(),
  expiresAt: isoTime,
  idleMinutes: z.number(),
  views: me.shape.views,
});
const token = z.object({
  id: z.number().int(),
  userId: z.number().int(),
  username: z.string(),
  name: z.string(),
  scopes: z.array(z.enum(SCOPES)),
  createdAt: isoTime,
  expiresAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
  lastUsedAt: isoTime.nullable(),
});
const newToken = z.object({
  id: z.number().int(),
  token: z.string().describe('el secreto: se muestra una sola vez'),
  expiresAt: isoTime.nullable(),
  scopes: z.array(z.enum(SCOPES)),
});
const auditEntry = z.object({
  seq: z.number().int(),
  at: isoTime,
  actor: z.string(),
  role: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  detail: z.string().describe('JSON'),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  prevHash: z.string(),
  hash: z.string(),
});

// ── reference ───────────────────────────────────────────────────────────────────────────────

const studyArea = z.object({
  id: z.string(),
  name: z.string(),
  timeZone: z.string(),
  crs: z.string(),
  districts: z.number().int(),
  incidents: z.number().int(),
});
const polygonal = z.union([
  z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(z.array(z.number()))) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(z.array(z.array(z.number())))) }),
]);
export const districts = z.object({
  type: z.literal('FeatureCollection'),
  area: z.string(),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      properties: z.object({ code: z.string(), name: z.string() }),
      geometry: polygonal,
    }),
  ),
});
const ui = z.object({
  tiles: z.object({ url: z.string(), attribution: z.string() }).nullable(),
  area: z.string(),
  /** IANA zone of every local date and hour the dashboard shows or asks for (VIGIA_TIME_ZONE). */
  timeZone: z.string(),
  dataAge,
});
const advice = z.object({
  categories: z.array(z.object({ category: z.string(), label: z.string(), advice: z.array(z.string()) })),
});
const models = z.object({
  models: z.array(
    z.object({ kind: z.string(), description: z.string(), defaults: settings, baseline: z.boolean() }),
  ),
});

// ── data ────────────────────────────────────────────────────────────────────────────────────

const aggregateView = z.enum(['full', 'exact', 'suppressed']);
export const stats = z.object({
  area: z.string(),
  view: aggregateView,
  rows: z.array(
    z.object({
      districtCode: z.string().nullable(),
      districtName: z.string().nullable(),
      month: z.string().describe('AAAA-MM'),
      category: z.string(),
      count: z.number().int().nullable().describe('null: suprimido (vista comunitaria, 1–4)'),
      suppressed: z.boolean(),
    }),
  ),
});
export const trends = z.object({
  area: z.string(),
  view: aggregateView,
  series: z.array(
    z.object({
      district: z.string().nullable().describe('null: el área entera'),
      name: z.string(),
      points: z.array(
        z.object({
          month: z.string(),
          count: z.number().int().nullable(),
          suppressed: z.boolean(),
          previousYear: z.number().int().nullable(),
          change: z.number().nullable().describe('variación interanual (proporción)'),
          complete: z.boolean(),
        }),
      ),
    }),
  ),
});
export const turnoProfile = z.object({
  area: z.string(),
  view: aggregateView,
  turnos: z.array(
    z.object({ turno: z.string().nullable(), count: z.number().int(), suppressed: z.boolean() }),
  ),
});
export const incident = z.object({
  id: z.string(),
  source: z.string(),
  externalId: z.string(),
  occurredAt: isoTime,
  timePrecision: z.string(),
  reportedAt: isoTime.nullable(),
  districtCode: z.string().nullable(),
  districtName: z.string().nullable(),
  category: z.string(),
  tipo: z.string().nullable(),
  subtipo: z.string().nullable(),
  modalidad: z.string().nullable(),
  turno: z.string().nullable(),
  channel: z.string(),
  geoQuality: z.string(),
  restricted: z.boolean(),
  lat: z.number().nullable(),
  lon: z.number().nullable(),
  /** The original narrative: full view only (analyst, admin). */
  narrative: z.string().nullable(),
  /** The narrative with personal data replaced: full view, and the redacted view outside protected categories. */
  narrativeRedacted: z.string().nullable(),
});
export const incidentPage = z.object({
  area: z.string(),
  view: z.enum(['full', 'redacted', 'coarse']),
  items: z.array(incident),
  nextCursor: z.string().nullable(),
  total: z.number().int().nullable(),
});

// ── forecasts ───────────────────────────────────────────────────────────────────────────────

const forecastMeta = z.object({
  id: z.number().int(),
  area: z.string(),
  group: z.string(),
  horizon: z.string(),
  turno: z.string().nullable(),
  targetDay: day,
  windowStart: isoTime,
  windowEnd: isoTime,
  modelKind: z.string(),
  modelConfig: settings,
  dataCutoff: isoTime,
  eventsUsed: z.number().int(),
  createdAt: isoTime,
});
/** A stored forecast in grid form: mask and risks base64-encoded. */
export const gridForecast = forecastMeta.extend({
  crs,
  validCells: z.number().int(),
  totalRisk: z.number(),
  grid: gridSpec,
  encoding: z.string(),
  mask: z.string().describe('base64: 1 byte por celda'),
  risk: z.string().describe('base64: float32 por celda'),
});
/** A stored forecast as GeoJSON: every valid cell a polygon with its risk, rank and percentile. */
const geoJsonForecast = z.object({
  type: z.literal('FeatureCollection'),
  forecast: forecastMeta.extend({ crs, validCells: z.number().int(), totalRisk: z.number() }),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      properties: z.object({
        cell: z.number().int(),
        risk: z.number(),
        rank: z.number().int().describe('1 = mayor riesgo'),
        percentile: z.number(),
      }),
      geometry: z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(z.array(z.number()))) }),
    }),
  ),
});
const storedForecast = z.union([gridForecast, geoJsonForecast]);
export const forecastIndex = z.object({ dataAge, forecasts: z.array(forecastMeta) });
export const namedHotspots = z.object({
  forecastId: z.number().int(),
  area: z.string(),
  hotspots: z.array(
    z.object({
      cell: z.number().int(),
      rank: z.number().int().describe('1 = mayor riesgo del área'),
      expected: z.number().describe('delitos esperados en la ventana del pronóstico'),
      district: z.object({ code: z.string(), name: z.string() }).nullable(),
      place,
    }),
  ),
});
export const persistence = z.object({
  id: z.number().int(),
  kind: z.string(),
  area: z.string(),
  group: z.string(),
  turno: z.string().nullable(),
  targetDay: day,
  from: z.string(),
  to: z.string(),
  months: z.number().int(),
  modelKind: z.string(),
  eventsUsed: z.number().int(),
  topShare: z.number(),
  crs,
  validCells: z.number().int(),
  totalRisk: z.number(),
  grid: gridSpec,
  encoding: z.string(),
  mask: z.string(),
  risk: z.string().describe('proporción de meses en el 5 % más alto, float32 por celda'),
});
export const crimeTypes = z.object({
  area: z.string(),
  cell: z.number().int(),
  day,
  turno: z.string().nullable(),
  types: z.array(z.object({ label: z.string(), probability: z.number() })),
  model: z.string(),
  trainedOn: z.object({ from: z.string(), to: z.string(), incidents: z.number().int() }),
});

// ── evaluation ──────────────────────────────────────────────────────────────────────────────

const interval = z.tuple([z.number(), z.number()]);
export const curvePoint = z.object({
  coverage: z.number(),
  hits: z.number(),
  events: z.number(),
  hitRate: z.number(),
  pai: z.number(),
  pei: z.number().nullable(),
  interval95: interval,
  interval68: interval,
  pBetterThanNaive: z.number().nullable(),
  meanHitRate: z.number().nullable().optional(),
  meanInterval95: interval.nullable().optional(),
  pairedVsNaive: z
    .object({ meanDifference: z.number(), pValue: z.number(), windows: z.number().int() })
    .nullable()
    .optional(),
});
const modelResult = z.object({
  name: z.string(),
  kind: z.string(),
  config: z.unknown(),
  refitEveryDays: z.number().optional(),
  curve: z.array(curvePoint),
  output: z.enum(['rate', 'score']).optional(),
  brierSkill: z.number().nullable(),
  devianceWindows: z.number().nullable(),
  ranking: z.number().nullable(),
  seconds: z.number(),
  perWindow: z.object({ events: z.array(z.number()), hits: z.array(z.array(z.number())) }).optional(),
});
const reportGrid = z.object({
  crs: z.string(),
  origin: interval,
  requestedOrigin: interval.nullable(),
  cellSize: z.number(),
  cols: z.number().int(),
  rows: z.number().int(),
  rotationDeg: z.number(),
  validCells: z.number().int(),
});
/** A backtest report (evaluation/report/report.ts) in its JSON form. */
export const backtestReport = z.object({
  title: z.string(),
  area: z.string(),
  group: z.string(),
  horizon: z.string(),
  from: z.string(),
  to: z.string(),
  cellSize: z.number(),
  validCells: z.number().int(),
  windows: z.number().int(),
  events: z.object({
    training: z.number().int(),
    test: z.number().int(),
    unassignable: z.number().int(),
    excludedUnlocated: z.number().int(),
  }),
  seed: z.number(),
  generatedAt: isoTime,
  grid: reportGrid.optional(),
  tieBreak: z.enum(['average', 'order']).optional(),
  dataCut: z.string().optional(),
  windowStarts: z.array(z.string()).optional(),
  models: z.array(modelResult),
  shifted: z
    .object({ offsetMetres: z.number(), grid: reportGrid.optional(), models: z.array(modelResult) })
    .optional(),
  byTurno: z.array(z.unknown()).optional(),
});
export const backtestList = z.object({
  reports: z.array(
    z.object({
      id: z.number().int(),
      area: z.string(),
      group: z.string(),
      horizon: z.string(),
      from: z.string(),
      to: z.string(),
      createdAt: isoTime,
      hitRateAt5: z.record(z.string(), z.number().nullable()).describe('acierto al 5 % por modelo'),
    }),
  ),
});

// ── ingest ──────────────────────────────────────────────────────────────────────────────────

export const ingestJob = z.object({
  id: z.number().int(),
  kind: z.literal('ingest'),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  params: settings.describe('área, formato, nombre del archivo'),
  result: settings.nullable().describe('el reporte de la ingesta al terminar'),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  submittedBy: z.string(),
  createdAt: isoTime,
  startedAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
});
const rejects = z.object({
  job: ingestJob,
  rejects: z.array(
    z.object({
      rowNumber: z.number().int(),
      field: z.string(),
      reason: z.string(),
      value: z.string().nullable(),
    }),
  ),
});

// ── prevention (issue 12) ───────────────────────────────────────────────────────────────────

const planArea = z.object({
  order: z.number().int(),
  code: z.string(),
  name: z.string(),
  cells: z.array(z.number().int()),
  expected: z.number(),
  place: place.optional(),
  tactics: z.array(z.object({ code: z.string(), text: z.string() })).optional(),
  cellExpected: z.array(z.number()).optional(),
});
const sectorCoverage = z.object({
  code: z.string(),
  name: z.string(),
  units: z.number().int(),
  areas: z.number().int(),
  expectedCovered: z.number(),
  expectedTotal: z.number(),
  share: z.number(),
});
const dosage = z.object({
  minutesPerVisit: z.number(),
  pauseMinutes: z.number(),
  turnoMinutes: z.number(),
  visits: z.number(),
});
const unitsBySector = z.record(z.string(), z.number().int());
export const patrolPlan = z.object({
  id: z.number().int(),
  version: z.number().int(),
  area: z.string(),
  day,
  turno: z.string(),
  group: z.string(),
  forecastId: z.number().int(),
  forecastCreatedAt: isoTime,
  modelKind: z.string(),
  modelConfig: z.unknown(),
  settings: z.object({
    unitsBySector,
    unitsFrom: z.enum(['spread', 'given']),
    maxCells: z.number().int(),
    dosage,
    tactics: z.array(z.object({ code: z.string(), text: z.string() })).optional(),
  }),
  grid: gridSpec.describe('GridSpec del pronóstico: las celdas la indexan'),
  areas: z.array(planArea),
  sectors: z.array(sectorCoverage),
  expectedCovered: z.number(),
  expectedTotal: z.number(),
  createdAt: isoTime,
  createdBy: z.string(),
});
const explanation = z
  .object({
    forecast: z.string().describe('de qué pronóstico y modelo sale el plan, con qué datos'),
    method: z.string().describe('cómo se eligieron las áreas'),
    sectors: z.array(z.object({ code: z.string(), text: z.string() })),
    areas: z.array(z.object({ order: z.number().int(), text: z.string() })),
  })
  .describe('por qué el plan es como es (en español)');
const planAnswer = z.object({ plan: patrolPlan, duplicate: z.boolean(), explanation });
export const planView = z.object({
  view: z.enum(['full', 'sector', 'districts']),
  plan: z.object({
    id: z.number().int(),
    version: z.number().int(),
    area: z.string(),
    day,
    turno: z.string(),
    group: z.string(),
    forecastId: z.number().int(),
    modelKind: z.string(),
    createdAt: isoTime,
    dosage,
  }),
  grid: gridSpec.optional(),
  areas: z.array(planArea).optional(),
  sectors: z.array(sectorCoverage),
  explanation: explanation.optional(),
  expectedCovered: z.number().optional(),
  expectedTotal: z.number().optional(),
});
const patrolReport = z.string().describe('resultado de la visita (services/patrol-logs.ts)');
export const patrolLogEntry = z.object({
  id: z.string(),
  username: z.string(),
  planId: z.number().int(),
  areaOrder: z.number().int(),
  kind: z.enum(['check-in', 'check-out']),
  at: isoTime,
  checkIn: z.string().nullable(),
  minutes: z.number().nullable().describe('check-out: minutos desde su check-in; null mientras no llega'),
  report: patrolReport.nullable(),
  tactic: z.string().nullable(),
  note: z.string().nullable(),
  receivedAt: isoTime,
});
const logAnswer = z.object({ entry: patrolLogEntry, duplicate: z.boolean() });
const share = z.number().nullable();
export const patrolDisparity = z.object({
  area: z.string(),
  from: day,
  to: day,
  group: z.string(),
  view: aggregateView,
  rule: z.object({
    text: z.string(),
    low: z.number(),
    high: z.number(),
    minPoints: z.number(),
    minMinutes: z.number(),
    minReported: z.number(),
  }),
  note: z.string(),
  flagged: z.number().int(),
  turnos: z.array(
    z.object({
      turno: z.string(),
      patrolMinutes: z.number(),
      plannedMinutes: z.number(),
      expected: z.number(),
      reported: z.number(),
      forecastDays: z.number().int(),
      plans: z.number().int(),
      districts: z.array(
        z.object({
          code: z.string(),
          name: z.string(),
          patrolMinutes: z.number(),
          patrolShare: share,
          plannedMinutes: z.number(),
          plannedShare: share,
          expected: z.number(),
          riskShare: share,
          reported: z.number(),
          reportedShare: share,
          patrolToRisk: z
            .number()
            .nullable()
            .describe('null: indefinida; sin riesgo con patrullaje: null en JSON (∞)'),
          patrolToReported: z.number().nullable(),
          flags: z.array(z.object({ against: z.enum(['riesgo', 'denuncias']), text: z.string() })),
        }),
      ),
    }),
  ),
});
const point = {
  units: z.number().int(),
  expectedCovered: z.number(),
  share: z.number(),
  marginal: z.number().nullable(),
};
export const patrolScenario = z.object({
  area: z.string(),
  day,
  turno: z.string(),
  group: z.string(),
  forecast: z.object({ id: z.number().int(), model: z.string(), createdAt: isoTime }),
  maxUnits: z.number().int(),
  maxCells: z.number().int(),
  current: z
    .object({
      planId: z.number().int(),
      version: z.number().int(),
      units: z.number().int(),
      unitsBySector,
    })
    .nullable(),
  districts: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      expectedTotal: z.number(),
      currentUnits: z.number().int().nullable(),
      curve: z.array(z.object(point)),
    }),
  ),
  total: z.object({
    expectedTotal: z.number(),
    curve: z.array(z.object({ ...point, unitsBySector })),
  }),
  candidates: z.number().int(),
});
const arm = z.object({ areas: z.number().int(), crimes: z.number().int(), expected: z.number() });
export const patrolEffect = z.object({
  area: z.string(),
  from: day,
  to: day,
  group: z.string(),
  patrolled: arm,
  comparable: arm,
  unmatched: z.number().int(),
  skipped: z.number().int(),
  rateRatio: z.number().nullable(),
  interval: interval.nullable(),
  matching: z.string(),
  note: z.string(),
});

// ── the routes ──────────────────────────────────────────────────────────────────────────────

/** An answer without a body (204). */
const noContent = z.null().describe('sin contenido');
/** A document that is not JSON (PDF, CSV, HTML): declared for OpenAPI, never parsed. */
const document = (contentType: string, description: string) => ({
  description,
  content: { [contentType]: { schema: z.string().describe(description) } },
});

/** Success answers of every API route, by status. */
export const CONTRACT = {
  'POST /api/v1/auth/login': { 200: loginAnswer },
  'GET /api/v1/auth/session': { 200: session },
  'GET /api/v1/auth/me': { 200: me },
  'POST /api/v1/auth/logout': { 204: noContent },
  'POST /api/v1/auth/password': { 204: noContent },
  'GET /api/v1/areas': { 200: z.object({ areas: z.array(studyArea) }) },
  'GET /api/v1/districts': { 200: districts },
  'GET /api/v1/models': { 200: models },
  'GET /api/v1/ui': { 200: ui },
  'GET /api/v1/advice': { 200: advice },
  'GET /api/v1/stats': { 200: stats },
  'GET /api/v1/stats/trends': { 200: trends },
  'GET /api/v1/stats/turnos': { 200: turnoProfile },
  'GET /api/v1/incidents': { 200: incidentPage },
  'GET /api/v1/forecasts': { 200: forecastIndex },
  'GET /api/v1/forecasts/current': {
    200: z.union([gridForecast, storedForecast]).and(z.object({ dataAge })),
  },
  'GET /api/v1/forecasts/days': { 200: z.object({ days: z.array(day) }) },
  'GET /api/v1/forecasts/:id': { 200: storedForecast },
  'GET /api/v1/forecasts/:id/hotspots': { 200: namedHotspots },
  'GET /api/v1/forecasts/:id/cells/:cell/why': { 200: cellWhySchema },
  'GET /api/v1/hotspots/persistence': { 200: persistence },
  'GET /api/v1/hotspots/emerging': { 200: emergingGrid },
  'GET /api/v1/crime-types': { 200: crimeTypes },
  'GET /api/v1/narratives/quality': { 200: narrativeQualitySchema },
  'POST /api/v1/patrol-plans': { 200: planAnswer, 201: planAnswer },
  'GET /api/v1/patrol-plans/current': { 200: planView },
  'GET /api/v1/patrol-plans/:id/mission-sheet.pdf': {
    200: document(
      'application/pdf',
      'la hoja de misión (PDF, se descarga como mision-<área>-<día>-<turno>-v<versión>.pdf)',
    ),
  },
  'POST /api/v1/patrol-logs': { 200: logAnswer, 201: logAnswer },
  'GET /api/v1/patrol-logs': {
    200: z.object({ planId: z.number().int(), entries: z.array(patrolLogEntry) }),
  },
  'GET /api/v1/patrol-disparity': { 200: patrolDisparity },
  'GET /api/v1/patrol-scenarios': { 200: patrolScenario },
  'GET /api/v1/patrol-effect': { 200: patrolEffect },
  // The model lifecycle (issue 15): champion, challengers, decisions with their evidence.
  'GET /api/v1/models/lifecycle': { 200: lifecycleAnswer },
  'POST /api/v1/models/promote': { 200: promotionAnswer },
  'POST /api/v1/models/rollback': { 200: rollbackAnswer },
  'GET /api/v1/backtests': { 200: backtestList },
  'GET /api/v1/backtests/:id': { 200: backtestReport.describe('format=json; csv y html: el documento') },
  'POST /api/v1/ingest/jobs': { 202: z.object({ job: ingestJob }) },
  'GET /api/v1/ingest/jobs': { 200: z.object({ jobs: z.array(ingestJob) }) },
  'GET /api/v1/ingest/jobs/:id': { 200: z.object({ job: ingestJob }) },
  'GET /api/v1/ingest/jobs/:id/rejects': { 200: rejects },
  'GET /api/v1/jobs/failed': { 200: failedJobList },
  'POST /api/v1/jobs/failed/:id/retry': { 200: retriedJob },
  // Rolling backtests and briefings as jobs (issue 15): the record, polled until done.
  'POST /api/v1/jobs/backtests': { 202: jobAnswer },
  'POST /api/v1/jobs/briefings': { 202: jobAnswer },
  'GET /api/v1/jobs/:id': { 200: jobAnswer },
  'GET /api/v1/tokens': { 200: z.object({ tokens: z.array(token) }) },
  'POST /api/v1/tokens': { 201: newToken },
  'DELETE /api/v1/tokens/:id': { 204: noContent },
  'GET /api/v1/users': { 200: z.object({ users: z.array(user) }) },
  'POST /api/v1/users': { 201: z.object({ user }) },
  'PATCH /api/v1/users/:id': { 200: z.object({ user }) },
  'GET /api/v1/audit': {
    200: z.object({ entries: z.array(auditEntry), nextBefore: z.number().int().nullable() }),
  },
  // Generated texts (issue 14): drafts, review, publication.
  'POST /api/v1/texts': { 201: draftAnswer },
  'GET /api/v1/texts': { 200: textList },
  'GET /api/v1/texts/:id': { 200: textAnswer },
  'PATCH /api/v1/texts/:id': { 200: draftAnswer },
  'POST /api/v1/texts/:id/review': { 200: draftAnswer },
  'GET /api/v1/texts/:id/pdf': {
    200: document(
      'application/pdf',
      'el informe para el CODISEC (PDF A4, BORRADOR hasta su aprobación; se descarga como informe-codisec-<distrito>-<desde>-<hasta>.pdf)',
    ),
  },
  // Officials and researchers (issue 13): population upload, indicators, reports, exports.
  'POST /api/v1/populations': { 200: populationLoadSchema },
  'GET /api/v1/indicators': { 200: indicatorsSchema },
  'GET /api/v1/indicators/report.pdf': {
    200: document('application/pdf', 'reporte de indicadores (PDF, una página)'),
  },
  'GET /api/v1/indicators/report.xlsx': {
    200: document('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'indicadores (XLSX)'),
  },
  'GET /api/v1/exports/incidents': {
    200: {
      description: 'incidentes anonimizados (CSV o Parquet según format)',
      content: {
        'text/csv': { schema: z.string().describe('CSV') },
        'application/vnd.apache.parquet': { schema: z.string().describe('Parquet') },
      },
    },
  },
  'GET /api/v1/exports/backtests/:id': {
    200: {
      description: 'resultados del backtest, modelo × cobertura (CSV o Parquet según format)',
      content: {
        'text/csv': { schema: z.string().describe('CSV') },
        'application/vnd.apache.parquet': { schema: z.string().describe('Parquet') },
      },
    },
  },
} as const;

/** A route key of the contract. */
export type RouteKey = keyof typeof CONTRACT;

/** The JSON answer (first success status) of a route, as the dashboard reads it. */
export type Answer<K extends RouteKey> = {
  [S in keyof (typeof CONTRACT)[K]]: (typeof CONTRACT)[K][S] extends z.ZodType
    ? z.output<(typeof CONTRACT)[K][S]>
    : never;
}[keyof (typeof CONTRACT)[K]];

/**
 * The response schemas a route declares: its answers, and the error body for every 4xx and 5xx.
 * Typed loosely on purpose: services return Dates that go out as ISO strings (the wire form the
 * schemas describe); the serializer checks the JSON that is sent (server/app.ts).
 */
export function responses(key: RouteKey): Readonly<Record<string, unknown>> {
  return { ...CONTRACT[key], '4xx': errorBody, '5xx': errorBody };
}
