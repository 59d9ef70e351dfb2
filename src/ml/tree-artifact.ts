/**
 * The node arrays of a trained tree ensemble (the forest's and the boosted trees') as artifact
 * fields, and the structural checks a stored ensemble passes before it predicts: every node array
 * has its length, every root exists, every split names a known feature and points forward to nodes
 * that exist (so prediction ends).
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
