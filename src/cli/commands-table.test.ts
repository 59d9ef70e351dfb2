/**
 * The CLI loads only the invoked command's module (commands-table.ts): the table must name every
 * command module and exactly the commands each one registers, or a command would vanish.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_MODULES, COMMAND_PARTS, registerCommands, registersOf } from './commands-table.ts';

const DIR = fileURLToPath(new URL('./commands/', import.meta.url));
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => f.slice(0, -3));
const modules = files.filter((f) => !COMMAND_PARTS.includes(f)).sort();

describe('the CLI command table', () => {
  it('names every command module, and each module registers exactly the commands the table gives it', async () => {
    expect([...new Set(Object.values(COMMAND_MODULES))].sort()).toEqual(modules);
    for (const file of modules) {
      const program = new Command('vigia');
      for (const register of await registersOf(file)) register(program);
      const declared = Object.entries(COMMAND_MODULES)
        .filter(([, f]) => f === file)
        .map(([name]) => name)
        .sort();
      expect({ file, commands: program.commands.map((c) => c.name()).sort() }).toEqual({
        file,
        commands: declared,
      });
    }
  });

  it('registers only the invoked command’s module, and every module for help or an unknown command', async () => {
    const one = new Command('vigia');
    await registerCommands(one, 'token');
    expect(one.commands.map((c) => c.name())).toEqual(['user', 'token', 'audit']);
    const all = new Command('vigia');
    await registerCommands(all, 'no-such-command');
    expect(all.commands.map((c) => c.name()).sort()).toEqual(Object.keys(COMMAND_MODULES).sort());
  });
});
