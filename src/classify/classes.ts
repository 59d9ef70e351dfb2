/**
 * The classes of a crime-type classifier: the source labels with enough training examples, each its
 * own class, the rest grouped as "otros". Chosen on the training rows only.
 */
import { ValidationError } from '../core/errors.ts';

/** Name of the class that groups rare labels (and a source's own "otros"). */
export const OTHER_CLASS = 'otros';

/** Classes and the class of every source label. */
export interface ClassSet {
  /** Class names: frequent labels by training frequency (descending), then "otros" when used. */
  names: string[];
  /** Class index of each source label (index into the source's label list). */
  ofLabel: Int32Array;
}

/**
 * Chooses the classes on the training rows.
 * @param labels Label index of every training row.
 * @param labelNames The source's labels.
 * @param minCount Fewest training rows a label needs to be its own class.
 * @throws ValidationError when fewer than two classes remain
 */
export function chooseClasses(
  labels: ArrayLike<number>,
  labelNames: readonly string[],
  minCount: number,
): ClassSet {
  if (!Number.isInteger(minCount) || minCount < 1)
    throw new ValidationError('minCount', 'debe ser un entero ≥ 1');
  const counts = new Float64Array(labelNames.length);
  for (let i = 0; i < labels.length; i++)
    counts[labels[i] as number] = (counts[labels[i] as number] as number) + 1;
  const frequent = labelNames
    .map((name, i) => ({ name, i, n: counts[i] as number }))
    .filter((l) => l.n >= minCount && l.name.toLowerCase() !== OTHER_CLASS)
    .sort((a, b) => b.n - a.n || a.name.localeCompare(b.name));
  const names = frequent.map((l) => l.name);
  const ofLabel = new Int32Array(labelNames.length).fill(names.length);
  frequent.forEach((l, c) => {
    ofLabel[l.i] = c;
  });
  // Labels too rare in training, and labels only the test period has, go to "otros".
  if (frequent.length < labelNames.length) names.push(OTHER_CLASS);
  if (names.length < 2)
    throw new ValidationError(
      'clases',
      `con al menos ${minCount} casos por tipo queda ${names.length} clase: amplíe el periodo de entrenamiento o baje el mínimo`,
    );
  return { names, ofLabel };
}

/**
 * The class prior of training labels 0 … k − 1: the class-prior baseline. Laplace-smoothed (+1 per
 * class, negligible beside the training counts) so that no class gets probability 0.
 */
export function priorOf(y: ArrayLike<number>, k: number): Float64Array {
  const prior = new Float64Array(k).fill(1);
  for (let i = 0; i < y.length; i++) prior[y[i] as number] = (prior[y[i] as number] as number) + 1;
  return prior.map((v) => v / (y.length + k));
}
