/**
 * Accounts and the audit trail from the real CLI (on the PostgreSQL server: CLI_BACKENDS): the first admin is created
 * from the shell (no default password), tokens are minted and revoked, and `vigia audit verify`
 * detects altered, deleted and truncated audit rows.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../test/cli.ts';
import { CLI_BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { freePort } from '../test/postgres-server.ts';

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The newest `<seq>:<hash>` of an anchor file, or null. */
function lastAnchor(file: string): string | null {
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  return lines[lines.length - 1]?.split(' ').pop() ?? null;
}

describe.each(CLI_BACKENDS)('vigia user, token and audit (%s store)', (backend) => {
  let t: TestDb;
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await createTestDb(backend);
    env = { DATABASE_URL: t.url };
  });
  afterAll(async () => {
    await t.drop();
  });

  it('creates the first admin from the shell, with the password from stdin', async () => {
    expect(await t.db.query('select 1 from users')).toHaveLength(0);
    const short = await runCli(['user', 'add', 'jefa', '--role', 'admin'], env, 'corta\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('al menos 12 caracteres');
    const r = await runCli(
      ['user', 'add', 'jefa', '--role', 'admin', '--name', 'Jefa de análisis'],
      env,
      'una-clave-muy-larga\n',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('jefa');
    const [row] = await t.db.query<{ password_hash: string; role: string }>(
      `select password_hash, role from users where username = 'jefa'`,
    );
    expect(row?.role).toBe('admin');
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row?.password_hash).not.toContain('una-clave-muy-larga');
    const dup = await runCli(['user', 'add', 'jefa', '--role', 'analyst'], env, 'otra-clave-muy-larga\n');
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('ya existe');
    const badRole = await runCli(['user', 'add', 'pepe', '--role', 'jefe'], env, 'otra-clave-muy-larga\n');
    expect(badRole.stderr).toContain('rol desconocido');
  });

  it("sets and clears an officer's sector (a district of the area)", async () => {
    expect(
      (await runCli(['user', 'add', 'agente', '--role', 'officer'], env, 'una-clave-muy-larga\n')).code,
    ).toBe(0);
    const set = await runCli(['user', 'set', 'agente', '--sector', 'callao:070101'], env);
    expect(set.stderr).toBe('');
    expect(set.stdout).toContain('sector callao:070101');
    const sector = async () =>
      (
        await t.db.query<{ sector_area: string | null; sector_code: string | null }>(
          `select sector_area, sector_code from users where username = 'agente'`,
        )
      )[0];
    expect(await sector()).toEqual({ sector_area: 'callao', sector_code: '070101' });
    const unknown = await runCli(['user', 'set', 'agente', '--sector', 'callao:999999'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/sector: "999999" no es un sector .*070101/);
    const malformed = await runCli(['user', 'set', 'agente', '--sector', 'callao'], env);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--sector');
    expect(await sector()).toEqual({ sector_area: 'callao', sector_code: '070101' });
    const list = await runCli(['user', 'list'], env);
    expect(list.stdout).toMatch(/agente .*callao:070101/);
    expect((await runCli(['user', 'set', 'agente', '--no-sector'], env)).stdout).toContain('sector ninguno');
    expect(await sector()).toEqual({ sector_area: null, sector_code: null });
  });

  it('mints a token shown once, stored hashed, and revokes it', async () => {
    const r = await runCli(
      ['token', 'create', 'jefa', '--name', 'script', '--scopes', 'read,admin', '--days', '30'],
      env,
    );
    expect(r.code).toBe(0);
    const token = r.stdout.trim();
    expect(token).toMatch(/^vgt_\d+_[A-Za-z0-9_-]{43}$/);
    const [row] = await t.db.query<{ secret_hash: string; scopes: string[] }>(
      'select secret_hash, scopes from api_tokens',
    );
    expect(row?.scopes).toEqual(['read', 'admin']);
    expect(token).not.toContain(row?.secret_hash as string);
    const bad = await runCli(['token', 'create', 'jefa', '--name', 'x', '--days', 'pronto'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--days');
    const list = await runCli(['token', 'list'], env);
    expect(list.stdout).toContain('script');
    expect(list.stdout).not.toContain(token.split('_')[2] as string);
    const id = token.split('_')[1] as string;
    expect((await runCli(['token', 'revoke', id], env)).code).toBe(0);
    const [after] = await t.db.query<{ revoked_at: Date | null }>('select revoked_at from api_tokens');
    expect(after?.revoked_at).not.toBeNull();
  });

  it('verifies an intact chain, and detects altered, deleted and trailing-deleted rows', async () => {
    const ok = await runCli(['audit', 'verify'], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Auditoría íntegra: \d+ registros/);
    const list = await runCli(['audit', 'list', '--json'], env);
    const rows = JSON.parse(list.stdout) as { seq: number; action: string; actor: string }[];
    expect(rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['user.create', 'token.create', 'token.revoke']),
    );
    expect(rows.every((r) => r.actor.startsWith('cli:'))).toBe(true);
    expect(rows.length).toBeGreaterThanOrEqual(3);

    // The database refuses changes to the log…
    await expect(t.db.query(`update audit_log set actor = 'otro' where seq = 1`)).rejects.toThrow(
      /solo anexado/,
    );
    await expect(t.db.query('delete from audit_log where seq = 1')).rejects.toThrow(/solo anexado/);
    // …so an attacker with the owner's rights disables the trigger first; verify still notices.
    const tamper = async (sql: string): Promise<void> => {
      await t.db.transaction(async (tx) => {
        await tx.query('alter table audit_log disable trigger audit_log_no_change');
        await tx.query(sql);
        await tx.query('alter table audit_log enable trigger audit_log_no_change');
      });
    };
    await tamper(`update audit_log set detail = '{"username":"otra"}' where seq = 1`);
    const altered = await runCli(['audit', 'verify'], env);
    expect(altered.code).toBe(7);
    expect(altered.stdout).toContain('AUDITORÍA ALTERADA');
    expect(altered.stdout).toMatch(/fila 1: el contenido no coincide con su hash/);

    // Restoring the content makes it verify again (the hash is over the values, nothing else).
    const original = rows.find((r) => r.seq === 1) as unknown as { detail: string };
    await tamper(`update audit_log set detail = '${original.detail.replace(/'/g, "''")}' where seq = 1`);
    expect((await runCli(['audit', 'verify'], env)).code).toBe(0);

    await tamper('delete from audit_log where seq = 2');
    const deleted = await runCli(['audit', 'verify', '--json'], env);
    expect(deleted.code).toBe(7);
    const report = JSON.parse(deleted.stdout) as {
      ok: boolean;
      problems: { seq: number; problem: string }[];
    };
    expect(report.ok).toBe(false);
    expect(report.problems.some((p) => p.seq === 3 && /eliminadas|prev_hash/.test(p.problem))).toBe(true);
  }, 180_000); // five CLI runs: slow on a loaded 2-core machine

  it('detects deletion of the newest rows through the head', async () => {
    const t2 = await createTestDb(backend);
    try {
      const env2 = { DATABASE_URL: t2.url };
      await runCli(['user', 'add', 'ana', '--role', 'admin'], env2, 'una-clave-muy-larga\n');
      await runCli(['user', 'add', 'beto', '--role', 'analyst'], env2, 'una-clave-muy-larga\n');
      expect((await runCli(['audit', 'verify'], env2)).code).toBe(0);
      await t2.db.transaction(async (tx) => {
        await tx.query('alter table audit_log disable trigger audit_log_no_change');
        await tx.query('delete from audit_log where seq = (select max(seq) from audit_log)');
      });
      const r = await runCli(['audit', 'verify'], env2);
      expect(r.code).toBe(7);
      expect(r.stdout).toContain('cabecera');
    } finally {
      await t2.drop();
    }
  });
  it('detects newest rows deleted with a rewound audit_head through an anchor kept outside the database', async () => {
    const t3 = await createTestDb(backend);
    const dataDir = mkdtempSync(join(tmpdir(), 'vigia-anchor-'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'vigia-no-anchor-'));
    try {
      const env3 = { DATABASE_URL: t3.url, VIGIA_DATA_DIR: dataDir };
      await runCli(['user', 'add', 'ana', '--role', 'admin'], env3, 'una-clave-muy-larga\n');
      await runCli(['user', 'add', 'beto', '--role', 'analyst'], env3, 'una-clave-muy-larga\n');
      const anchored = await runCli(['audit', 'anchor'], env3);
      expect(anchored.code, anchored.stderr).toBe(0);
      const value = anchored.stdout.split('\n')[0] as string;
      expect(value).toMatch(/^\d+:[0-9a-f]{64}$/);
      const anchorSeq = Number(value.split(':')[0]);
      expect(readFileSync(join(dataDir, 'audit-anchors.txt'), 'utf8')).toContain(value);
      await runCli(['user', 'add', 'carla', '--role', 'analyst'], env3, 'una-clave-muy-larga\n');
      // Appends after the anchor are fine.
      const fine = await runCli(['audit', 'verify'], env3);
      expect(fine.code, fine.stdout).toBe(0);
      expect(fine.stdout).toContain(`ancla ${value}`);

      // With the owner's rights: delete every row from the anchored one on, and rewind the head.
      await t3.db.transaction(async (tx) => {
        await tx.query('alter table audit_log disable trigger audit_log_no_change');
        await tx.query('delete from audit_log where seq >= $1', [anchorSeq]);
        await tx.query(
          'update audit_head set seq = l.seq, hash = l.hash from (select seq, hash from audit_log order by seq desc limit 1) l',
        );
        await tx.query('alter table audit_log enable trigger audit_log_no_change');
      });
      // The chain and the head agree again: without an anchor, only the head's signature shows it…
      const blind = await runCli(['audit', 'verify'], { DATABASE_URL: t3.url, VIGIA_DATA_DIR: elsewhere });
      expect(blind.code).toBe(7);
      expect(blind.stdout).toContain('no coincide con su firma');
      // …and without the key too, nothing shows (and verification says what it could not check).
      const keyless = await runCli(['audit', 'verify'], {
        DATABASE_URL: t3.url,
        VIGIA_DATA_DIR: elsewhere,
        VIGIA_AUDIT_KEY: '',
      });
      expect(keyless.code).toBe(0);
      expect(keyless.stdout).toContain('sin ancla');
      expect(keyless.stdout).toContain('firma de la cabecera NO comprobada');
      // The latest anchor of the anchor file…
      const r = await runCli(['audit', 'verify'], env3);
      expect(r.code).toBe(7);
      expect(r.stdout).toContain('AUDITORÍA ALTERADA');
      expect(r.stdout).toContain(`el ancla ${value} (${join(dataDir, 'audit-anchors.txt')})`);
      expect(r.stdout).toContain(`la cadena termina en la fila ${anchorSeq - 1}`);
      // …or one given on the command line (kept on another machine).
      const given = await runCli(['audit', 'verify', '--anchor', value, '--json'], {
        DATABASE_URL: t3.url,
        VIGIA_DATA_DIR: elsewhere,
      });
      expect(given.code).toBe(7);
      const report = JSON.parse(given.stdout) as {
        ok: boolean;
        anchor: string;
        problems: { problem: string }[];
      };
      expect(report.anchor).toBe(value);
      expect(report.problems.some((p) => p.problem.includes(`el ancla ${value} (--anchor)`))).toBe(true);
      const bad = await runCli(['audit', 'verify', '--anchor', '12:xyz'], env3);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('anchor: ancla inválida');
    } finally {
      await t3.drop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(elsewhere, { recursive: true, force: true });
    }
  }, 240_000);

  it('signs the head with a key outside the database: a rewound head is caught without any anchor', async () => {
    const t4 = await createTestDb(backend);
    const dataDir = mkdtempSync(join(tmpdir(), 'vigia-key-'));
    const keyFile = join(dataDir, 'audit.key');
    // The key file of the data folder, not VIGIA_AUDIT_KEY; no anchors anywhere.
    const env4 = { DATABASE_URL: t4.url, VIGIA_DATA_DIR: dataDir, VIGIA_AUDIT_KEY: '' };
    const head = async (): Promise<{ seq: number; mac: string | null }> =>
      (await t4.db.query<{ seq: number; mac: string | null }>('select seq, mac from audit_head'))[0] as {
        seq: number;
        mac: string | null;
      };
    try {
      // The test store's head was signed with the tests' key: under the new key file it does not verify,
      // and appends do not sign over a head they cannot check.
      await runCli(['user', 'add', 'ana', '--role', 'admin'], env4, 'una-clave-muy-larga\n');
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const changed = await runCli(['audit', 'verify'], env4);
      expect(changed.code).toBe(7);
      expect(changed.stdout).toContain(`no coincide con su firma (clave: ${keyFile})`);
      expect(changed.stdout).toContain('o la clave cambió');
      // `vigia audit sign` signs it with this key, since everything else verifies.
      const signed = await runCli(['audit', 'sign'], env4);
      expect(signed.code, signed.stdout + signed.stderr).toBe(0);
      expect(signed.stdout).toContain(`Cabecera firmada: 1 registros`);
      await runCli(['user', 'add', 'beto', '--role', 'analyst'], env4, 'una-clave-muy-larga\n');
      const ok = await runCli(['audit', 'verify'], env4);
      expect(ok.code, ok.stdout).toBe(0);
      expect(ok.stdout).toContain(`cabecera firmada (clave: ${keyFile})`);
      // The key is nowhere in the database.
      const key = readFileSync(keyFile, 'utf8').trim();
      const [dump] = await t4.db.query<{ n: number }>(
        `select count(*)::int as n from audit_log, audit_head where audit_log.detail like $1 or audit_head.mac = $2`,
        [`%${key}%`, key],
      );
      expect(dump?.n).toBe(0);

      // Without the key, verification says it did not check the signature (and creates no key);
      // with another key, the signature does not match.
      renameSync(keyFile, `${keyFile}.bak`);
      const keyless = await runCli(['audit', 'verify'], env4);
      expect(keyless.code).toBe(0);
      expect(keyless.stdout).toContain(
        `firma de la cabecera NO comprobada: no hay clave (ni VIGIA_AUDIT_KEY ni ${keyFile})`,
      );
      expect(existsSync(keyFile)).toBe(false);
      writeFileSync(keyFile, `${'cd'.repeat(32)}\n`, { mode: 0o600 });
      const other = await runCli(['audit', 'verify'], env4);
      expect(other.code).toBe(7);
      expect(other.stdout).toContain('no coincide con su firma');
      renameSync(`${keyFile}.bak`, keyFile);
      expect((await runCli(['audit', 'verify'], env4)).code).toBe(0);

      // With the owner's rights: delete the newest row and rewind audit_head to the row before it.
      await runCli(['user', 'add', 'carla', '--role', 'analyst'], env4, 'una-clave-muy-larga\n');
      const newest = (await head()).seq;
      const rewind = async (mac: 'keep' | 'clear'): Promise<void> => {
        await t4.db.transaction(async (tx) => {
          await tx.query('alter table audit_log disable trigger audit_log_no_change');
          await tx.query('delete from audit_log where seq >= $1', [newest]);
          await tx.query(
            `update audit_head set seq = l.seq, hash = l.hash${mac === 'clear' ? ', mac = null' : ''}
             from (select seq, hash from audit_log order by seq desc limit 1) l`,
          );
          await tx.query('alter table audit_log enable trigger audit_log_no_change');
        });
      };
      await rewind('keep');
      expect(existsSync(join(dataDir, 'audit-anchors.txt'))).toBe(false);
      const r = await runCli(['audit', 'verify', '--json'], env4);
      expect(r.code).toBe(7);
      const report = JSON.parse(r.stdout) as {
        signature: string;
        key: string;
        problems: { seq: number; problem: string }[];
      };
      expect(report).toMatchObject({ signature: 'invalid', key: keyFile });
      expect(report.problems).toEqual([
        { seq: newest - 1, problem: expect.stringContaining('no coincide con su firma') },
      ]);
      // Vigía's next appends do not sign over it: the rewind stays visible.
      await runCli(['user', 'add', 'dora', '--role', 'analyst'], env4, 'una-clave-muy-larga\n');
      expect((await head()).seq).toBe(newest);
      const still = await runCli(['audit', 'verify'], env4);
      expect(still.code).toBe(7);
      expect(still.stdout).toContain('no coincide con su firma');
      // Clearing the signature along with the rewind: reported as unsigned.
      await rewind('clear');
      const unsigned = await runCli(['audit', 'verify'], env4);
      expect(unsigned.code).toBe(7);
      expect(unsigned.stdout).toContain('la cabecera no tiene firma');
      // `vigia audit sign` vouches for a head only when everything else verifies: not with an anchored row gone.
      const refused = await runCli(['audit', 'sign', '--anchor', `${newest}:${'0'.repeat(64)}`], env4);
      expect(refused.code).toBe(7);
      expect((await head()).mac).toBeNull();
    } finally {
      await t4.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);

  it('vigia serve anchors the head every VIGIA_AUDIT_ANCHOR_MINUTES when it moved, and at shutdown', async () => {
    const t5 = await createTestDb(backend);
    const dataDir = mkdtempSync(join(tmpdir(), 'vigia-autoanchor-'));
    const anchors = join(dataDir, 'audit-anchors.txt');
    const headValue = async (): Promise<string> => {
      const [h] = await t5.db.query<{ seq: number; hash: string }>('select seq, hash from audit_head');
      return `${h?.seq}:${h?.hash}`;
    };
    const serve = async (minutes: string): Promise<{ port: number; stop(): Promise<number | null> }> => {
      const port = await freePort();
      const run = startCli(['serve', '--port', String(port)], {
        DATABASE_URL: t5.url,
        VIGIA_DATA_DIR: dataDir,
        VIGIA_AUDIT_ANCHOR_MINUTES: minutes,
      });
      let stderr = '';
      run.child.stderr?.on('data', (d) => {
        stderr += d;
      });
      await waitFor(async () => stderr.includes('escuchando'), 'the server to listen');
      return {
        port,
        async stop() {
          run.child.kill('SIGTERM');
          return (await run.done).code;
        },
      };
    };
    /** An audited action: a failed login. */
    const failLogin = async (port: number): Promise<void> => {
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'nadie', password: 'no-es-la-clave' }),
      });
      expect(r.status).toBe(401);
    };
    try {
      // Every 1.2 s while serving: the head after an audited action reaches the anchor file.
      const fast = await serve('0.02');
      await failLogin(fast.port);
      const moved = await headValue();
      expect(moved).not.toMatch(/^0:/);
      await waitFor(async () => lastAnchor(anchors) === moved, 'the periodic anchor', 30_000);
      expect(await fast.stop()).toBe(0);
      // Every hour, so only the shutdown anchors: the head of the last action before SIGTERM.
      const slow = await serve('60');
      await failLogin(slow.port);
      const last = await headValue();
      expect(last).not.toBe(moved);
      expect(lastAnchor(anchors)).toBe(moved);
      expect(await slow.stop()).toBe(0);
      expect(lastAnchor(anchors)).toBe(last);
      const verified = await runCli(['audit', 'verify'], { DATABASE_URL: t5.url, VIGIA_DATA_DIR: dataDir });
      expect(verified.code, verified.stdout).toBe(0);
      expect(verified.stdout).toContain(`ancla ${last}`);
    } finally {
      await t5.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
