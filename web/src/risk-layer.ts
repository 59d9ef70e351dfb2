/**
 * The risk grid on the map: the compact forecast (bitset mask + float32 risks) decoded into typed
 * arrays, ranked, classed by share of the area, and drawn on one canvas — no per-cell objects, so the
 * ~6,500 cells of Callao at 150 m draw in milliseconds and redraw on every pan and zoom.
 */
import L from 'leaflet';
import proj4 from 'proj4';
import { cellCorners, cellOf, type GridSpec } from '../../src/core/grid.ts';
import type { GridForecast } from './api.ts';
import { cellCentre } from './map/logic.ts';

/** Class edges as shares of the valid area: top 1 %, 5 %, 10 %, 20 %. */
export const CLASS_EDGES = [0.01, 0.05, 0.1, 0.2] as const;
export const CLASS_COLORS = [
  '#7f0000',
  '#d7301f',
  '#fc8d59',
  '#fdcc8a',
  'rgba(254, 240, 217, 0.35)',
] as const;

/** A decoded forecast. */
export interface DecodedRisk extends DecodedCells {
  forecast: GridForecast;
  /** Risk of each valid cell. */
  risk: Float32Array;
  /** Rank (1 = highest) of each valid cell. */
  rank: Uint32Array;
  /** Colour class of each valid cell (0 = top 1 %). */
  klass: Uint8Array;
  /** Valid positions of the top cells, best first. */
  top: number[];
}

export function base64Bytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Colour class of a cell from its value and its rank share (0 = hottest, CLASS_EDGES.length = rest). */
export type Classifier = (value: number, rankShare: number) => number;

/** Forecasts: by share of the area (top 1 %, 5 %, 10 %, 20 %). */
export const byRankShare: Classifier = (value, share) => {
  const k = CLASS_EDGES.findIndex((edge) => share < edge);
  return k < 0 || value <= 0 ? CLASS_EDGES.length : k;
};

/** Persistence: by share of months (≥ 75 %, ≥ 50 %, ≥ 25 %, > 0). */
export const byMonths: Classifier = (value) =>
  value >= 0.75 ? 0 : value >= 0.5 ? 1 : value >= 0.25 ? 2 : value > 0 ? 3 : 4;

/** The cells of a compact grid answer (bitset mask, one bit per cell) and their WGS84 corners. */
export interface DecodedCells {
  grid: GridSpec;
  /** Cell index of each valid cell, in cell order. */
  cells: Int32Array;
  /** Valid position of each cell, −1 outside the area. */
  position: Int32Array;
  /** lat, lng of the four corners of each valid cell. */
  corners: Float64Array;
  toProjected: (lng: number, lat: number) => [number, number];
}

/** Decodes the bitset mask of a compact grid answer and projects its valid cells (forecasts, hot spot views). */
export function decodeCells(a: { grid: unknown; mask: string; crs: { definition: string } }): DecodedCells {
  const grid = a.grid as GridSpec;
  const n = grid.rows * grid.cols;
  const bits = base64Bytes(a.mask);
  let valid = 0;
  for (let c = 0; c < n; c++) valid += ((bits[c >> 3] as number) >> (c & 7)) & 1;
  const cells = new Int32Array(valid);
  const position = new Int32Array(n).fill(-1);
  for (let c = 0, i = 0; c < n; c++)
    if ((((bits[c >> 3] as number) >> (c & 7)) & 1) === 1) {
      cells[i] = c;
      position[c] = i++;
    }
  const project = proj4(a.crs.definition, 'EPSG:4326');
  const corners = new Float64Array(valid * 8);
  for (let i = 0; i < valid; i++) {
    const cs = cellCorners(grid, cells[i] as number);
    for (let k = 0; k < 4; k++) {
      const [x, y] = cs[k] as [number, number];
      const [lng, lat] = project.forward([x, y]) as [number, number];
      corners[i * 8 + k * 2] = lat;
      corners[i * 8 + k * 2 + 1] = lng;
    }
  }
  return {
    grid,
    cells,
    position,
    corners,
    toProjected: (lng, lat) => project.inverse([lng, lat]) as [number, number],
  };
}

