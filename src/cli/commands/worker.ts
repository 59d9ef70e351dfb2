/**
 * `vigia worker`: a process that only runs background jobs (the job engine's queues: uploads'
 * ingest, and the cron schedules of retraining and of the forecasts before each turno), with no
 * HTTP server. Any number of them, on any machines reaching the same database,
 * share the work; the API then runs with VIGIA_JOBS=worker and only queues.
 */
import type { Command } from 'commander';
import { getConfig } from '../../config/env.ts';
import { createLogger } from '../../config/logger.ts';
import { JobEngine } from '../../services/job-engine.ts';
import { workJobs } from '../../services/jobs.ts';
import { openStore } from '../../storage/store.ts';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'ejecuta los trabajos en segundo plano (ingesta de archivos subidos, tareas programadas) sin servidor HTTP; varios procesos comparten el trabajo',
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
      await workJobs(engine, db, log, {
        area: config.studyArea,
        timeZone: config.timeZone,
        lifecycle: config.lifecycle,
      });
      process.stderr.write(`Vigía worker listo (pid ${process.pid}) — base de datos: ${db.description}\n`);
      await stopped;
      await engine.stop();
      await db.close();
      process.stderr.write('Vigía worker detenido.\n');
    });
}
