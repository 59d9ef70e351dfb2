/** Model settings given on the command line (`--set model.option=values`). */
import { ValidationError } from '../core/errors.ts';

/** One value: `true`/`false` → boolean, `null` → null, a finite number → number, else the text. */
function parseValue(raw: string): unknown {
  const v = raw.trim();
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v === 'null') return null;
  return v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
}

/**
 * "--set pro-hotspot.bandwidth=150,300" → grids['pro-hotspot'].bandwidth = [150, 300]; values are
 * typed by {@link parseValue}, and each model's schema then checks them (naming model.option).
 */
export function parseSets(sets: readonly string[]): Record<string, Record<string, unknown[]>> {
  const grids: Record<string, Record<string, unknown[]>> = {};
  for (const s of sets) {
    const m = /^([a-z][a-z0-9-]*(?::[a-z0-9][a-z0-9-]*)?)\.([A-Za-z]+)=(.+)$/.exec(s.trim());
    if (!m)
      throw new ValidationError(
        '--set',
        `"${s}" no tiene la forma modelo.opción=v1,v2 (ej. pro-hotspot.bandwidth=150,300)`,
      );
    const [, kind, option, list] = m as unknown as [string, string, string, string];
    grids[kind] ??= {};
    (grids[kind] as Record<string, unknown[]>)[option] = list.split(',').map(parseValue);
  }
  if (Object.keys(grids).length === 0)
    throw new ValidationError('--set', 'indique al menos un --set modelo.opción=valores');
  return grids;
}
