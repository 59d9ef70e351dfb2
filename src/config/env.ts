/**
 * The only module that reads `process.env`. Every setting is validated once with zod; a bad
 * configuration fails fast with every problem listed and never echoes a value (a DATABASE_URL
 * carries a password).
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { AUDIT_KEY_RULE, decodeAuditKey } from '../core/audit-key.ts';
import { ConfigError } from '../core/errors.ts';
import { CATEGORY_CODES, CRIME_CATEGORIES, type CrimeCategory, isCategory } from '../core/taxonomy.ts';
import { assertTimeZone } from '../core/time.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Variables whose empty value means "none" rather than "the default". */
const EMPTY_MEANS_NONE = new Set(['VIGIA_PATROL_EXCLUDE']);

/** An unset or empty variable takes its default (as `DATABASE_URL=''` means "embedded"). */
const emptyAsUnset = (
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> =>
  Object.fromEntries(
    Object.entries(env).map(([k, v]) => [
      k,
      v === undefined || (v.trim() === '' && !EMPTY_MEANS_NONE.has(k)) ? undefined : v,
    ]),
  );

/**
 * Default of VIGIA_PATROL_EXCLUDE: the categories the police mostly learn of through their own
 * activity (channel `discovered` in the taxonomy: drugs, arms), whose records follow patrols.
 */
export const DEFAULT_PATROL_EXCLUDE: readonly CrimeCategory[] = CATEGORY_CODES.filter(
  (c) => CRIME_CATEGORIES[c].channel === 'discovered',
);

/** Default of VIGIA_STALE_DATA_DAYS. */
export const DEFAULT_STALE_DATA_DAYS = 7;

const schema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || /^postgres(ql)?:\/\/[^\s]+$/.test(v), {
      message: 'debe ser una URL postgres://usuario:clave@host:puerto/base (o vacía para la base embebida)',
    }),
  VIGIA_OWNER_DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\/[^\s]+$/, 'debe ser una URL postgres://dueño:clave@host:puerto/base')
    .optional(),
  VIGIA_DATA_DIR: z.string().trim().min(1).default('./data'),
  VIGIA_STUDY_AREA: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9-]{1,39}$/, 'debe ser el id de un área de estudio (ej. callao)')
    .default('callao'),
  VIGIA_TIME_ZONE: z
    .string()
    .trim()
    .default('America/Lima')
    .refine(
      (tz) => {
        try {
          assertTimeZone(tz);
          return true;
        } catch {
          return false;
        }
      },
      { message: 'zona horaria IANA desconocida (ej. America/Lima)' },
    ),
  VIGIA_EMBEDDED_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  VIGIA_HOST: z.string().trim().min(1).default('127.0.0.1'),
  VIGIA_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  VIGIA_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  VIGIA_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(168).default(12),
  VIGIA_COOKIE_SECURE: z.enum(['true', 'false']).default('false'),
  VIGIA_TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  VIGIA_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(1200),
  VIGIA_LOGIN_ATTEMPTS_PER_15_MINUTES: z.coerce.number().int().min(1).default(10),
  VIGIA_UPLOAD_MAX_MB: z.coerce.number().int().min(1).max(4096).default(512),
  VIGIA_DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  VIGIA_DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  VIGIA_DB_STATEMENT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .refine((v) => v === 0 || (v >= 100 && v <= 86_400_000), {
      message: 'debe ser 0 (sin límite) o 100–86400000',
    })
    .default(30_000),
  VIGIA_AGGREGATE_CONCURRENCY_PER_USER: z.coerce.number().int().min(1).max(100).default(4),
  VIGIA_CONTRACT_DRIFT: z.enum(['log', 'fail']).default('log'),
  VIGIA_STALE_DATA_DAYS: z.coerce.number().int().min(1).max(3650).default(DEFAULT_STALE_DATA_DAYS),
  VIGIA_PROMOTION_ALPHA: z.coerce.number().gt(0).max(0.5).default(0.05),
  VIGIA_PROMOTION_DAYS: z.coerce.number().int().min(7).max(365).default(28),
  VIGIA_RETRAIN_CRON: z
    .string()
    .regex(/^\S+( \S+){4}$/, { message: 'debe ser una expresión cron de 5 campos, ej. "0 3 * * 1"' })
    .default('0 3 * * 1'),
  VIGIA_FORECAST_LEAD_MINUTES: z.coerce.number().int().min(0).max(720).default(60),
  VIGIA_JOBS: z.enum(['inline', 'worker']).default('inline'),
  VIGIA_JOB_LEASE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3600),
  VIGIA_JOB_RETRY_LIMIT: z.coerce.number().int().min(0).max(20).default(2),
  VIGIA_JOB_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  VIGIA_JOB_POLL_SECONDS: z.coerce.number().min(0.5).max(600).default(2),
  VIGIA_JOB_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  VIGIA_AUDIT_KEY: z
    .string()
    .optional()
    .refine((v) => v === undefined || decodeAuditKey(v) !== null, { message: AUDIT_KEY_RULE }),
  VIGIA_AUDIT_ANCHOR_MINUTES: z.coerce.number().min(0).max(1440).default(10),
  VIGIA_TILE_URL: z
    .string()
    .trim()
    .regex(
      /^https?:\/\/[^\s]+\{z\}[^\s]*\{x\}[^\s]*\{y\}/,
      'debe ser una plantilla http(s)://…/{z}/{x}/{y}.png',
    )
    .optional(),
  VIGIA_TILE_ATTRIBUTION: z.string().trim().max(200).optional(),
  VIGIA_TACTICS_FILE: z.string().trim().min(1).optional(),
  VIGIA_ADVICE_FILE: z.string().trim().min(1).optional(),
  VIGIA_PATROL_EXCLUDE: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return DEFAULT_PATROL_EXCLUDE;
      const codes = v
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c !== '');
      for (const c of codes)
        if (!isCategory(c))
          ctx.addIssue({
            code: 'custom',
            message: `categoría desconocida "${c.slice(0, 40)}" (use ${CATEGORY_CODES.join(', ')})`,
          });
      return [...new Set(codes)] as CrimeCategory[];
    }),
  VIGIA_LLM_URL: z
    .string()
    .trim()
    .regex(
      /^https?:\/\/[^\s]+$/,
      'debe ser la URL base de una API compatible con OpenAI (ej. http://127.0.0.1:11434/v1)',
    )
    .optional(),
  VIGIA_LLM_MODEL: z.string().trim().min(1).max(200).optional(),
  VIGIA_LLM_API_KEY: z.string().trim().min(1).optional(),
  VIGIA_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  VIGIA_LLM_MODEL_PATH: z.string().trim().min(1).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

