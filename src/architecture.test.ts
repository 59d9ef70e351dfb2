/**
 * The architecture, enforced: every import between the folders of src/ must follow the layer rules
 * written in docs/ARCHITECTURE.md, only src/config reads process.env, and test-only packages stay
 * out of "dependencies".
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('.', import.meta.url));

/** Which top-level folders of src/ each folder may import (itself always allowed). */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  contract: ['core'],
  // The researchers' typed HTTP client (Node and browsers): the contract's answer types only.
  client: ['core', 'contract'],
  config: ['core'],
  geo: ['core'],
  ingest: ['core', 'geo'],
  synthetic: ['core', 'geo'],
  models: ['core', 'features', 'ml'],
  ml: ['core'],
  features: ['core'],
  classify: ['core', 'features', 'ml'],
  prevention: ['core'],
  analysis: ['core'],
  // Incident narratives (issue 14): redaction, Spanish tokens, classification, summaries, grounding.
  text: ['core', 'ml'],
  evaluation: ['core', 'models'],
  storage: ['core', 'geo', 'config'],
  services: [
    'core',
    'geo',
    'ingest',
    'synthetic',
    'storage',
    'config',
    'models',
    'evaluation',
    'classify',
    'features',
    'prevention',
    'analysis',
    'text',
  ],
  cli: ['core', 'config', 'services', 'storage', 'server'],
  server: ['core', 'contract', 'config', 'services', 'storage'],
  test: [
    'core',
    'contract',
    'geo',
    'ingest',
    'storage',
    'services',
    'config',
    'synthetic',
    'models',
    'evaluation',
    'features',
    'server',
    'text',
  ],
};
/** The CLI is the composition root: it may open the store and manage the embedded server, nothing else of storage. */
const CLI_STORAGE_ENTRY_POINTS = [
  'storage/store.ts',
  'storage/db.ts',
  'storage/embedded.ts',
  'storage/migrate.ts',
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

// Test support (`*.case.ts`: the conformance suite runs models through the real harness) is a test.
const files = sourceFiles(SRC).filter((f) => !f.endsWith('.test.ts') && !f.endsWith('.case.ts'));
const layerOf = (file: string): string => relative(SRC, file).split('/')[0] as string;

describe('architecture', () => {
  it('every folder of src/ has a layer rule', () => {
    const folders = new Set(files.map(layerOf).filter((l) => !l.endsWith('.ts')));
    for (const f of folders) expect(Object.keys(ALLOWED), `no rule for src/${f}`).toContain(f);
  });

  it('imports follow the layer rules', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^(?:import|export)[^'"]*from '(\.{1,2}\/[^']+)'/gm)) {
        const target = resolve(file, '..', m[1] as string);
        const to = layerOf(target);
        if (to === from) continue;
        const rel = relative(SRC, target);
        // Evaluation may use only the predictor *interface* of models, never a model.
        const evaluationReachesModel =
          from === 'evaluation' && to === 'models' && rel !== 'models/predictor.ts';
        const ok =
          !evaluationReachesModel &&
          (ALLOWED[from] ?? []).includes(to) &&
          (!['cli', 'server'].includes(from) || to !== 'storage' || CLI_STORAGE_ENTRY_POINTS.includes(rel));
        if (!ok) violations.push(`${relative(SRC, file)} → ${rel}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('only src/config reads process.env (tests and their helpers excepted)', () => {
    const readers = files
      .filter((f) => !['config', 'test'].includes(layerOf(f)))
      .filter((f) => /process\.env\b/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(readers).toEqual([]);
  });

  it('the dashboard (web/) takes only the contract and pure core and geo modules from the server code', () => {
    const WEB = join(SRC, '..', 'web', 'src');
    const shared: string[] = [];
    for (const file of sourceFiles(WEB)) {
      const text = readFileSync(file, 'utf8');
      // Static imports and re-exports, and dynamic import('…') (the development-only contract check).
      for (const m of text.matchAll(
        /^(?:import|export)[^'"]*from '(\.{1,2}\/[^']+)'|import\('(\.{1,2}\/[^']+)'\)/gm,
      )) {
        const target = resolve(file, '..', (m[1] ?? m[2]) as string);
        if (!target.startsWith(WEB)) shared.push(relative(SRC, target));
      }
    }
    const allowed = (rel: string): boolean =>
      rel.startsWith('contract/') ||
      ['core/grid.ts', 'core/models.ts', 'core/taxonomy.ts', 'core/time.ts', 'geo/polygon.ts'].includes(rel);
    expect([...new Set(shared)].filter((rel) => !allowed(rel))).toEqual([]);
    expect(shared).toContain('contract/api.ts');
    // What the browser takes from the server code must not need Node.
    const nodeBound = [...new Set(shared)].filter((rel) =>
      /from 'node:|require\(/.test(readFileSync(join(SRC, rel), 'utf8')),
    );
    expect(nodeBound).toEqual([]);
  });

  it('test-only packages are not runtime dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(SRC, '..', 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const dev of ['vitest', '@biomejs/biome', 'typescript', '@types/node'])
      expect(Object.keys(pkg.dependencies)).not.toContain(dev);
  });
});