/** Decodes, ranks and projects a forecast (once per forecast). */
export function decodeForecast(f: GridForecast, topN = 10, classify: Classifier = byRankShare): DecodedRisk {
  const geometry = decodeCells(f);
  const riskBytes = base64Bytes(f.risk);
  const risk = new Float32Array(riskBytes.buffer, riskBytes.byteOffset, riskBytes.byteLength / 4);
  const order = Array.from({ length: risk.length }, (_, i) => i).sort(
    (a, b) => (risk[b] as number) - (risk[a] as number) || a - b,
  );
  const rank = new Uint32Array(risk.length);
  const klass = new Uint8Array(risk.length);
  order.forEach((p, r) => {
    rank[p] = r + 1;
    klass[p] = classify(risk[p] as number, r / risk.length);
  });
  return {
    ...geometry,
    forecast: f,
    risk,
    rank,
    klass,
    top: order.slice(0, topN).filter((p) => (risk[p] as number) > 0),
  };
}

/** The valid position of the cell under a map point, or −1. */
export function positionAt(d: DecodedCells, latlng: L.LatLng): number {
  const [x, y] = d.toProjected(latlng.lng, latlng.lat);
  const c = cellOf(d.grid, x, y);
  return c < 0 ? -1 : (d.position[c] as number);
}

/** Centre (lat, lng) of a valid cell. */
export function centreOf(d: Pick<DecodedCells, 'corners'>, p: number): L.LatLng {
  const c = cellCentre(d.corners, p);
  return L.latLng(c.lat, c.lng);
}

/** A box in container pixels. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A numbered priority marker placed on the map: its circle's centre and the cell centre it names. */
export interface PlacedMarker {
  n: number;
  x: number;
  y: number;
  r: number;
  cx: number;
  cy: number;
}

/** Radius of a numbered marker, px. */
export const MARKER_RADIUS = 9;

const overlaps = (a: Box, b: Box): boolean =>
  a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/**
 * Numbered markers that never cover a district label or each other. Deterministic: in rank order,
 * each marker takes the first free spot of — its cell's centre, then 8 directions (E, NE, N, NW, W,
 * SW, S, SE) at 1, 2, 3 … marker widths — that overlaps no label and no marker placed before it
 * (1 px gap). A moved marker keeps a leader line to its cell (drawn by the layer).
 * @param anchors cell centres in container pixels, best first
 * @param obstacles boxes to keep clear (the district names)
 */
export function placeMarkers(
  anchors: readonly { x: number; y: number }[],
  obstacles: readonly Box[],
  r = MARKER_RADIUS,
): PlacedMarker[] {
  const placed: PlacedMarker[] = [];
  const step = 2 * r + 2;
  const dirs = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => [
    Math.cos((k * Math.PI) / 4),
    -Math.sin((k * Math.PI) / 4),
  ]);
  const box = (x: number, y: number): Box => ({ x: x - r - 1, y: y - r - 1, w: 2 * r + 2, h: 2 * r + 2 });
  const free = (b: Box): boolean =>
    !obstacles.some((o) => overlaps(b, o)) && !placed.some((m) => overlaps(b, box(m.x, m.y)));
  const spotFor = (a: { x: number; y: number }): { x: number; y: number } => {
    if (free(box(a.x, a.y))) return a;
    let last = a;
    for (let ring = 1; ring <= 12; ring++)
      for (const [dx, dy] of dirs) {
        last = { x: a.x + (dx as number) * step * ring, y: a.y + (dy as number) * step * ring };
        if (free(box(last.x, last.y))) return last;
      }
    return last;
  };
  anchors.forEach((a, i) => {
    const spot = spotFor(a);
    placed.push({ n: i + 1, x: spot.x, y: spot.y, r, cx: a.x, cy: a.y });
  });
  return placed;
}

/** The district names' boxes in the map container's pixels (Leaflet tooltips of class district-label). */
export function labelBoxes(map: L.Map): Box[] {
  const container = map.getContainer();
  const origin = container.getBoundingClientRect();
  return [...container.querySelectorAll<HTMLElement>('.district-label')].map((el) => {
    const b = el.getBoundingClientRect();
    return { x: b.left - origin.left, y: b.top - origin.top, w: b.width, h: b.height };
  });
}

/** What the canvas layer draws: cell corners, a colour class per cell, the outlined cells. */
export type LayerData = Pick<DecodedRisk, 'corners' | 'klass' | 'top'>;

