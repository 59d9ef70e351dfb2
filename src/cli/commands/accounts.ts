/** `vigia user …`, `vigia token …` and `vigia audit …`: accounts and the audit trail from the shell. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { ROLES } from '../../core/access.ts';
import { ValidationError } from '../../core/errors.ts';
import {
  changeUser,
  createToken,
  createUser,
  listUsers,
  revokeTokenAs,
  tokensOf,
  userByName,
} from '../../services/accounts.ts';
import {
  AUDIT_ANCHOR_FILE,
  type AuditAnchor,
  type AuditVerification,
  anchorAudit,
  latestAnchor,
  parseAnchor,
  queryAudit,
  signAudit,
  verifyAudit,
} from '../../services/audit.ts';
import { list, withStore } from '../context.ts';
import { EXIT, table } from '../output.ts';
import { cliAuditContext, readSecret } from '../secret.ts';

const day = (d: Date | null): string => (d ? d.toISOString().slice(0, 16).replace('T', ' ') : '—');

async function newPassword(): Promise<string> {
  const p = await readSecret('Contraseña (mín. 12 caracteres): ');
  if (process.stdin.isTTY && (await readSecret('Repita la contraseña: ')) !== p)
    throw new ValidationError('password', 'las contraseñas no coinciden');
  return p;
}

function auditLimit(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 10_000)
    throw new ValidationError('--limit', `debe ser un entero entre 1 y 10000 (recibido "${text}")`);
  return n;
}

/** The anchor to verify against: the one given, or the newest of the anchor file. */
function anchorOf(given: string | undefined, file: string | undefined, dataDir: string): AuditAnchor | null {
  return given ? parseAnchor(given, '--anchor') : latestAnchor(file ?? join(dataDir, AUDIT_ANCHOR_FILE));
}

/** Prints a verification (exit 7 when it failed). */
function printVerification(result: AuditVerification, json: boolean | undefined, okTitle: string): void {
  const against = result.anchor ? ` (ancla ${result.anchor})` : ' (sin ancla: ejecute "vigia audit anchor")';
  const signature =
    result.signature === 'valid'
      ? `cabecera firmada (clave: ${result.key})`
      : `firma de la cabecera NO comprobada: no hay clave (ni VIGIA_AUDIT_KEY ni ${result.key ?? 'archivo de clave'})`;
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else if (result.ok)
    process.stdout.write(
      `${okTitle}: ${result.rows} registros, cadena de hashes válida${against}, ${signature}.\n`,
    );
  else
    process.stdout.write(
      `AUDITORÍA ALTERADA: ${result.problems.length} problema(s) en ${result.rows} registros\n${result.problems
        .map((p) => `  fila ${p.seq}: ${p.problem}`)
        .join('\n')}\n`,
    );
  if (!result.ok) process.exitCode = EXIT.auditBroken;
}

/** "area:code" → a sector. @throws ValidationError naming --sector */
function parseSector(text: string): { area: string; code: string } {
  const m = /^([a-z][a-z0-9-]{1,39}):([^:\s]{1,40})$/.exec(text.trim());
  if (!m)
    throw new ValidationError(
      '--sector',
      `use <área>:<código de distrito>, p. ej. callao:070101 (recibido "${text}")`,
    );
  return { area: m[1] as string, code: m[2] as string };
}

