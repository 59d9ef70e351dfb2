/**
 * Location clusters of past events as per-cell features: seeded k-means (k-means++ start, a fixed
 * number of Lloyd iterations) or DBSCAN over the events' projected coordinates, then per grid cell
 * the distance to the nearest cluster centre, that cluster's size and density, and a kernel density
 * of all cluster centres weighted by size.
 *
 * No look-ahead is the caller's duty: pass only events known before the earliest window the
 * block is used for (e.g. `knownBefore(events, firstWindowStart)`); the block does not change from
 * window to window.
 */
import { ValidationError } from '../core/errors.ts';
import type { EventSet } from '../core/events.ts';
import { cellCenter, cellCount, type GridSpec } from '../core/grid.ts';
import { mulberry32 } from '../core/random.ts';
import { bucketIndex } from './buckets.ts';
import type { CellFeatureBlock, FeatureColumnSpec } from './matrix.ts';

/** Options of {@link clusterBlock}. */
export interface ClusterOptions {
  /** 'kmeans' (default) or 'dbscan'. */
  readonly method?: 'kmeans' | 'dbscan';
  /** k-means: the most clusters (default 50); fewer when there are few events, see `minClusterEvents`. */
  readonly k?: number;
  /** k-means: at most one cluster per this many events (default 10), so k = min(k, ⌊n / 10⌋, ≥ 1). */
  readonly minClusterEvents?: number;
  /** k-means: Lloyd iterations (default 25; it stops earlier once no event changes cluster). */
  readonly iterations?: number;
  /** k-means: seed of the k-means++ start (default 1). */
  readonly seed?: number;
  /** DBSCAN: neighbourhood radius, metres (default 200). */
  readonly epsMeters?: number;
  /** DBSCAN: events within eps (itself included) that make a core event (default 10). */
  readonly minPoints?: number;
  /** Spread below this is raised to it in the density, metres (default 50): a cluster of one point is not infinitely dense. */
  readonly minSpreadMeters?: number;
  /** Gaussian bandwidth of the kernel density column, metres (default 500). */
  readonly bandwidthMeters?: number;
  /** Column name prefix (default "cluster"), e.g. "cluster.property" for clusters of one group. */
  readonly prefix?: string;
}

/** Clusters found: centres, sizes (events) and spreads (root-mean-square distance to the centre, m). */
export interface Clusters {
  readonly cx: Float64Array;
  readonly cy: Float64Array;
  readonly size: Float64Array;
  readonly spread: Float64Array;
}

const DEFAULTS = {
  method: 'kmeans',
  k: 50,
  minClusterEvents: 10,
  iterations: 25,
  seed: 1,
  epsMeters: 200,
  minPoints: 10,
  minSpreadMeters: 50,
  bandwidthMeters: 500,
  prefix: 'cluster',
} as const;

function positive(name: string, v: number, integer: boolean): number {
  if (!(Number.isFinite(v) && v > 0 && (!integer || Number.isInteger(v))))
    throw new ValidationError(
      name,
      `debe ser un número ${integer ? 'entero ' : ''}mayor que 0 (se recibió ${String(v)})`,
    );
  return v;
}

/**
 * Per-cell cluster columns (`<prefix>.distance`, `.size`, `.density`, `.kernel`) from past events.
 * Empty `events` give NaN (missing) columns. Deterministic: the same input gives the same bytes.
 * @throws ValidationError for a bad option
 */
export function clusterBlock(
  events: EventSet,
  grid: GridSpec,
  options: ClusterOptions = {},
): CellFeatureBlock {
  const o = { ...DEFAULTS, ...options };
  if (o.method !== 'kmeans' && o.method !== 'dbscan')
    throw new ValidationError(
      'method',
      `método de agrupamiento desconocido "${String(o.method)}" (use kmeans o dbscan)`,
    );
  positive('minSpreadMeters', o.minSpreadMeters, false);
  positive('bandwidthMeters', o.bandwidthMeters, false);
  const clusters =
    o.method === 'kmeans'
      ? kMeans(events.x, events.y, {
          k: positive('k', o.k, true),
          minClusterEvents: positive('minClusterEvents', o.minClusterEvents, true),
          iterations: positive('iterations', o.iterations, true),
          seed: o.seed,
        })
      : dbscan(
          events.x,
          events.y,
          positive('epsMeters', o.epsMeters, false),
          positive('minPoints', o.minPoints, true),
        );
  return cellColumns(clusters, grid, o.minSpreadMeters, o.bandwidthMeters, o.prefix);
}