/**
 * A Leaflet layer drawing the decoded grid on one canvas, each cell in its class's colour
 * (`colors[klass]`; the risk classes unless another palette is given).
 */
export class RiskCanvasLayer extends L.Layer {
  private canvas: HTMLCanvasElement | null = null;
  private data: LayerData | null = null;
  private selected = -1;
  private readonly redraw = (): void => this.draw();

  constructor(private colors: readonly string[] = CLASS_COLORS) {
    super();
  }

  /** Another palette (one colour per class index). */
  setColors(colors: readonly string[]): void {
    this.colors = colors;
    this.draw();
  }

  setData(d: LayerData | null): void {
    this.data = d;
    this.selected = -1;
    this.draw();
  }

  /** Outlines and numbers these cells (best first) instead of the area's top cells. */
  setTop(positions: number[]): void {
    if (!this.data) return;
    this.data = { ...this.data, top: positions };
    this.draw();
  }

  select(p: number): void {
    this.selected = p;
    this.draw();
  }

  override onAdd(map: L.Map): this {
    this.canvas = L.DomUtil.create('canvas', 'risk-canvas leaflet-zoom-hide') as HTMLCanvasElement;
    this.canvas.setAttribute('aria-hidden', 'true');
    map.getPanes().overlayPane.appendChild(this.canvas);
    map.on('moveend zoomend resize viewreset', this.redraw);
    this.draw();
    return this;
  }

  override onRemove(map: L.Map): this {
    map.off('moveend zoomend resize viewreset', this.redraw);
    this.canvas?.remove();
    this.canvas = null;
    return this;
  }

  private draw(): void {
    const map = this._map as L.Map | undefined;
    const canvas = this.canvas;
    if (!map || !canvas) return;
    const size = map.getSize();
    const ratio = window.devicePixelRatio || 1;
    canvas.width = size.x * ratio;
    canvas.height = size.y * ratio;
    canvas.style.width = `${size.x}px`;
    canvas.style.height = `${size.y}px`;
    L.DomUtil.setPosition(canvas, map.containerPointToLayerPoint([0, 0]));
    const ctx = canvas.getContext('2d');
    const d = this.data;
    if (!ctx || !d) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, size.x, size.y);
    const path = (p: number): void => {
      ctx.beginPath();
      for (let k = 0; k < 4; k++) {
        const pt = map.latLngToContainerPoint([
          d.corners[p * 8 + k * 2] as number,
          d.corners[p * 8 + k * 2 + 1] as number,
        ]);
        if (k === 0) ctx.moveTo(pt.x, pt.y);
        else ctx.lineTo(pt.x, pt.y);
      }
      ctx.closePath();
    };
    // One pass per class: few fillStyle changes.
    for (let k = this.colors.length - 1; k >= 0; k--) {
      ctx.fillStyle = this.colors[k] as string;
      for (let p = 0; p < d.klass.length; p++) {
        if (d.klass[p] !== k) continue;
        path(p);
        ctx.fill();
      }
    }
    ctx.lineWidth = 2.5;
    ctx.strokeStyle = '#111';
    ctx.font = 'bold 12px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (const p of d.top) {
      path(p);
      ctx.stroke();
    }
    // The numbers clear of the district names and of each other (placeMarkers), with a leader line
    // to the cell when moved; where they went is kept on the canvas for tests and the printed map.
    const markers = placeMarkers(
      d.top.map((p) => map.latLngToContainerPoint(centreOf(d, p))),
      labelBoxes(map),
    );
    canvas.dataset.markers = JSON.stringify(markers);
    for (const m of markers) {
      if (m.x !== m.cx || m.y !== m.cy) {
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.moveTo(m.cx, m.cy);
        ctx.lineTo(m.x, m.y);
        ctx.stroke();
      }
      ctx.fillStyle = '#fff';
      ctx.beginPath();
      ctx.arc(m.x, m.y, m.r, 0, Math.PI * 2);
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.stroke();
      ctx.fillStyle = '#111';
      ctx.fillText(String(m.n), m.x, m.y + 0.5);
    }
    if (this.selected >= 0) {
      ctx.strokeStyle = '#0057b8';
      ctx.lineWidth = 3;
      path(this.selected);
      ctx.stroke();
    }
  }
}