export function registerAccountCommands(program: Command): void {
  const user = program.command('user').description('usuarios / accounts');
  user
    .command('add <username>')
    .description(
      'crea un usuario (así se crea el primer administrador); la contraseña se lee de la terminal o de stdin',
    )
    .requiredOption('--role <rol>', `rol: ${ROLES.join(' | ')}`)
    .option('--name <nombre>', 'nombre para mostrar')
    .addHelpText(
      'after',
      '\nEjemplo: vigia user add ana --role admin   (o: echo "$CLAVE" | vigia user add ana --role admin)',
    )
    .action(async (username: string, o: { role: string; name?: string }) => {
      const password = await newPassword();
      await withStore(async (db) => {
        const u = await createUser(
          db,
          { username, role: o.role, password, ...(o.name ? { displayName: o.name } : {}) },
          cliAuditContext(),
        );
        process.stdout.write(`Usuario ${u.username} (#${u.id}) creado con rol ${u.role}.\n`);
      });
    });
  user
    .command('list')
    .description('lista los usuarios')
    .option('--json', 'salida JSON')
    .action(async (o: { json?: boolean }) => {
      await withStore(async (db) => {
        const rows = await listUsers(db);
        if (o.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
        else
          process.stdout.write(
            `${table(
              ['id', 'usuario', 'nombre', 'rol', 'sector', 'estado', 'creado'],
              rows.map((u) => [
                u.id,
                u.username,
                u.displayName,
                u.role,
                u.sector ? `${u.sector.area}:${u.sector.code}` : '—',
                u.disabled ? 'deshabilitado' : 'activo',
                day(u.createdAt),
              ]),
            )}\n`,
          );
      });
    });
  user
    .command('set <username>')
    .description('cambia rol, contraseña o estado de un usuario (cierra sus sesiones)')
    .option('--role <rol>', `nuevo rol: ${ROLES.join(' | ')}`)
    .option('--password', 'pide una contraseña nueva')
    .option('--disable', 'deshabilita la cuenta')
    .option('--enable', 'habilita la cuenta')
    .option(
      '--sector <área:distrito>',
      'sector del usuario: un distrito de un área, p. ej. callao:070101 (las comisarías aún no se modelan)',
    )
    .option('--no-sector', 'quita el sector del usuario')
    .action(
      async (
        username: string,
        o: {
          role?: string;
          password?: boolean;
          disable?: boolean;
          enable?: boolean;
          sector?: string | false;
        },
      ) => {
        const sector = o.sector === undefined ? undefined : o.sector === false ? null : parseSector(o.sector);
        const password = o.password ? await newPassword() : undefined;
        await withStore(async (db) => {
          const u = await userByName(db, username);
          const after = await changeUser(
            db,
            u.id,
            {
              ...(o.role ? { role: o.role } : {}),
              ...(password ? { password } : {}),
              ...(o.disable ? { disabled: true } : o.enable ? { disabled: false } : {}),
              ...(sector !== undefined ? { sector } : {}),
            },
            cliAuditContext(),
          );
          process.stdout.write(
            `Usuario ${after.username}: rol ${after.role}, ${after.disabled ? 'deshabilitado' : 'activo'}, sector ${after.sector ? `${after.sector.area}:${after.sector.code}` : 'ninguno'}.\n`,
          );
        });
      },
    );

  const token = program.command('token').description('tokens de API / API tokens');
  token
    .command('create <username>')
    .description('crea un token de API para un usuario; el secreto se muestra una sola vez')
    .requiredOption('--name <nombre>', 'para qué es (ej. "tablero SIDPOL")')
    .option('--scopes <lista>', 'alcances: read, write, admin (según el rol)', 'read')
    .option('--days <n>', 'días de vigencia (0 = sin vencimiento)', '90')
    .action(async (username: string, o: { name: string; scopes: string; days: string }) => {
      const days = Number(o.days);
      if (!Number.isInteger(days) || days < 0 || days > 3650)
        throw new ValidationError(
          '--days',
          `días de vigencia inválidos "${o.days}" (0 = sin vencimiento, o 1–3650)`,
        );
      await withStore(async (db) => {
        const u = await userByName(db, username);
        const t = await createToken(
          db,
          u,
          { name: o.name, scopes: list(o.scopes) ?? [], expiresInDays: days === 0 ? null : days },
          cliAuditContext(),
        );
        process.stderr.write(
          `Token #${t.id} para ${u.username} (${t.scopes.join(', ')}), vence: ${day(t.expiresAt)}. Guárdelo: no se vuelve a mostrar.\n`,
        );
        process.stdout.write(`${t.token}\n`);
      });
    });
  token
    .command('list')
    .description('lista los tokens (nunca sus secretos)')
    .option('--user <username>', 'solo los de este usuario')
    .action(async (o: { user?: string }) => {
      await withStore(async (db) => {
        const rows = await tokensOf(db, o.user ? (await userByName(db, o.user)).id : null);
        process.stdout.write(
          `${table(
            ['id', 'usuario', 'nombre', 'alcances', 'creado', 'vence', 'revocado', 'último uso'],
            rows.map((t) => [
              t.id,
              t.username,
              t.name,
              t.scopes.join(','),
              day(t.createdAt),
              day(t.expiresAt),
              day(t.revokedAt),
              day(t.lastUsedAt),
            ]),
          )}\n`,
        );
      });
    });
  token
    .command('revoke <id>')
    .description('revoca un token')
    .action(async (id: string) => {
      await withStore(async (db) => {
        if (!/^\d{1,12}$/.test(id)) throw new ValidationError('id', `id de token inválido "${id}"`);
        await revokeTokenAs(db, Number(id), 'operator', cliAuditContext());
        process.stdout.write(`Token #${id} revocado.\n`);
      });
    });

  const auditCmd = program.command('audit').description('registro de auditoría / audit trail');
  const anchorFile = (given: string | undefined, dataDir: string): string =>
    given ?? join(dataDir, AUDIT_ANCHOR_FILE);
  auditCmd
    .command('anchor')
    .description(
      'registra la cabecera actual (secuencia y hash) en el archivo de anclas y la imprime: guárdela fuera de la base',
    )
    .option('--file <archivo>', `archivo de anclas (por defecto <VIGIA_DATA_DIR>/${AUDIT_ANCHOR_FILE})`)
    .option('--json', 'salida JSON')
    .action(async (o: { file?: string; json?: boolean }) => {
      const a = await withStore((db, config) => anchorAudit(db, anchorFile(o.file, config.dataDir)));
      if (o.json) process.stdout.write(`${JSON.stringify(a)}\n`);
      else
        process.stdout.write(
          `${a.seq}:${a.hash}\nAncla de auditoría: fila ${a.seq}, agregada a ${a.source}. Guarde una copia fuera de este servidor.\n`,
        );
    });
  auditCmd
    .command('verify')
    .description(
      'comprueba la cadena de hashes: detecta filas alteradas, borradas o agregadas fuera de Vigía, y filas finales borradas desde la última ancla',
    )
    .option(
      '--anchor <secuencia:hash>',
      'comprueba contra esta ancla (en vez de la última del archivo de anclas)',
    )
    .option('--file <archivo>', `archivo de anclas (por defecto <VIGIA_DATA_DIR>/${AUDIT_ANCHOR_FILE})`)
    .option('--json', 'salida JSON')
    .action(async (o: { anchor?: string; file?: string; json?: boolean }) => {
      const result = await withStore(async (db, config) =>
        verifyAudit(db, anchorOf(o.anchor, o.file, config.dataDir)),
      );
      printVerification(result, o.json, 'Auditoría íntegra');
    });
  auditCmd
    .command('sign')
    .description(
      'firma la cabecera con la clave actual (clave nueva o restaurada, cabecera sin firma), solo si todo lo demás verifica: cadena, cabecera y última ancla',
    )
    .option('--anchor <secuencia:hash>', 'comprueba contra esta ancla (en vez de la última del archivo)')
    .option('--file <archivo>', `archivo de anclas (por defecto <VIGIA_DATA_DIR>/${AUDIT_ANCHOR_FILE})`)
    .option('--json', 'salida JSON')
    .action(async (o: { anchor?: string; file?: string; json?: boolean }) => {
      const result = await withStore(async (db, config) =>
        signAudit(db, anchorOf(o.anchor, o.file, config.dataDir)),
      );
      printVerification(result, o.json, 'Cabecera firmada');
    });
  auditCmd
    .command('list')
    .description('muestra los registros más recientes')
    .option('-n, --limit <n>', 'cuántos', '50')
    .option('--actor <actor>', 'solo este actor')
    .option('--action <acción>', 'solo esta acción (ej. incidents.list)')
    .option('--json', 'salida JSON')
    .action(async (o: { limit: string; actor?: string; action?: string; json?: boolean }) => {
      await withStore(async (db) => {
        const rows = await queryAudit(db, {
          limit: auditLimit(o.limit),
          ...(o.actor ? { actor: o.actor } : {}),
          ...(o.action ? { action: o.action } : {}),
        });
        if (o.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
        else
          process.stdout.write(
            `${table(
              ['#', 'cuándo (UTC)', 'actor', 'rol', 'acción', 'objeto', 'desde', 'detalle'],
              rows.map((r) => [
                r.seq,
                day(r.at),
                r.actor,
                r.role ?? '—',
                r.action,
                r.target ?? '—',
                r.ip ?? '—',
                r.detail.slice(0, 60),
              ]),
            )}\n`,
          );
      });
    });
}
