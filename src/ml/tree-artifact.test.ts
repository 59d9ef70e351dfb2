import { describe, expect, it } from 'vitest';
import { encodeTyped } from '../core/base64.ts';
import { decodeTrees, encodeNodes, leafOf, treePathContributions } from './tree-artifact.ts';

// One tree: node 0 splits on feature 1 into leaves 1 and 2 (two values per node).
const nodes = {
  feature: Int32Array.from([1, -1, -1]),
  left: Int32Array.from([1, -1, -1]),
  right: Int32Array.from([2, -1, -1]),
  value: Float64Array.from([0, 0, 0.25, 0.75, 0.6, 0.4]),
};
const types = { feature: Int32Array, left: Int32Array, right: Int32Array, value: Float64Array };
const roots = encodeTyped(Int32Array.from([0]));
const opts = { nFeatures: 2, width: (k: string) => (k === 'value' ? 2 : 1), minTrees: 1 };

describe('tree ensemble artifacts', () => {
  it('round-trips node arrays exactly', () => {
    const back = decodeTrees(JSON.parse(JSON.stringify(encodeNodes(nodes))), roots, types, opts);
    expect(back.nodes).toEqual(nodes);
    expect(Array.from(back.treeStart)).toEqual([0]);
  });

  it('refuses broken structures, naming the field', () => {
    const enc = encodeNodes(nodes);
    const bad =
      (raw: object, r = roots, o = opts) =>
      () =>
        decodeTrees(raw, r, types, o);
    // A split pointing backwards (a cycle), an unknown feature, a short value array, a missing array.
    expect(bad({ ...enc, left: encodeTyped(Int32Array.from([0, -1, -1])) })).toThrow(
      /artifact\.nodes: nodo 0/,
    );
    expect(bad(enc, roots, { ...opts, nFeatures: 1 })).toThrow(/nodo 0 inválido/);
    expect(bad({ ...enc, value: encodeTyped(Float64Array.from([0, 0, 1])) })).toThrow(
      /artifact\.nodes\.value/,
    );
    expect(bad({ ...enc, right: undefined })).toThrow(/artifact\.nodes\.right/);
    expect(bad(enc, encodeTyped(Int32Array.from([3])))).toThrow(/raíz fuera de rango/);
    expect(bad(enc, encodeTyped(new Int32Array(0)))).toThrow(/no hay árboles/);
    expect(
      decodeTrees(enc, encodeTyped(new Int32Array(0)), types, { ...opts, minTrees: 0 }).treeStart.length,
    ).toBe(0);
  });

  it('walks raw values to a leaf (NaN goes the missing side) and credits each step of the path to its feature', () => {
    // Two trees. Tree 0: node 0 splits feature 0 at 1 (NaN left) into leaf 1 and node 2, which
    // splits feature 1 at 5 (NaN right) into leaves 3 and 4. Tree 1 (root 5) is a single leaf.
    const walk = {
      feature: Int32Array.from([0, -1, 1, -1, -1, -1]),
      threshold: Float64Array.from([1, 0, 5, 0, 0, 0]),
      missingLeft: Uint8Array.from([1, 0, 0, 0, 0, 0]),
      left: Int32Array.from([1, -1, 3, -1, -1, -1]),
      right: Int32Array.from([2, -1, 4, -1, -1, -1]),
      value: Float64Array.from([10, 4, 12, 11, 15, 2]),
    };
    const columns = [Float32Array.from([0.5, 3, 3, Number.NaN]), Float32Array.from([9, 4, Number.NaN, 0])];
    expect([0, 1, 2, 3].map((i) => leafOf(walk, 0, columns, i))).toEqual([1, 3, 4, 1]);
    const { base, contributions } = treePathContributions(walk, Int32Array.from([0, 5]), columns, 4, 100);
    expect(base).toBe(112);
    expect(Array.from(contributions)).toEqual([-6, 0, 2, -1, 2, 3, -6, 0]);
  });
});
