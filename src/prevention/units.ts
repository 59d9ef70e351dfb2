/**
 * Units per sector in proportion to expected crime: the largest-remainder (Hamilton) method, so the
 * counts are integers that add up to the total. Pure and deterministic (remainder ties: lower
 * sector first). See docs/prevention.md.
 */
import { ValidationError } from '../core/errors.ts';

/**
 * Spreads `total` units over sectors in proportion to `weights` (e.g. each sector's expected crime
 * in the turno). With every weight 0 the units are spread evenly (same rule, equal weights).
 * @throws ValidationError (`units`, `weights`) for a total that is not an integer ≥ 0, no sectors,
 *   or a weight that is negative or not finite
 */
export function spreadUnits(total: number, weights: ArrayLike<number>): number[] {
  if (!Number.isInteger(total) || total < 0)
    throw new ValidationError('units', `se espera un entero ≥ 0, se recibió ${total}`);
  const n = weights.length;
  if (n === 0) throw new ValidationError('weights', 'se espera al menos un sector');
  let sum = 0;
  for (let s = 0; s < n; s++) {
    const w = weights[s] as number;
    if (!(w >= 0) || w === Infinity)
      throw new ValidationError('weights', `sector ${s}: se espera un número finito ≥ 0, hay ${w}`);
    sum += w;
  }
  const exact = Array.from({ length: n }, (_, s) =>
    sum > 0 ? (total * (weights[s] as number)) / sum : total / n,
  );
  const units = exact.map((e) => Math.floor(e));
  let left = total - units.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, s) => ({ s, rest: e - Math.floor(e) }))
    .sort((a, b) => b.rest - a.rest || a.s - b.s);
  for (const { s } of order) {
    if (left <= 0) break;
    units[s] = (units[s] as number) + 1;
    left--;
  }
  return units;
}
