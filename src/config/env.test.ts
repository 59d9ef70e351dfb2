import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.ts';
import { CONFIG_VARIABLES, DEFAULT_DB_SETTINGS, DEFAULT_HTTP_SETTINGS, NO_LLM, parseConfig } from './env.ts';

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(env, '/srv/vigia');
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('gives the defaults for an empty environment, frozen', () => {
    const c = parseConfig({}, '/srv/vigia');
    expect(c).toEqual({
      databaseUrl: undefined,
      dataDir: resolve('/srv/vigia', 'data'),
      studyArea: 'callao',
      timeZone: 'America/Lima',
      embeddedPort: 54329,
      host: '127.0.0.1',
      port: 8080,
      logLevel: 'info',
      http: DEFAULT_HTTP_SETTINGS,
      db: DEFAULT_DB_SETTINGS,
      staleDataDays: 7,
      lifecycle: {
        promotionAlpha: 0.05,
        promotionDays: 28,
        retrainCron: '0 3 * * 1',
        forecastLeadMinutes: 60,
      },
      jobs: {
        mode: 'inline',
        engine: {
          leaseSeconds: 3600,
          retryLimit: 2,
          retryDelaySeconds: 30,
          pollSeconds: 2,
          maintenanceSeconds: 60,
        },
      },
      auditKey: undefined,
      auditAnchorMinutes: 10,
      tiles: null,
      tacticsFile: undefined,
      patrolExclude: ['drogas', 'armas'],
      llm: NO_LLM,
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.http)).toBe(true);
    expect(() => {
      (c as { studyArea: string }).studyArea = 'chicago';
    }).toThrow(TypeError);
  });

  it('reads the database pool and timeouts, and refuses a statement timeout below 100 ms but not 0', () => {
    const c = parseConfig(
      {
        VIGIA_DB_POOL_MAX: '3',
        VIGIA_DB_CONNECT_TIMEOUT_MS: '1500',
        VIGIA_DB_STATEMENT_TIMEOUT_MS: '0',
        VIGIA_AGGREGATE_CONCURRENCY_PER_USER: '4',
      },
      '/srv/vigia',
    );
    expect(c.db).toEqual({ poolMax: 3, connectTimeoutMs: 1500, statementTimeoutMs: 0 });
    expect(c.http.aggregateConcurrencyPerUser).toBe(4);
    expect(configError({ VIGIA_DB_STATEMENT_TIMEOUT_MS: '50' }).problems).toEqual([
      expect.stringMatching(/^VIGIA_DB_STATEMENT_TIMEOUT_MS: /),
    ]);
    expect(configError({ VIGIA_DB_POOL_MAX: '0' }).problems[0]).toMatch(/^VIGIA_DB_POOL_MAX: /);
  });

  it('VIGIA_CONTRACT_DRIFT: log (the default) or fail, nothing else', () => {
    expect(parseConfig({}).http.contractDrift).toBe('log');
    expect(parseConfig({ VIGIA_CONTRACT_DRIFT: 'fail' }).http.contractDrift).toBe('fail');
    expect(configError({ VIGIA_CONTRACT_DRIFT: 'strict' }).problems[0]).toMatch(/^VIGIA_CONTRACT_DRIFT: /);
  });

  it('resolves VIGIA_DATA_DIR against the given cwd, keeps absolute paths', () => {
    expect(parseConfig({ VIGIA_DATA_DIR: 'var/db' }, '/srv/vigia').dataDir).toBe(
      resolve('/srv/vigia/var/db'),
    );
    expect(parseConfig({ VIGIA_DATA_DIR: ' /data/vigia ' }, '/srv/vigia').dataDir).toBe(
      resolve('/data/vigia'),
    );
  });

  it('accepts a full valid environment', () => {
    const c = parseConfig(
      {
        DATABASE_URL: 'postgres://u:p@h:5432/db',
        VIGIA_STUDY_AREA: 'chicago',
        VIGIA_TIME_ZONE: 'America/Chicago',
        VIGIA_EMBEDDED_PORT: '6543',
        LOG_LEVEL: 'debug',
      },
      '/srv/vigia',
    );
    expect(c).toMatchObject({
      databaseUrl: 'postgres://u:p@h:5432/db',
      studyArea: 'chicago',
      timeZone: 'America/Chicago',
      embeddedPort: 6543,
      logLevel: 'debug',
    });
    expect(parseConfig({ DATABASE_URL: 'postgresql://u@h/db' }).databaseUrl).toBe('postgresql://u@h/db');
  });

  it('treats an empty or blank DATABASE_URL as the embedded database', () => {
    expect(parseConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
    expect(parseConfig({ DATABASE_URL: '   ' }).databaseUrl).toBeUndefined();
  });

  it('reads the schema owner URL only along with DATABASE_URL, and checks its form', () => {
    const owner = 'postgres://dueno:x@db:5432/vigia';
    expect(
      parseConfig({ DATABASE_URL: 'postgres://app:y@db:5432/vigia', VIGIA_OWNER_DATABASE_URL: owner })
        .ownerDatabaseUrl,
    ).toBe(owner);
    expect(parseConfig({ VIGIA_OWNER_DATABASE_URL: owner }).ownerDatabaseUrl).toBeUndefined();
    expect(configError({ VIGIA_OWNER_DATABASE_URL: 'mysql://a:b@h/x' }).problems[0]).toMatch(
      /^VIGIA_OWNER_DATABASE_URL: /,
    );
  });

  it('ignores unrelated variables', () => {
    expect(parseConfig({ PATH: '/usr/bin', HOME: '/root' }, '/srv/vigia').studyArea).toBe('callao');
  });

  it('lists every bad variable at once', () => {
    const e = configError({
      DATABASE_URL: 'mysql://ana:s3cr3t@h/x',
      LOG_LEVEL: 'loud',
      VIGIA_TIME_ZONE: 'Mars/Olympus',
      VIGIA_EMBEDDED_PORT: '80',
      VIGIA_STUDY_AREA: 'Callao!',
    });
    expect(e.code).toBe('CONFIG_INVALID');
    const vars = e.problems.map((p) => p.slice(0, p.indexOf(':')));
    expect(vars.sort()).toEqual(
      ['DATABASE_URL', 'LOG_LEVEL', 'VIGIA_EMBEDDED_PORT', 'VIGIA_STUDY_AREA', 'VIGIA_TIME_ZONE'].sort(),
    );
    for (const v of vars) expect(e.message).toContain(`  - ${v}: `);
  });

  it('never echoes the value of a bad DATABASE_URL', () => {
    const e = configError({ DATABASE_URL: 'mysql://ana:s3cr3t@h/x' });
    expect(e.problems).toHaveLength(1);
    expect(e.message).not.toContain('s3cr3t');
    expect(e.message).not.toContain('mysql://');
    expect(e.problems.join('\n')).not.toContain('s3cr3t');
    expect(JSON.stringify(e)).not.toContain('s3cr3t');
  });

  it('rejects ports outside 1024–65535 and non-integers', () => {
    for (const port of ['80', '1023', '65536', '5432.5', 'abc'])
      expect(configError({ VIGIA_EMBEDDED_PORT: port }).problems[0]).toMatch(/^VIGIA_EMBEDDED_PORT: /);
    expect(parseConfig({ VIGIA_EMBEDDED_PORT: '1024' }).embeddedPort).toBe(1024);
    expect(parseConfig({ VIGIA_EMBEDDED_PORT: '65535' }).embeddedPort).toBe(65535);
  });

  it('reads the HTTP security settings and rejects bad ones by name', () => {
    const c = parseConfig({
      VIGIA_SESSION_IDLE_MINUTES: '15',
      VIGIA_COOKIE_SECURE: 'true',
      VIGIA_RATE_LIMIT_PER_MINUTE: '0',
      VIGIA_UPLOAD_MAX_MB: '2',
    });
    expect(c.http).toMatchObject({
      sessionIdleMinutes: 15,
      cookieSecure: true,
      rateLimitPerMinute: 0,
      uploadMaxBytes: 2 * 1024 * 1024,
    });
    const e = configError({ VIGIA_SESSION_IDLE_MINUTES: '0', VIGIA_COOKIE_SECURE: 'yes' });
    expect(e.problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'VIGIA_COOKIE_SECURE',
      'VIGIA_SESSION_IDLE_MINUTES',
    ]);
  });

  it('takes an optional base-map tile template', () => {
    const c = parseConfig({
      VIGIA_TILE_URL: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
      VIGIA_TILE_ATTRIBUTION: '© OSM',
    });
    expect(c.tiles).toEqual({ url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png', attribution: '© OSM' });
    expect(configError({ VIGIA_TILE_URL: 'ftp://x/{z}' }).problems[0]).toMatch(/^VIGIA_TILE_URL: /);
  });

  it('takes an optional tactics file, resolved from the working folder', () => {
    expect(parseConfig({ VIGIA_TACTICS_FILE: 'conf/tacticas.json' }, '/srv/vigia').tacticsFile).toBe(
      resolve('/srv/vigia', 'conf/tacticas.json'),
    );
    expect(parseConfig({ VIGIA_TACTICS_FILE: ' ' }).tacticsFile).toBeUndefined();
  });

  it('reads the categories excluded from patrol forecasts: drugs and arms by default, empty = none, unknown ones named', () => {
    expect(parseConfig({}).patrolExclude).toEqual(['drogas', 'armas']);
    expect(parseConfig({ VIGIA_PATROL_EXCLUDE: '' }).patrolExclude).toEqual([]);
    expect(parseConfig({ VIGIA_PATROL_EXCLUDE: ' drogas , robo,drogas' }).patrolExclude).toEqual([
      'drogas',
      'robo',
    ]);
    expect(() => parseConfig({ VIGIA_PATROL_EXCLUDE: 'drogas,narcoticos' })).toThrow(
      /VIGIA_PATROL_EXCLUDE: categoría desconocida "narcoticos" \(use hurto, robo/,
    );
  });

  it('reads the stale-data limit in whole days', () => {
    expect(parseConfig({ VIGIA_STALE_DATA_DAYS: '30' }).staleDataDays).toBe(30);
    for (const bad of ['0', '2.5', 'siete'])
      expect(configError({ VIGIA_STALE_DATA_DAYS: bad }).problems[0]).toMatch(/^VIGIA_STALE_DATA_DAYS: /);
  });

  it('reads the job settings, refusing an unknown mode or a poll interval under 0.5 s', () => {
    const jobs = parseConfig(
      {
        VIGIA_JOBS: 'worker',
        VIGIA_JOB_LEASE_SECONDS: '5',
        VIGIA_JOB_RETRY_LIMIT: '1',
        VIGIA_JOB_POLL_SECONDS: '0.5',
      },
      '/srv',
    ).jobs;
    expect(jobs).toMatchObject({
      mode: 'worker',
      engine: { leaseSeconds: 5, retryLimit: 1, pollSeconds: 0.5 },
    });
    expect(configError({ VIGIA_JOBS: 'both' }).problems[0]).toMatch(/^VIGIA_JOBS: /);
    expect(configError({ VIGIA_JOB_POLL_SECONDS: '0.1' }).problems[0]).toMatch(/^VIGIA_JOB_POLL_SECONDS: /);
  });

  it('reads the model lifecycle settings, refusing a bad alpha, period or cron', () => {
    const c = parseConfig({
      VIGIA_PROMOTION_ALPHA: '0.01',
      VIGIA_PROMOTION_DAYS: '14',
      VIGIA_RETRAIN_CRON: '30 2 * * 0',
      VIGIA_FORECAST_LEAD_MINUTES: '90',
    }).lifecycle;
    expect(c).toEqual({
      promotionAlpha: 0.01,
      promotionDays: 14,
      retrainCron: '30 2 * * 0',
      forecastLeadMinutes: 90,
    });
    expect(configError({ VIGIA_PROMOTION_ALPHA: '0' }).problems[0]).toMatch(/^VIGIA_PROMOTION_ALPHA: /);
    expect(configError({ VIGIA_PROMOTION_DAYS: '3' }).problems[0]).toMatch(/^VIGIA_PROMOTION_DAYS: /);
    expect(configError({ VIGIA_RETRAIN_CRON: 'semanal' }).problems[0]).toMatch(/^VIGIA_RETRAIN_CRON: /);
  });

  it('rejects study-area ids that are not slugs', () => {
    for (const id of ['Callao!', 'CALLAO', '1callao', 'c', 'callao_norte'])
      expect(configError({ VIGIA_STUDY_AREA: id }).problems[0]).toMatch(/^VIGIA_STUDY_AREA: /);
    expect(parseConfig({ VIGIA_STUDY_AREA: 'lima-norte' }).studyArea).toBe('lima-norte');
  });

  it('reads the audit key as hex or base64 of at least 32 bytes, never echoing it, and the anchor interval', () => {
    const hex = 'ab'.repeat(32);
    expect(Buffer.from(parseConfig({ VIGIA_AUDIT_KEY: hex }).auditKey as Uint8Array).toString('hex')).toBe(
      hex,
    );
    const b64 = Buffer.alloc(40, 7).toString('base64');
    expect(parseConfig({ VIGIA_AUDIT_KEY: b64 }).auditKey).toEqual(new Uint8Array(Buffer.alloc(40, 7)));
    for (const bad of ['ab'.repeat(31), Buffer.alloc(31, 1).toString('base64'), 'no es una clave!']) {
      const e = configError({ VIGIA_AUDIT_KEY: bad });
      expect(e.problems).toEqual([expect.stringMatching(/^VIGIA_AUDIT_KEY: .*al menos 32 bytes/)]);
      expect(e.message).not.toContain(bad);
    }
    expect(parseConfig({ VIGIA_AUDIT_ANCHOR_MINUTES: '0' }).auditAnchorMinutes).toBe(0);
    expect(parseConfig({ VIGIA_AUDIT_ANCHOR_MINUTES: '0.05' }).auditAnchorMinutes).toBe(0.05);
    expect(configError({ VIGIA_AUDIT_ANCHOR_MINUTES: '-1' }).problems[0]).toMatch(
      /^VIGIA_AUDIT_ANCHOR_MINUTES: /,
    );
  });

  it('documents every variable it reads', () => {
    expect(Object.keys(CONFIG_VARIABLES).sort()).toEqual(
      [
        'DATABASE_URL',
        'LOG_LEVEL',
        'VIGIA_AGGREGATE_CONCURRENCY_PER_USER',
        'VIGIA_DB_CONNECT_TIMEOUT_MS',
        'VIGIA_DB_POOL_MAX',
        'VIGIA_DB_STATEMENT_TIMEOUT_MS',
        'VIGIA_DATA_DIR',
        'VIGIA_EMBEDDED_PORT',
        'VIGIA_HOST',
        'VIGIA_PORT',
        'VIGIA_STUDY_AREA',
        'VIGIA_TIME_ZONE',
        'VIGIA_SESSION_IDLE_MINUTES',
        'VIGIA_SESSION_MAX_HOURS',
        'VIGIA_COOKIE_SECURE',
        'VIGIA_TRUST_PROXY',
        'VIGIA_RATE_LIMIT_PER_MINUTE',
        'VIGIA_LOGIN_ATTEMPTS_PER_15_MINUTES',
        'VIGIA_UPLOAD_MAX_MB',
        'VIGIA_TILE_URL',
        'VIGIA_TILE_ATTRIBUTION',
        'VIGIA_STALE_DATA_DAYS',
        'VIGIA_OWNER_DATABASE_URL',
        'VIGIA_AUDIT_KEY',
        'VIGIA_AUDIT_ANCHOR_MINUTES',
        'VIGIA_TACTICS_FILE',
        'VIGIA_PATROL_EXCLUDE',
        'VIGIA_CONTRACT_DRIFT',
        'VIGIA_ADVICE_FILE',
        'VIGIA_LLM_URL',
        'VIGIA_LLM_MODEL',
        'VIGIA_LLM_API_KEY',
        'VIGIA_LLM_TIMEOUT_MS',
        'VIGIA_LLM_MODEL_PATH',
        'VIGIA_PROMOTION_ALPHA',
        'VIGIA_PROMOTION_DAYS',
        'VIGIA_RETRAIN_CRON',
        'VIGIA_FORECAST_LEAD_MINUTES',
        'VIGIA_JOBS',
        'VIGIA_JOB_LEASE_SECONDS',
        'VIGIA_JOB_RETRY_LIMIT',
        'VIGIA_JOB_RETRY_DELAY_SECONDS',
        'VIGIA_JOB_POLL_SECONDS',
        'VIGIA_JOB_MAINTENANCE_SECONDS',
      ].sort(),
    );
  });
});

describe('language model settings', () => {
  it('default to none (the built-in method); a URL needs a model name; a model path is resolved', () => {
    expect(parseConfig({}, '/srv').llm).toEqual({
      url: undefined,
      model: undefined,
      apiKey: undefined,
      timeoutMs: 30_000,
      modelPath: undefined,
    });
    expect(configError({ VIGIA_LLM_URL: 'http://127.0.0.1:11434/v1' }).problems[0]).toMatch(
      /^VIGIA_LLM_MODEL: /,
    );
    expect(configError({ VIGIA_LLM_URL: 'ftp://x' }).problems[0]).toMatch(/^VIGIA_LLM_URL: /);
    expect(
      parseConfig(
        {
          VIGIA_LLM_URL: 'http://127.0.0.1:11434/v1',
          VIGIA_LLM_MODEL: 'llama3',
          VIGIA_LLM_MODEL_PATH: 'm.gguf',
        },
        '/srv',
      ).llm,
    ).toMatchObject({ model: 'llama3', modelPath: '/srv/m.gguf' });
  });
});

describe('empty variables', () => {
  it('fall back to their defaults, like an unset variable', () => {
    const c = parseConfig(
      { VIGIA_EMBEDDED_PORT: '', VIGIA_DATA_DIR: ' ', LOG_LEVEL: '', VIGIA_STUDY_AREA: '' },
      '/srv/vigia',
    );
    expect(c).toMatchObject({
      embeddedPort: 54329,
      dataDir: '/srv/vigia/data',
      logLevel: 'info',
      studyArea: 'callao',
    });
  });
});
