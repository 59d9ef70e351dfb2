/**
 * Options shared by several commands: the grid origin and tie rule of evaluations (`backtest`,
 * `sweep`), and one model's `--set` settings (`train`, `forecast`).
 */
import type { Command } from 'commander';
import { ValidationError } from '../core/errors.ts';
import { TIE_RULES } from '../services/backtest.ts';
import { singleSettings } from '../services/models.ts';
import { parseSets } from './settings.ts';

/** Adds `--grid-origin` and `--tie-rule` to an evaluation command. */
export function evaluationGridOptions(cmd: Command): Command {
  return cmd
    .option(
      '--grid-origin <x,y>',
      'ancla la grilla en este punto (metros en el CRS de la grilla; se ajusta a un múltiplo de la celda)',
    )
    .option('--tie-rule <regla>', `empates en el corte del top: ${TIE_RULES.join(' | ')}`, 'average');
}

/** "--grid-origin 270000,8660000" → [270000, 8660000]. @throws ValidationError naming --grid-origin */
export function parseOrigin(v: string): [number, number] {
  const raw = v.split(',').map((p) => p.trim());
  const parts = raw.map(Number);
  if (raw.length !== 2 || raw.some((p, i) => p === '' || !Number.isFinite(parts[i])))
    throw new ValidationError('--grid-origin', `"${v}" no tiene la forma x,y en metros (ej. 270000,8660000)`);
  return parts as [number, number];
}

/** The parsed `--grid-origin` / `--tie-rule` as request fields (the service checks the rule). */
export function evaluationGrid(o: { gridOrigin?: string; tieRule: string }): {
  gridOrigin?: [number, number];
  tieBreak: (typeof TIE_RULES)[number];
} {
  return {
    ...(o.gridOrigin === undefined ? {} : { gridOrigin: parseOrigin(o.gridOrigin) }),
    tieBreak: o.tieRule as (typeof TIE_RULES)[number],
  };
}

/**
 * One model's settings from `--set`: "bandwidth=150" or "stkde.bandwidth=150" (the model's own
 * name), one value each.
 * @throws ValidationError naming `--set` for settings of another model, `model.option` for bad ones
 */
export function settingsForModel(kind: string, sets: readonly string[] | undefined): Record<string, unknown> {
  if (!sets || sets.length === 0) return {};
  const named = sets.map((s) => {
    const key = s.slice(0, Math.max(0, s.indexOf('=')));
    return key.includes('.') ? s : `${kind}.${s}`;
  });
  const all = singleSettings(parseSets(named));
  for (const other of Object.keys(all))
    if (other !== kind)
      throw new ValidationError('--set', `ajustes para "${other}", pero el modelo es ${kind}`);
  return all[kind] ?? {};
}