function columnSpecs(prefix: string, minSpread: number, bandwidth: number): FeatureColumnSpec[] {
  return [
    {
      name: `${prefix}.distance`,
      kind: 'cluster',
      unit: 'm',
      description: 'distance from the cell centre to the nearest cluster centre of past events',
    },
    { name: `${prefix}.size`, kind: 'cluster', unit: 'events', description: 'events in the nearest cluster' },
    {
      name: `${prefix}.density`,
      kind: 'cluster',
      unit: 'events per km²',
      description: `size of the nearest cluster / (π · spread²), spread = RMS distance of its events to its centre (at least ${minSpread} m)`,
    },
    {
      name: `${prefix}.kernel`,
      kind: 'cluster',
      unit: 'events per km²',
      description: `Gaussian kernel density (bandwidth ${bandwidth} m) at the cell centre of the cluster centres weighted by size`,
    },
  ];
}

/** The four columns over every grid cell (NaN everywhere when there is no cluster). */
function cellColumns(
  cl: Clusters,
  grid: GridSpec,
  minSpread: number,
  bandwidth: number,
  prefix: string,
): CellFeatureBlock {
  const n = cellCount(grid);
  const distance = new Float32Array(n);
  const size = new Float32Array(n);
  const density = new Float32Array(n);
  const kernel = new Float32Array(n);
  const K = cl.cx.length;
  const clusterDensity = new Float64Array(K);
  for (let j = 0; j < K; j++) {
    const r = Math.max(cl.spread[j] as number, minSpread) / 1000;
    clusterDensity[j] = (cl.size[j] as number) / (Math.PI * r * r);
  }
  const inv2h2 = 1 / (2 * bandwidth * bandwidth);
  const norm = 1e6 / (2 * Math.PI * bandwidth * bandwidth); // per m² → per km²
  const at = new Float64Array(2);
  for (let c = 0; c < n; c++) {
    if (K === 0) {
      distance[c] = size[c] = density[c] = kernel[c] = Number.NaN;
      continue;
    }
    cellCenter(grid, c, at);
    const x = at[0] as number;
    const y = at[1] as number;
    let best = Infinity;
    let bj = 0;
    let kd = 0;
    for (let j = 0; j < K; j++) {
      const dx = (cl.cx[j] as number) - x;
      const dy = (cl.cy[j] as number) - y;
      const d2 = dx * dx + dy * dy;
      if (d2 < best) {
        best = d2;
        bj = j;
      }
      kd += (cl.size[j] as number) * Math.exp(-d2 * inv2h2);
    }
    distance[c] = Math.sqrt(best);
    size[c] = cl.size[bj] as number;
    density[c] = clusterDensity[bj] as number;
    kernel[c] = kd * norm;
  }
  return { columns: columnSpecs(prefix, minSpread, bandwidth), values: [distance, size, density, kernel] };
}

/** Centres, sizes and spreads of the clusters given each point's cluster (−1 = none). */
function summarise(x: ArrayLike<number>, y: ArrayLike<number>, assign: Int32Array, K: number): Clusters {
  const sx = new Float64Array(K);
  const sy = new Float64Array(K);
  const size = new Float64Array(K);
  for (let i = 0; i < assign.length; i++) {
    const j = assign[i] as number;
    if (j < 0) continue;
    sx[j] = (sx[j] as number) + (x[i] as number);
    sy[j] = (sy[j] as number) + (y[i] as number);
    size[j] = (size[j] as number) + 1;
  }
  for (let j = 0; j < K; j++) {
    sx[j] = (sx[j] as number) / (size[j] as number);
    sy[j] = (sy[j] as number) / (size[j] as number);
  }
  const ss = new Float64Array(K);
  for (let i = 0; i < assign.length; i++) {
    const j = assign[i] as number;
    if (j < 0) continue;
    const dx = (x[i] as number) - (sx[j] as number);
    const dy = (y[i] as number) - (sy[j] as number);
    ss[j] = (ss[j] as number) + dx * dx + dy * dy;
  }
  const spread = ss.map((s, j) => Math.sqrt(s / (size[j] as number)));
  return { cx: sx, cy: sy, size, spread };
}

/**
 * Seeded k-means: k-means++ start (each next centre drawn with probability ∝ squared distance to
 * the nearest chosen one; it stops early when every point sits on a centre), then Lloyd iterations.
 * Clusters left empty are dropped.
 */
