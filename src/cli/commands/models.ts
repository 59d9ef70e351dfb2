/** `vigia models` and `vigia models show NAME`: the registered models and every setting of one. */
import type { Command } from 'commander';
import { listModels, modelSettings } from '../../services/models.ts';
import { table } from '../output.ts';

/** A default as `--set` would take it (null, true, numbers, text). */
const shown = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

export function registerModelsCommands(program: Command): void {
  const models = program
    .command('models')
    .description('lista los modelos de pronóstico (nombre, tipo, descripción)')
    .option('--json', 'salida JSON')
    .action((o: { json?: boolean }) => {
      const all = listModels();
      if (o.json) {
        process.stdout.write(`${JSON.stringify(all)}\n`);
        return;
      }
      process.stdout.write(
        `${table(
          ['modelo', 'tipo', 'descripción'],
          all.map((m) => [m.name, m.kind === 'baseline' ? 'referencia' : 'modelo', m.description]),
        )}\n\nAjustes de un modelo: vigia models show NOMBRE\n`,
      );
    });
  models
    .command('show <nombre>')
    .description('todos los ajustes de un modelo: tipo, valores permitidos, unidad, defecto y descripción')
    .option('--json', 'salida JSON')
    .action((name: string, _o: unknown, cmd: Command) => {
      const settings = modelSettings(name);
      // `--json` after `show` may be taken by `models` itself: read both levels.
      if (cmd.optsWithGlobals<{ json?: boolean }>().json) {
        process.stdout.write(`${JSON.stringify(settings)}\n`);
        return;
      }
      const summary = listModels().find((m) => m.name === name);
      const first = settings[0];
      if (!first) {
        process.stdout.write(`${name}: ${summary?.description ?? ''}\n\nEste modelo no tiene ajustes.\n`);
        return;
      }
      process.stdout.write(
        `${name}: ${summary?.description ?? ''}\n\n${table(
          ['ajuste', 'tipo', 'permitido', 'unidad', 'defecto', 'descripción'],
          settings.map((s) => [s.name, s.type, s.allowed, s.unit, shown(s.default), s.description]),
        )}\n\nEj.: vigia backtest --set ${name}.${first.name}=${shown(first.default)}\n`,
      );
    });
}
