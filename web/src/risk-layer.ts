/**
 * The risk grid on the map: the compact forecast (bitset mask + float32 risks) decoded into typed
 * arrays, ranked, classed by share of the area, and drawn on one canvas — no per-cell objects, so the
 * ~6,500 cells of Callao at 150 m draw in milliseconds and redraw on every pan and zoom.
 */
import L from 'leaflet';
import proj4 from 'proj4';
import { cellCorners, cellOf, type GridSpec } from '../../src/core/grid.ts';
import type { GridForecast } from './api.ts';

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
  let lat = 0;
  let lng = 0;
  for (let k = 0; k < 4; k++) {
    lat += d.corners[p * 8 + k * 2] as number;
    lng += d.corners[p * 8 + k * 2 + 1] as number;
  }
  return L.latLng(lat / 4, lng / 4);
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
    d.top.forEach((p, i) => {
      path(p);
      ctx.stroke();
      const c = map.latLngToContainerPoint(centreOf(d, p));
      ctx.fillStyle = '#fff';
      ctx.beginPath();
      ctx.arc(c.x, c.y, 9, 0, Math.PI * 2);
      ctx.fill();
      ctx.fillStyle = '#111';
      ctx.fillText(String(i + 1), c.x, c.y + 0.5);
    });
    if (this.selected >= 0) {
      ctx.strokeStyle = '#0057b8';
      ctx.lineWidth = 3;
      path(this.selected);
      ctx.stroke();
    }
  }
}