/**
 * The language model that writes summaries (issue 14, docs/text.md): a local GGUF file
 * (node-llama-cpp), else an OpenAI-compatible endpoint, else none (the built-in method).
 */
export interface LlmSettings {
  /** Base URL of an OpenAI-compatible API (OpenAI, Ollama, vLLM, llama.cpp server). */
  readonly url: string | undefined;
  readonly model: string | undefined;
  /** Never logged nor stored. */
  readonly apiKey: string | undefined;
  /** Longest wait for an answer, ms; then the built-in method writes the text. */
  readonly timeoutMs: number;
  /** Absolute path of a GGUF model file (node-llama-cpp, loaded on first use). */
  readonly modelPath: string | undefined;
}

/** No model: the built-in method. */
export const NO_LLM: LlmSettings = Object.freeze({
  url: undefined,
  model: undefined,
  apiKey: undefined,
  timeoutMs: 30_000,
  modelPath: undefined,
});

/** Settings of the HTTP server that tests and benches may override. */
export interface HttpSettings {
  /** A login session ends after this many minutes without requests. */
  readonly sessionIdleMinutes: number;
  /** …and after this many hours in any case. */
  readonly sessionMaxHours: number;
  /** Send cookies only over HTTPS (set when served behind TLS). */
  readonly cookieSecure: boolean;
  /** Take the client address from X-Forwarded-For (behind a reverse proxy or ingress). */
  readonly trustProxy: boolean;
  /** Requests per minute per caller on the API; 0 turns the limit off. */
  readonly rateLimitPerMinute: number;
  /** Failed logins per account and per client address in 15 minutes (successes do not count). */
  readonly loginAttemptsPer15Minutes: number;
  /** Largest upload, bytes. */
  readonly uploadMaxBytes: number;
  /** Aggregate computations (/stats, /stats/turnos, /stats/trends) one caller may run at once. */
  readonly aggregateConcurrencyPerUser: number;
  /**
   * A JSON answer its contract schema (src/contract/api.ts) refuses: 'log' logs the drift with the
   * route and sends the answer (production); 'fail' answers 500 (the tests).
   */
  readonly contractDrift: 'log' | 'fail';
}

