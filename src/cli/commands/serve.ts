/** `vigia serve`: the HTTP server, with graceful shutdown on SIGINT/SIGTERM. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { getConfig } from '../../config/env.ts';
import { createLogger } from '../../config/logger.ts';
import { buildApp } from '../../server/app.ts';
import { openStore } from '../../storage/store.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('inicia el servidor HTTP (API, documentación en /docs, métricas en /metrics)')
    .option('--host <dir>', 'dirección (por defecto VIGIA_HOST)')
    .option('--port <n>', 'puerto (por defecto VIGIA_PORT)')
    .action(async (o: { host?: string; port?: string }) => {
      const config = getConfig();
      const log = createLogger(config);
      const db = await openStore(config, log);
      const app = buildApp({
        db,
        logLevel: config.logLevel,
        defaultArea: config.studyArea,
        timeZone: config.timeZone,
        uploadDir: join(config.dataDir, 'uploads'),
        http: config.http,
      });
      const address = await app.listen({
        host: o.host ?? config.host,
        port: o.port ? Number(o.port) : config.port,
      });
      process.stderr.write(`Vigía escuchando en ${address} — base de datos: ${db.description}\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      // In-flight requests finish, then the database closes (and the embedded server stops).
      await app.close();
      await db.close();
      process.stderr.write('Vigía detenido.\n');
    });
}
