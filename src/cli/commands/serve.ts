/** `vigia serve`: the HTTP server, with graceful shutdown on SIGINT/SIGTERM. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { type Config, getConfig } from '../../config/env.ts';
import { createLogger } from '../../config/logger.ts';
import { buildApp } from '../../server/app.ts';
import { listUsers } from '../../services/accounts.ts';
import { AUDIT_ANCHOR_FILE, ensureAuditKey, startAutoAnchor } from '../../services/audit.ts';
import type { Db } from '../../storage/db.ts';
import { openStore } from '../../storage/store.ts';

/**
 * Serves the API on an open store until SIGINT or SIGTERM (running the background jobs too with
 * VIGIA_JOBS=inline, the default); then in-flight requests and the running job finish, the audit head is anchored, and the database closes (stopping an embedded
 * server this process started). While serving, the head is anchored every VIGIA_AUDIT_ANCHOR_MINUTES.
 */
export async function serveUntilSignal(
  db: Db,
  config: Config,
  o: { host?: string; port?: string },
): Promise<void> {
  ensureAuditKey(db);
  const app = buildApp({
    db,
    logLevel: config.logLevel,
    defaultArea: config.studyArea,
    timeZone: config.timeZone,
    uploadDir: join(config.dataDir, 'uploads'),
    http: config.http,
    tiles: config.tiles,
    staleDataDays: config.staleDataDays,
    llm: config.llm,
    lifecycle: config.lifecycle,
    jobs: config.jobs,
    schedule: true,
  });
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  const address = await app.listen({
    host: o.host ?? config.host,
    port: o.port ? Number(o.port) : config.port,
  });
  const anchors = startAutoAnchor(
    db,
    join(config.dataDir, AUDIT_ANCHOR_FILE),
    config.auditAnchorMinutes,
    app.log,
  );
  process.stderr.write(
    `Vigía escuchando en ${address} — tablero ${address}/, API ${address}/api/v1, documentación ${address}/docs, métricas ${address}/metrics — base de datos: ${db.description}\n`,
  );
  if ((await listUsers(db)).length === 0)
    process.stderr.write(
      'Aún no hay usuarios. Cree el primer administrador en otra terminal:\n  npx vigia user add admin --role admin\n',
    );
  await stopped;
  await app.close();
  await anchors.stop();
  await db.close();
  process.stderr.write('Vigía detenido.\n');
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'inicia el servidor HTTP: API con cuentas y roles, documentación en /docs, métricas en /metrics',
    )
    .option('--host <dir>', 'dirección (por defecto VIGIA_HOST)')
    .option('--port <n>', 'puerto (por defecto VIGIA_PORT)')
    .action(async (o: { host?: string; port?: string }) => {
      const config = getConfig();
      const db = await openStore(config, createLogger(config));
      await serveUntilSignal(db, config, o);
    });
}