/** The database connection's pool and time limits (storage/db.ts DbLimits). */
export interface DbSettings {
  /** Most connections open at once. */
  readonly poolMax: number;
  /** Longest wait for a connection, new or from a busy pool, ms. */
  readonly connectTimeoutMs: number;
  /** Longest single SQL statement, ms (0 = no limit). */
  readonly statementTimeoutMs: number;
}

/** Promotion, scheduled retraining and scheduled forecasts. */
export interface LifecycleSettings {
  /** A challenger is promoted when the paired test's p is below this (and it is better on average). */
  readonly promotionAlpha: number;
  /** Days of the promotion backtest; a scheduled challenger's data ends this many days before today. */
  readonly promotionDays: number;
  /** When the job engine retrains challengers (cron, area's time zone; weekly by default). */
  readonly retrainCron: string;
  /** Scheduled forecasts run this many minutes before each turno starts. */
  readonly forecastLeadMinutes: number;
}

/** The job engine's settings (services/job-engine.ts, docs/jobs.md). */
export interface JobSettings {
  /** inline: the API process also runs the jobs; worker: it only queues them for `vigia worker`. */
  readonly mode: 'inline' | 'worker';
  readonly engine: {
    readonly leaseSeconds: number;
    readonly retryLimit: number;
    readonly retryDelaySeconds: number;
    readonly pollSeconds: number;
    readonly maintenanceSeconds: number;
  };
}

/** Validated, frozen settings. */
export interface Config {
  /** `postgres://…` for a PostgreSQL server; undefined for the embedded default. */
  readonly databaseUrl: string | undefined;
  /**
   * The schema owner's URL on a PostgreSQL server: migrations run as this role, which then grants the
   * DATABASE_URL role only what it needs (on the audit log: SELECT and INSERT). Unset: one role.
   */
  readonly ownerDatabaseUrl: string | undefined;
  /** Absolute data directory (embedded database, generated files). */
  readonly dataDir: string;
  /** Id of the default study area. */
  readonly studyArea: string;
  /** Default IANA time zone for local times (America/Lima). */
  readonly timeZone: string;
  /** Loopback port of the embedded PostgreSQL server. */
  readonly embeddedPort: number;
  /** Address and port the HTTP server listens on. */
  readonly host: string;
  readonly port: number;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly http: HttpSettings;
  readonly db: DbSettings;
  /**
   * Data older than this many days (newest incident to now) is shown as stale, and `vigia forecast`
   * refuses a day further than this beyond the data unless told --allow-far.
   */
  readonly staleDataDays: number;
  /** The model lifecycle (services/model-lifecycle.ts, docs/forecasting.md "Ciclo de vida"). */
  readonly lifecycle: LifecycleSettings;
  /** Background jobs (VIGIA_JOBS, VIGIA_JOB_*). */
  readonly jobs: JobSettings;
  /**
   * The key that signs the audit head (HMAC-SHA256); unset: the key file `<dataDir>/audit.key`,
   * created at first use. Never stored in the database.
   */
  readonly auditKey: Uint8Array | undefined;
  /** `vigia serve` anchors the audit head every this many minutes when it moved, and at shutdown; 0 = off. */
  readonly auditAnchorMinutes: number;
  /** A base map tile layer for the dashboard (none by default: the map works offline). */
  readonly tiles: { readonly url: string; readonly attribution: string } | null;
  /**
   * Absolute path of a JSON file that replaces the default patrol tactics per crime group
   * (prevention/tactics.ts); undefined: the defaults.
   */
  readonly tacticsFile: string | undefined;
  /**
   * Absolute path of a JSON file that replaces the default residents' prevention advice per crime
   * category (prevention/advice.ts); undefined: the defaults.
   */
  readonly adviceFile: string | undefined;
  /**
   * Categories left out of the forecasts patrol plans are made from (enforcement-driven types,
   * docs/prevention.md "Excluded crime types"); default {@link DEFAULT_PATROL_EXCLUDE}.
   */
  readonly patrolExclude: readonly CrimeCategory[];
  /** The language model of summaries; {@link NO_LLM} when none is configured. */
  readonly llm: LlmSettings;
}

