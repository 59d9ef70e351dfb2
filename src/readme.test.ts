/**
 * The README claims only what exists: every file it points at is in the repository (a fresh clone
 * has nothing beside it) and every `vigia` command it shows is registered.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './test/cli.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** Repository paths the README names: link targets and file paths in code and text. */
function namedPaths(text: string): string[] {
  const links = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
    .map((m) => m[1] as string)
    .filter((p) => !/^[a-z]+:/.test(p));
  const files = [
    ...text.matchAll(/(?:^|[\s`(])((?:\.\.?\/)*[\w.-]+\/[\w./-]*\.(?:csv|json|geojson|md|ts|sql))\b/gm),
  ]
    .map((m) => m[1] as string)
    .filter((p) => !p.startsWith('/'));
  return [...new Set([...links, ...files])];
}

describe('README', () => {
  it('points only at files that exist in the repository', () => {
    const paths = namedPaths(README);
    expect(paths).toContain('mappings/chicago.json'); // the extraction itself works
    expect(paths.filter((p) => !existsSync(join(ROOT, p)) || p.startsWith('../'))).toEqual([]);
  });

  it('shows only registered commands', async () => {
    const help = await runCli(['--help'], {});
    const registered = new Set([...help.stdout.matchAll(/^ {2}([a-z-]+)/gm)].map((m) => m[1]));
    const shown = new Set([...README.matchAll(/\bvigia ([a-z][a-z-]+)/g)].map((m) => m[1] as string));
    expect(shown.size).toBeGreaterThan(5);
    expect([...shown].filter((c) => !registered.has(c))).toEqual([]);
  });
});
