/**
 * Which module under commands/ declares each top-level command. The CLI loads only the module of the
 * command it runs (startup time: the whole service graph and the HTTP server take seconds to load on
 * a small machine, and every CLI call pays it); help and unknown commands load them all.
 * src/cli/commands-table.test.ts checks this table against what the modules really register.
 */
import type { Command } from 'commander';

/** Command name → module file under commands/ (without .ts), in the order help lists them. */
export const COMMAND_MODULES: Readonly<Record<string, string>> = {
  start: 'start',
  ingest: 'ingest',
  batches: 'ingest',
  rejects: 'ingest',
  incidents: 'query',
  stats: 'query',
  'demo-data': 'demo-data',
  forecast: 'forecast',
  backtest: 'backtest',
  'backtest-plans': 'backtest-plans',
  sweep: 'sweep',
  train: 'train',
  plan: 'plan',
  hotspots: 'hotspots',
  disparity: 'patrol-accountability',
  scenario: 'patrol-accountability',
  'patrol-effect': 'patrol-accountability',
  population: 'population',
  briefing: 'briefing',
  bulletin: 'briefing',
  summarize: 'summarize',
  classify: 'classify',
  narratives: 'narratives',
  models: 'models',
  area: 'area',
  db: 'db',
  serve: 'serve',
  worker: 'worker',
  jobs: 'worker',
  user: 'accounts',
  token: 'accounts',
  audit: 'accounts',
};

/** Modules under commands/ that add subcommands to another module's command (not in the table). */
export const COMMAND_PARTS: readonly string[] = ['model-lifecycle'];

type Register = (program: Command) => void;

/** The register functions a command module exports (by convention, every `register…` export). */
export async function registersOf(file: string): Promise<Register[]> {
  const mod = (await import(`./commands/${file}.ts`)) as Record<string, unknown>;
  return Object.entries(mod)
    .filter(([name, value]) => name.startsWith('register') && typeof value === 'function')
    .map(([, value]) => value as Register);
}

/**
 * Registers on `program` the module of `command` when it is known, otherwise every module (help,
 * a mistyped command: commander then lists them all).
 */
export async function registerCommands(program: Command, command: string | undefined): Promise<void> {
  const file = command === undefined ? undefined : COMMAND_MODULES[command];
  const files = file ? [file] : [...new Set(Object.values(COMMAND_MODULES))];
  for (const f of files) for (const register of await registersOf(f)) register(program);
}
