/** `vigia db migrate | status | stop`. */
import type { Command } from 'commander';
import { getConfig } from '../../config/env.ts';
import { dataAge, dmy, staleNotice } from '../../services/data-age.ts';
import { stopEmbedded } from '../../storage/embedded.ts';
import { listMigrations, migrate } from '../../storage/migrate.ts';
import { withStore } from '../context.ts';

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('base de datos: migraciones y servidor embebido / database');
  db.command('migrate')
    .description('aplica las migraciones pendientes (también se aplican al iniciar cualquier comando)')
    .option('--json', 'salida JSON')
    .action(async (o: { json?: boolean }) => {
      await withStore(async (store) => {
        const applied = await migrate(store);
        const all = listMigrations().map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`);
        if (o.json)
          process.stdout.write(
            `${JSON.stringify({ database: store.description, migrations: all, appliedNow: applied })}\n`,
          );
        else
          process.stdout.write(
            `Base de datos: ${store.description}\nMigraciones al día: ${all.join(', ')}\n`,
          );
      });
    });
  db.command('status')
    .description('muestra a qué base se conecta Vigía y su estado')
    .action(async () => {
      await withStore(async (store, config) => {
        const [v] = await store.query<{ version: string }>('select version()');
        process.stdout.write(`Base de datos: ${store.description}\n${v?.version ?? ''}\n`);
        // The data age of the default area (none when VIGIA_STUDY_AREA names no registered area).
        const age = await dataAge(store, config.studyArea, { staleAfterDays: config.staleDataDays }).catch(
          () => null,
        );
        if (age)
          process.stdout.write(
            `${staleNotice(age) ?? `Datos al día: la última denuncia es del ${dmy(age.newestDay ?? '')} (hace ${age.days} días)`}\n`,
          );
      });
    });
  db.command('stop')
    .description('detiene el servidor embebido si quedó en ejecución')
    .action(async () => {
      const stopped = await stopEmbedded(getConfig().dataDir);
      process.stdout.write(
        stopped ? 'Servidor embebido detenido.\n' : 'No había un servidor embebido en ejecución.\n',
      );
    });
}