export function kMeans(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  o: { k: number; minClusterEvents: number; iterations: number; seed: number },
): Clusters {
  const n = x.length;
  const k = Math.min(o.k, Math.max(1, Math.floor(n / o.minClusterEvents)), n);
  if (n === 0) return summarise(x, y, new Int32Array(0), 0);
  const rand = mulberry32(o.seed);
  const cx = new Float64Array(k);
  const cy = new Float64Array(k);
  const d2 = new Float64Array(n).fill(Infinity);
  let K = 0;
  let pick = Math.min(n - 1, Math.floor(rand() * n));
  for (;;) {
    cx[K] = x[pick] as number;
    cy[K] = y[pick] as number;
    K++;
    if (K === k) break;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const dx = (x[i] as number) - (cx[K - 1] as number);
      const dy = (y[i] as number) - (cy[K - 1] as number);
      const d = dx * dx + dy * dy;
      if (d < (d2[i] as number)) d2[i] = d;
      total += d2[i] as number;
    }
    if (!(total > 0)) break; // every point is on a centre
    let r = rand() * total;
    pick = -1;
    for (let i = 0; i < n; i++) {
      r -= d2[i] as number;
      if (r < 0 && (d2[i] as number) > 0) {
        pick = i;
        break;
      }
    }
    if (pick < 0) for (let i = n - 1; i >= 0 && pick < 0; i--) if ((d2[i] as number) > 0) pick = i; // rounding
  }
  const assign = new Int32Array(n).fill(-1);
  const sx = new Float64Array(K);
  const sy = new Float64Array(K);
  const cnt = new Float64Array(K);
  for (let it = 0; it < o.iterations; it++) {
    let moved = 0;
    for (let i = 0; i < n; i++) {
      const px = x[i] as number;
      const py = y[i] as number;
      let best = Infinity;
      let bj = 0;
      for (let j = 0; j < K; j++) {
        const dx = px - (cx[j] as number);
        const dy = py - (cy[j] as number);
        const d = dx * dx + dy * dy;
        if (d < best) {
          best = d;
          bj = j;
        }
      }
      if (assign[i] !== bj) {
        assign[i] = bj;
        moved++;
      }
    }
    if (moved === 0) break;
    sx.fill(0);
    sy.fill(0);
    cnt.fill(0);
    for (let i = 0; i < n; i++) {
      const j = assign[i] as number;
      sx[j] = (sx[j] as number) + (x[i] as number);
      sy[j] = (sy[j] as number) + (y[i] as number);
      cnt[j] = (cnt[j] as number) + 1;
    }
    for (let j = 0; j < K; j++)
      if ((cnt[j] as number) > 0) {
        cx[j] = (sx[j] as number) / (cnt[j] as number);
        cy[j] = (sy[j] as number) / (cnt[j] as number);
      }
  }
  return compact(x, y, assign, K);
}

/** Renumbers clusters to drop empty ones, then summarises. */
function compact(x: ArrayLike<number>, y: ArrayLike<number>, assign: Int32Array, K: number): Clusters {
  const used = new Int32Array(K).fill(-1);
  for (let i = 0; i < assign.length; i++) {
    const j = assign[i] as number;
    if (j >= 0) used[j] = 1;
  }
  let m = 0;
  for (let j = 0; j < K; j++) if (used[j] === 1) used[j] = m++;
  const out = assign.map((j) => (j < 0 ? -1 : (used[j] as number)));
  return summarise(x, y, out, m);
}

/**
 * DBSCAN with a bucket index of side eps (each neighbourhood query looks at 3 × 3 buckets). Points
 * are visited in input order, so the result is deterministic; noise belongs to no cluster.
 */
export function dbscan(x: ArrayLike<number>, y: ArrayLike<number>, eps: number, minPoints: number): Clusters {
  const n = x.length;
  if (n === 0) return summarise(x, y, new Int32Array(0), 0);
  const index = bucketIndex(x, y, eps);
  const eps2 = eps * eps;
  const assign = new Int32Array(n).fill(-2); // −2 unvisited, −1 noise
  const neighbours: number[] = [];
  const queue = new Int32Array(n);
  const region = (i: number): void => {
    neighbours.length = 0;
    index.near(x[i] as number, y[i] as number, eps, (p) => {
      const dx = (x[p] as number) - (x[i] as number);
      const dy = (y[p] as number) - (y[i] as number);
      if (dx * dx + dy * dy <= eps2) neighbours.push(p);
    });
  };
  let K = 0;
  for (let i = 0; i < n; i++) {
    if (assign[i] !== -2) continue;
    region(i);
    if (neighbours.length < minPoints) {
      assign[i] = -1;
      continue;
    }
    const c = K++;
    assign[i] = c;
    let head = 0;
    let tail = 0;
    // A point is queued once (marked with its cluster when queued); noise found again becomes border.
    const grow = (): void => {
      for (const q of neighbours)
        if (assign[q] === -2) {
          assign[q] = c;
          queue[tail++] = q;
        } else if (assign[q] === -1) assign[q] = c;
    };
    grow();
    while (head < tail) {
      region(queue[head++] as number);
      if (neighbours.length >= minPoints) grow();
    }
  }
  return compact(
    x,
    y,
    assign.map((j) => (j < 0 ? -1 : j)),
    K,
  );
}