/** Defaults of the HTTP settings (as if no variable were set). */
export const DEFAULT_HTTP_SETTINGS: HttpSettings = Object.freeze({
  sessionIdleMinutes: 30,
  sessionMaxHours: 12,
  cookieSecure: false,
  trustProxy: false,
  rateLimitPerMinute: 1200,
  loginAttemptsPer15Minutes: 10,
  uploadMaxBytes: 512 * 1024 * 1024,
  aggregateConcurrencyPerUser: 4,
  contractDrift: 'log',
});

/** Defaults of the database settings (as if no variable were set). */
export const DEFAULT_DB_SETTINGS: DbSettings = Object.freeze({
  poolMax: 10,
  connectTimeoutMs: 5000,
  statementTimeoutMs: 30_000,
});

/** Every variable Vigía reads, with its meaning (for --help and the README). */
export const CONFIG_VARIABLES: Readonly<Record<keyof z.input<typeof schema>, string>> = {
  DATABASE_URL: 'postgres://… de un servidor PostgreSQL; vacío = base embebida en VIGIA_DATA_DIR',
  VIGIA_OWNER_DATABASE_URL:
    'postgres://… del dueño del esquema (migraciones); la aplicación usa DATABASE_URL sin poder alterar la auditoría; vacío = un solo rol',
  VIGIA_DATA_DIR: 'carpeta de datos (base embebida, archivos generados); por defecto ./data',
  VIGIA_STUDY_AREA: 'área de estudio por defecto; por defecto callao',
  VIGIA_TIME_ZONE: 'zona horaria IANA para horas locales; por defecto America/Lima',
  VIGIA_PROMOTION_ALPHA:
    'un retador pasa a campeón si la prueba pareada da p menor que esto (y acierta más en promedio); por defecto 0.05',
  VIGIA_PROMOTION_DAYS:
    'días del backtest de promoción; el reentrenamiento programado usa datos hasta esos días antes de hoy; por defecto 28',
  VIGIA_RETRAIN_CRON:
    'cuándo se reentrena un retador (cron de 5 campos); por defecto "0 3 * * 1" (lunes 03:00)',
  VIGIA_FORECAST_LEAD_MINUTES:
    'minutos antes de cada turno en que corre el pronóstico programado; por defecto 60',
  VIGIA_JOBS:
    'inline = el servidor también ejecuta los trabajos; worker = solo los encola para procesos `vigia worker`; por defecto inline',
  VIGIA_JOB_LEASE_SECONDS:
    'segundos que un trabajo puede correr antes de darlo por perdido y reintentarlo en otro proceso; por defecto 3600',
  VIGIA_JOB_RETRY_LIMIT:
    'reintentos de un trabajo que falla antes de pasar a la cola de fallidos; por defecto 2',
  VIGIA_JOB_RETRY_DELAY_SECONDS:
    'espera antes del primer reintento, en segundos (se duplica en cada uno); por defecto 30',
  VIGIA_JOB_POLL_SECONDS: 'cada cuántos segundos un proceso libre busca trabajo; por defecto 2',
  VIGIA_JOB_MAINTENANCE_SECONDS:
    'cada cuántos segundos se revisan los trabajos con el plazo vencido; por defecto 60',
  VIGIA_EMBEDDED_PORT: 'puerto local de la base embebida; por defecto 54329',
  VIGIA_HOST: 'dirección del servidor HTTP; por defecto 127.0.0.1',
  VIGIA_PORT: 'puerto del servidor HTTP; por defecto 8080',
  VIGIA_SESSION_IDLE_MINUTES: 'minutos sin actividad tras los que se cierra una sesión; por defecto 30',
  VIGIA_SESSION_MAX_HOURS: 'duración máxima de una sesión en horas; por defecto 12',
  VIGIA_COOKIE_SECURE: 'true = cookies solo por HTTPS (detrás de TLS); por defecto false',
  VIGIA_TRUST_PROXY:
    'true = tomar la IP del cliente de X-Forwarded-For (detrás de un proxy); por defecto false',
  VIGIA_RATE_LIMIT_PER_MINUTE:
    'solicitudes por minuto por usuario o token en la API (0 = sin límite); por defecto 1200',
  VIGIA_LOGIN_ATTEMPTS_PER_15_MINUTES:
    'inicios de sesión fallidos por cuenta y por IP cada 15 minutos (los exitosos no cuentan); por defecto 10',
  VIGIA_UPLOAD_MAX_MB: 'tamaño máximo de un archivo subido, MB; por defecto 512',
  VIGIA_DB_POOL_MAX: 'conexiones a la base de datos abiertas a la vez, como máximo; por defecto 10',
  VIGIA_DB_CONNECT_TIMEOUT_MS:
    'espera máxima por una conexión a la base (nueva o libre en el pool), ms; por defecto 5000',
  VIGIA_DB_STATEMENT_TIMEOUT_MS:
    'duración máxima de una sentencia SQL, ms (0 = sin límite); por defecto 30000',
  VIGIA_AGGREGATE_CONCURRENCY_PER_USER:
    'cálculos de estadísticas (/stats, /stats/turnos, /stats/trends) simultáneos por usuario; por defecto 4',
  VIGIA_CONTRACT_DRIFT:
    'respuesta JSON que su esquema del contrato rechaza: log = se registra (con la ruta) y se envía; fail = error 500; por defecto log',
  VIGIA_STALE_DATA_DAYS:
    'días tras la última denuncia a partir de los que los datos se muestran desactualizados y vigia forecast no pronostica más allá sin --allow-far; por defecto 7',
  VIGIA_AUDIT_KEY:
    'clave que firma la cabecera de auditoría (≥ 32 bytes en hex o base64), fuera de la base; vacío = archivo <VIGIA_DATA_DIR>/audit.key creado en el primer uso',
  VIGIA_AUDIT_ANCHOR_MINUTES:
    'vigia serve agrega la cabecera de auditoría al archivo de anclas cada tantos minutos si avanzó, y al detenerse (0 = nunca); por defecto 10',
  VIGIA_TILE_URL:
    'plantilla de teselas del mapa base (ej. https://tile.openstreetmap.org/{z}/{x}/{y}.png); vacío = sin mapa base',
  VIGIA_TILE_ATTRIBUTION: 'atribución del mapa base (ej. © OpenStreetMap)',
  VIGIA_TACTICS_FILE:
    'archivo JSON con las tácticas de patrullaje por grupo de delitos ({"property": [{"code", "text"}, …]}); vacío = las predeterminadas',
  VIGIA_ADVICE_FILE:
    'archivo JSON con los consejos de prevención para vecinos por categoría de delito ({"robo": ["consejo", …]}); vacío = los predeterminados',
  VIGIA_PATROL_EXCLUDE:
    'categorías excluidas de los pronósticos para planes de patrullaje por depender de la actividad policial, separadas por comas; vacío = ninguna; por defecto drogas,armas',
  VIGIA_LLM_URL:
    'URL base de una API compatible con OpenAI para redactar resúmenes (OpenAI, Ollama, vLLM, servidor llama.cpp; ej. http://127.0.0.1:11434/v1); vacío = método incorporado',
  VIGIA_LLM_MODEL: 'nombre del modelo en ese servicio (obligatorio con VIGIA_LLM_URL)',
  VIGIA_LLM_API_KEY: 'clave de la API del modelo (nunca se registra ni se guarda); vacío = sin clave',
  VIGIA_LLM_TIMEOUT_MS:
    'espera máxima por la respuesta del modelo, ms; luego escribe el método incorporado; por defecto 30000',
  VIGIA_LLM_MODEL_PATH:
    'archivo GGUF de un modelo local (node-llama-cpp); tiene prioridad sobre VIGIA_LLM_URL; vacío = ninguno',
  LOG_LEVEL: 'fatal|error|warn|info|debug|trace|silent; por defecto info',
};

