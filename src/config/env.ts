/**
 * The only module that reads `process.env`. Every setting is validated once with zod; a bad
 * configuration fails fast with every problem listed and never echoes a value (a DATABASE_URL
 * carries a password).
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { assertTimeZone } from '../core/time.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** An unset or empty variable takes its default (as `DATABASE_URL=''` means "embedded"). */
const emptyAsUnset = (
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> =>
  Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, v === undefined || v.trim() === '' ? undefined : v]),
  );

const schema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || /^postgres(ql)?:\/\/[^\s]+$/.test(v), {
      message: 'debe ser una URL postgres://usuario:clave@host:puerto/base (o vacía para la base embebida)',
    }),
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
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

/** Validated, frozen settings. */
export interface Config {
  /** `postgres://…` for a PostgreSQL server; undefined for the embedded default. */
  readonly databaseUrl: string | undefined;
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
}

/** Every variable Vigía reads, with its meaning (for --help and the README). */
export const CONFIG_VARIABLES: Readonly<Record<keyof z.input<typeof schema>, string>> = {
  DATABASE_URL: 'postgres://… de un servidor PostgreSQL; vacío = base embebida en VIGIA_DATA_DIR',
  VIGIA_DATA_DIR: 'carpeta de datos (base embebida, archivos generados); por defecto ./data',
  VIGIA_STUDY_AREA: 'área de estudio por defecto; por defecto callao',
  VIGIA_TIME_ZONE: 'zona horaria IANA para horas locales; por defecto America/Lima',
  VIGIA_EMBEDDED_PORT: 'puerto local de la base embebida; por defecto 54329',
  VIGIA_HOST: 'dirección del servidor HTTP; por defecto 127.0.0.1',
  VIGIA_PORT: 'puerto del servidor HTTP; por defecto 8080',
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
  return Object.freeze({
    databaseUrl: v.DATABASE_URL,
    dataDir: resolve(cwd, v.VIGIA_DATA_DIR),
    studyArea: v.VIGIA_STUDY_AREA,
    timeZone: v.VIGIA_TIME_ZONE,
    embeddedPort: v.VIGIA_EMBEDDED_PORT,
    host: v.VIGIA_HOST,
    port: v.VIGIA_PORT,
    logLevel: v.LOG_LEVEL,
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
