/**
 * `vigia jobs list|retry ID`: the job engine's dead letters (jobs whose retries are spent) and
 * putting one back in its queue.
 */
export function registerJobsCommand(program: Command): void {
  const jobs = program.command('jobs').description('trabajos en segundo plano: los fallidos y su reintento');
  jobs
    .command('list')
    .description('lista los trabajos fallidos (reintentos agotados), más recientes primero')
    .option('--limit <n>', 'cuántos (por defecto 50)', '50')
    .option('--json', 'salida JSON')
    .action(async (o: { limit: string; json?: boolean }) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500)
        throw new ValidationError('--limit', 'debe ser un entero entre 1 y 500');
      await withStore(async (db, config) => {
        const engine = new JobEngine(db, config.jobs.engine, { supervise: false });
        await engine.start([]);
        const failed = await failedJobs(db, engine, limit);
        await engine.stop(1);
        if (o.json) {
          process.stdout.write(`${JSON.stringify(failed)}\n`);
          return;
        }
        if (failed.length === 0) {
          process.stdout.write('No hay trabajos fallidos.\n');
          return;
        }
        process.stdout.write(
          `${table(
            ['id', 'cola', 'trabajo', 'reintentos', 'falló', 'error'],
            failed.map((f) => [f.id, f.queue, f.jobId, f.retries, f.failedAt, f.error]),
          )}\n`,
        );
      });
    });
  jobs
    .command('retry <id>')
    .description('vuelve a encolar un trabajo fallido (con reintentos nuevos); auditado')
    .option('--json', 'salida JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      if (!/^[0-9a-f-]{36}$/i.test(id))
        throw new ValidationError('id', `id de trabajo inválido "${id.slice(0, 40)}"`);
      await withStore(async (db, config) => {
        const engine = new JobEngine(db, config.jobs.engine, { supervise: false });
        await engine.start([]);
        const retried = await retryFailedJob(db, engine, id, cliAuditContext());
        await engine.stop(1);
        process.stdout.write(
          o.json
            ? `${JSON.stringify({ retried })}\n`
            : `Trabajo ${retried.id} (${retried.queue}) encolado de nuevo.\n`,
        );
      });
    });
}

/**
 * `vigia worker`: a process that only runs background jobs (the job engine's queues: uploads'
 * ingest, backtests and briefings queued through the API, and the cron schedules of retraining and
 * of the forecasts before each turno, one job per study area), with no HTTP server. Any number of
 * them, on any machines reaching the same database, share the work; the API then runs with
 * VIGIA_JOBS=worker and only queues.
 */
import type { Command } from 'commander';
import { getConfig } from '../../config/env.ts';
import { createLogger } from '../../config/logger.ts';
import { ValidationError } from '../../core/errors.ts';
import { JobEngine } from '../../services/job-engine.ts';
import { failedJobs, retryFailedJob, workJobs } from '../../services/jobs.ts';
import { openStore } from '../../storage/store.ts';
import { withStore } from '../context.ts';
import { table } from '../output.ts';
import { cliAuditContext } from '../secret.ts';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'ejecuta los trabajos en segundo plano (ingesta de archivos subidos, backtests e informes encolados, tareas programadas por área) sin servidor HTTP; varios procesos comparten el trabajo',
    )
    .action(async () => {
      const config = getConfig();
      const log = createLogger(config);
      const db = await openStore(config, log);
      const engine = new JobEngine(db, config.jobs.engine, { schedule: true });
      const stopped = new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await workJobs(engine, db, log, { timeZone: config.timeZone, lifecycle: config.lifecycle }, config.llm);
      process.stderr.write(`Vigía worker listo (pid ${process.pid}) — base de datos: ${db.description}\n`);
      await stopped;
      await engine.stop();
      await db.close();
      process.stderr.write('Vigía worker detenido.\n');
    });
}