/**
 * Parses settings from an environment object (default: `process.env`).
 * @throws ConfigError listing every failed rule by variable name, never by value.
 */
export function parseConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd = process.cwd(),
): Config {
  const result = schema.safeParse(emptyAsUnset(env));
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(entorno)'}: ${i.message}`));
  }
  const v = result.data;
  if (v.VIGIA_LLM_URL !== undefined && v.VIGIA_LLM_MODEL === undefined)
    throw new ConfigError([
      'VIGIA_LLM_MODEL: es obligatorio cuando se define VIGIA_LLM_URL (el nombre del modelo en ese servicio)',
    ]);
  return Object.freeze({
    databaseUrl: v.DATABASE_URL,
    ownerDatabaseUrl: v.DATABASE_URL ? v.VIGIA_OWNER_DATABASE_URL : undefined,
    dataDir: resolve(cwd, v.VIGIA_DATA_DIR),
    studyArea: v.VIGIA_STUDY_AREA,
    timeZone: v.VIGIA_TIME_ZONE,
    embeddedPort: v.VIGIA_EMBEDDED_PORT,
    host: v.VIGIA_HOST,
    port: v.VIGIA_PORT,
    logLevel: v.LOG_LEVEL,
    staleDataDays: v.VIGIA_STALE_DATA_DAYS,
    lifecycle: Object.freeze({
      promotionAlpha: v.VIGIA_PROMOTION_ALPHA,
      promotionDays: v.VIGIA_PROMOTION_DAYS,
      retrainCron: v.VIGIA_RETRAIN_CRON,
      forecastLeadMinutes: v.VIGIA_FORECAST_LEAD_MINUTES,
    }),
    jobs: Object.freeze({
      mode: v.VIGIA_JOBS,
      engine: Object.freeze({
        leaseSeconds: v.VIGIA_JOB_LEASE_SECONDS,
        retryLimit: v.VIGIA_JOB_RETRY_LIMIT,
        retryDelaySeconds: v.VIGIA_JOB_RETRY_DELAY_SECONDS,
        pollSeconds: v.VIGIA_JOB_POLL_SECONDS,
        maintenanceSeconds: v.VIGIA_JOB_MAINTENANCE_SECONDS,
      }),
    }),
    auditKey: v.VIGIA_AUDIT_KEY === undefined ? undefined : (decodeAuditKey(v.VIGIA_AUDIT_KEY) ?? undefined),
    auditAnchorMinutes: v.VIGIA_AUDIT_ANCHOR_MINUTES,
    tiles: v.VIGIA_TILE_URL
      ? Object.freeze({ url: v.VIGIA_TILE_URL, attribution: v.VIGIA_TILE_ATTRIBUTION ?? '' })
      : null,
    tacticsFile: v.VIGIA_TACTICS_FILE === undefined ? undefined : resolve(cwd, v.VIGIA_TACTICS_FILE),
    adviceFile: v.VIGIA_ADVICE_FILE === undefined ? undefined : resolve(cwd, v.VIGIA_ADVICE_FILE),
    patrolExclude: Object.freeze([...v.VIGIA_PATROL_EXCLUDE]),
    llm: Object.freeze({
      url: v.VIGIA_LLM_URL,
      model: v.VIGIA_LLM_MODEL,
      apiKey: v.VIGIA_LLM_API_KEY,
      timeoutMs: v.VIGIA_LLM_TIMEOUT_MS,
      modelPath: v.VIGIA_LLM_MODEL_PATH === undefined ? undefined : resolve(cwd, v.VIGIA_LLM_MODEL_PATH),
    }),
    http: Object.freeze({
      sessionIdleMinutes: v.VIGIA_SESSION_IDLE_MINUTES,
      sessionMaxHours: v.VIGIA_SESSION_MAX_HOURS,
      cookieSecure: v.VIGIA_COOKIE_SECURE === 'true',
      trustProxy: v.VIGIA_TRUST_PROXY === 'true',
      rateLimitPerMinute: v.VIGIA_RATE_LIMIT_PER_MINUTE,
      loginAttemptsPer15Minutes: v.VIGIA_LOGIN_ATTEMPTS_PER_15_MINUTES,
      uploadMaxBytes: v.VIGIA_UPLOAD_MAX_MB * 1024 * 1024,
      aggregateConcurrencyPerUser: v.VIGIA_AGGREGATE_CONCURRENCY_PER_USER,
      contractDrift: v.VIGIA_CONTRACT_DRIFT,
    }),
    db: Object.freeze({
      poolMax: v.VIGIA_DB_POOL_MAX,
      connectTimeoutMs: v.VIGIA_DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: v.VIGIA_DB_STATEMENT_TIMEOUT_MS,
    }),
  });
}

let cached: Config | undefined;

/** The process-wide configuration, parsed on first use. */
export function getConfig(): Config {
  cached ??= parseConfig();
  return cached;
}

/** Forgets the cached configuration (tests). */
export function resetConfigForTests(): void {
  cached = undefined;
}
