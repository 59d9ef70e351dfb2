/**
 * A square-bucket index over points in projected metres (counting sort into flat typed arrays, no
 * per-point objects): range visits and nearest-point queries in time proportional to the points
 * near the query, not to all points. Used by the cluster and environment features.
 */

/** Points sorted into square buckets. */
export interface BucketIndex {
  /** Visits every point of the buckets that touch the square of half-side `r` around (qx, qy) (a superset of the disc). */
  near(qx: number, qy: number, r: number, visit: (i: number) => void): void;
  /** Squared distance from (qx, qy) to the nearest point; Infinity when there is none. */
  nearest2(qx: number, qy: number): number;
}

/** A bucket index of side `side` metres over the points' bounding box (at most about 2048 × 2048 buckets). */
export function bucketIndex(x: ArrayLike<number>, y: ArrayLike<number>, side: number): BucketIndex {
  const n = x.length;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, x[i] as number);
    maxX = Math.max(maxX, x[i] as number);
    minY = Math.min(minY, y[i] as number);
    maxY = Math.max(maxY, y[i] as number);
  }
  const s = Math.max(side, (maxX - minX) / 2048, (maxY - minY) / 2048, 1e-6);
  const cols = n === 0 ? 0 : Math.floor((maxX - minX) / s) + 1;
  const rows = n === 0 ? 0 : Math.floor((maxY - minY) / s) + 1;
  const start = new Int32Array(cols * rows + 1);
  const bucket = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const b = Math.floor(((y[i] as number) - minY) / s) * cols + Math.floor(((x[i] as number) - minX) / s);
    bucket[i] = b;
    start[b + 1] = (start[b + 1] as number) + 1;
  }
  for (let b = 0; b < cols * rows; b++) start[b + 1] = (start[b + 1] as number) + (start[b] as number);
  const fill = start.slice(0, cols * rows);
  const items = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const b = bucket[i] as number;
    items[fill[b] as number] = i;
    fill[b] = (fill[b] as number) + 1;
  }
  return {
    near(qx, qy, r, visit) {
      const c0 = Math.max(0, Math.floor((qx - r - minX) / s));
      const c1 = Math.min(cols - 1, Math.floor((qx + r - minX) / s));
      const r0 = Math.max(0, Math.floor((qy - r - minY) / s));
      const r1 = Math.min(rows - 1, Math.floor((qy + r - minY) / s));
      for (let row = r0; row <= r1; row++)
        for (let col = c0; col <= c1; col++) {
          const b = row * cols + col;
          for (let k = start[b] as number; k < (start[b + 1] as number); k++) visit(items[k] as number);
        }
    },
    nearest2(qx, qy) {
      if (n === 0) return Infinity;
      // Rings of buckets around the query's (possibly virtual) bucket: after ring r, every point
      // not yet seen is at least r · s away, so the search stops once the best is that close.
      const qc = Math.floor((qx - minX) / s);
      const qr = Math.floor((qy - minY) / s);
      const gap = Math.max(0, -qc, qc - (cols - 1), -qr, qr - (rows - 1));
      const last = Math.max(qc, cols - 1 - qc, qr, rows - 1 - qr);
      let best = Infinity;
      const scan = (row: number, col: number): void => {
        if (row < 0 || row >= rows || col < 0 || col >= cols) return;
        const b = row * cols + col;
        for (let k = start[b] as number; k < (start[b + 1] as number); k++) {
          const i = items[k] as number;
          const dx = (x[i] as number) - qx;
          const dy = (y[i] as number) - qy;
          const d = dx * dx + dy * dy;
          if (d < best) best = d;
        }
      };
      for (let r = gap; r <= last; r++) {
        if (r === 0) scan(qr, qc);
        else {
          for (let col = qc - r; col <= qc + r; col++) {
            scan(qr - r, col);
            scan(qr + r, col);
          }
          for (let row = qr - r + 1; row <= qr + r - 1; row++) {
            scan(row, qc - r);
            scan(row, qc + r);
          }
        }
        const reach = r * s;
        if (best <= reach * reach) break;
      }
      return best;
    },
  };
}
