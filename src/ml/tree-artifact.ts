/**
 * The node arrays of a trained tree ensemble (the forest's and the boosted trees') as artifact
 * fields, and the structural checks a stored ensemble passes before it predicts: every node array
 * has its length, every root exists, every split names a known feature and points forward to nodes
 * that exist (so prediction ends) — and the walks every such ensemble makes on raw Float32 columns:
 * a row's leaf, and tree-path attribution.
 */
import { decodeTyped, encodeTyped } from '../core/base64.ts';
import { ValidationError } from '../core/errors.ts';

type NodeArray = Int32Array | Float64Array | Uint8Array;
type NodeTypes<N> = { [K in keyof N]: { new (b: ArrayBuffer): N[K]; BYTES_PER_ELEMENT: number } };

/** Node arrays → base64 fields, same keys. */
export function encodeNodes<N extends { [K in keyof N]: NodeArray }>(nodes: N): { [K in keyof N]: string } {
  return Object.fromEntries(Object.entries<NodeArray>(nodes).map(([k, a]) => [k, encodeTyped(a)])) as {
    [K in keyof N]: string;
  };
}

/**
 * Reads the node arrays of `raw` (fields `artifact.nodes.KEY`) and the roots, and checks the
 * ensemble's structure: `width(key)` is how many values each node holds in that array (default 1),
 * `minTrees` the fewest roots allowed (default 0).
 * @throws ValidationError naming the field
 */
export function decodeTrees<N extends { feature: Int32Array; left: Int32Array; right: Int32Array }>(
  raw: unknown,
  rawTreeStart: unknown,
  types: NodeTypes<N>,
  o: { nFeatures: number; width?: (key: string) => number; minTrees?: number },
): { nodes: N; treeStart: Int32Array } {
  const width = o.width ?? (() => 1);
  const fields = (raw ?? {}) as Record<string, unknown>;
  const nodes = Object.fromEntries(
    Object.entries(types).map(([k, Type]) => [
      k,
      decodeTyped(`artifact.nodes.${k}`, fields[k], Type as NodeTypes<N>[keyof N]),
    ]),
  ) as unknown as N;
  const count = nodes.feature.length;
  for (const [k, arr] of Object.entries(nodes) as [string, NodeArray][]) {
    const want = count * width(k);
    if (arr.length !== want) throw new ValidationError(`artifact.nodes.${k}`, `se esperaban ${want} valores`);
  }
  const treeStart = decodeTyped('artifact.treeStart', rawTreeStart, Int32Array);
  if (treeStart.length < (o.minTrees ?? 0)) throw new ValidationError('artifact.treeStart', 'no hay árboles');
  for (const r of treeStart)
    if (r < 0 || r >= count) throw new ValidationError('artifact.treeStart', 'raíz fuera de rango');
  for (let k = 0; k < count; k++) {
    const f = nodes.feature[k] as number;
    if (f < 0) continue;
    const [l, r] = [nodes.left[k] as number, nodes.right[k] as number];
    if (f >= o.nFeatures || l <= k || r <= k || l >= count || r >= count)
      throw new ValidationError('artifact.nodes', `nodo ${k} inválido`);
  }
  return { nodes, treeStart };
}

/** The node arrays a walk on raw values reads (both ensembles store them). */
export interface SplitNodes {
  /** Split feature, or −1 at a leaf. */
  readonly feature: Int32Array;
  /** x ≤ threshold goes left (NaN: `missingLeft`). */
  readonly threshold: Float64Array;
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
}

/** The child of split node `k` that raw value `x` goes to (NaN: the side `missingLeft` names). */
function childOf(nodes: SplitNodes, k: number, x: number): number {
  const goLeft = Number.isNaN(x) ? nodes.missingLeft[k] === 1 : x <= (nodes.threshold[k] as number);
  return goLeft ? (nodes.left[k] as number) : (nodes.right[k] as number);
}

/** The leaf that row `i` of `columns` reaches from `root`. */
export function leafOf(nodes: SplitNodes, root: number, columns: readonly Float32Array[], i: number): number {
  const { feature } = nodes;
  let k = root;
  for (let f = feature[k] as number; f >= 0; f = feature[k] as number)
    k = childOf(nodes, k, (columns[f] as Float32Array)[i] as number);
  return k;
}

/**
 * Tree-path (Saabas) attribution over every tree of an ensemble, summed (not averaged): along each
 * row's path, the change from a split node's `value` to its child's is credited to the split's
 * feature. `base` is `start` plus every root's value; `base` plus a row's contributions is the sum
 * of its leaves' values (plus `start`), exactly up to rounding. `contributions[i · F + f]`: row i of
 * n, feature f of F (`F = columns.length`).
 */
export function treePathContributions(
  nodes: SplitNodes & { readonly value: Float64Array },
  treeStart: Int32Array,
  columns: readonly Float32Array[],
  n: number,
  start = 0,
): { base: number; contributions: Float64Array } {
  const { feature, value } = nodes;
  const F = columns.length;
  let base = start;
  for (const root of treeStart) base += value[root] as number;
  const out = new Float64Array(n * F);
  for (const root of treeStart)
    for (let i = 0; i < n; i++) {
      let k = root;
      for (let f = feature[k] as number; f >= 0; f = feature[k] as number) {
        const child = childOf(nodes, k, (columns[f] as Float32Array)[i] as number);
        out[i * F + f] = (out[i * F + f] as number) + (value[child] as number) - (value[k] as number);
        k = child;
      }
    }
  return { base, contributions: out };
}
