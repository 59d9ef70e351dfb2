/** Exports of what is on screen: the map as PNG, the priority areas as CSV, the forecast as GeoJSON. */
import { CLASS_COLORS } from './risk-layer.ts';

export function download(name: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** RFC 4180 CSV with a BOM so that spreadsheet programs read the accents. */
export function toCsv(header: string[], rows: (string | number)[][]): Blob {
  const cell = (v: string | number): string => {
    const s = String(v);
    return /[",\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const text = [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n');
  return new Blob([`\uFEFF${text}\r\n`], { type: 'text/csv;charset=utf-8' });
}

/** What a printed map carries besides the map itself. */
export interface MapPrint {
  title: string;
  /** The filters used, one line each ("Grupo de delitos: …", "Turno: …", "Fecha: …", "Distrito: …"). */
  filters: string[];
  /** Legend entries, in the order of the layer's colour classes. */
  legend: string[];
  legendTitle: string;
  /** The priority list, one line per numbered area. */
  list: string[];
  listTitle: string;
  /** Metres per screen pixel at the map's centre (for the scale bar). */
  metresPerPixel: number;
}

/** 1, 2 or 5 × 10^k metres: the longest such length that fits in `maxPx`. */
export function scaleBar(metresPerPixel: number, maxPx = 120): { metres: number; px: number; label: string } {
  const max = metresPerPixel * maxPx;
  const pow = 10 ** Math.floor(Math.log10(max));
  const metres = [5, 2, 1].map((k) => k * pow).find((m) => m <= max) ?? pow;
  return {
    metres,
    px: metres / metresPerPixel,
    label: metres >= 1000 ? `${metres / 1000} km` : `${metres} m`,
  };
}

/**
 * A printable map (PNG): the map as it is on screen — every canvas of the map (risk grid with its
 * numbered markers, district outlines) and the district names — with a north arrow and a scale
 * bar on it, and under it the title, the filters used, the legend and the priority list.
 */
export async function mapPng(container: HTMLElement, print: MapPrint): Promise<Blob> {
  const box = container.getBoundingClientRect();
  const ratio = window.devicePixelRatio || 1;
  const line = 20;
  const footer =
    16 +
    line * (1 + print.filters.length) +
    8 +
    line * (1 + print.legend.length) +
    8 +
    line * (1 + print.list.length) +
    8;
  const out = document.createElement('canvas');
  out.width = box.width * ratio;
  out.height = (box.height + footer) * ratio;
  const ctx = out.getContext('2d') as CanvasRenderingContext2D;
  ctx.scale(ratio, ratio);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, box.width, box.height + footer);
  ctx.fillStyle = '#e5e7eb';
  ctx.fillRect(0, 0, box.width, box.height);
  for (const c of container.querySelectorAll('canvas')) {
    const r = c.getBoundingClientRect();
    ctx.drawImage(c, r.left - box.left, r.top - box.top, r.width, r.height);
  }
  ctx.font = '600 12px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (const label of container.querySelectorAll<HTMLElement>('.district-label')) {
    const r = label.getBoundingClientRect();
    ctx.lineWidth = 3;
    ctx.strokeStyle = '#ffffff';
    ctx.strokeText(label.textContent ?? '', r.left - box.left + r.width / 2, r.top - box.top + r.height / 2);
    ctx.fillStyle = '#1f2937';
    ctx.fillText(label.textContent ?? '', r.left - box.left + r.width / 2, r.top - box.top + r.height / 2);
  }
  // North arrow, top right (the map is never rotated: north is up).
  const nx = box.width - 28;
  ctx.fillStyle = 'rgba(255,255,255,0.85)';
  ctx.fillRect(nx - 16, 8, 32, 48);
  ctx.fillStyle = '#111827';
  ctx.beginPath();
  ctx.moveTo(nx, 14);
  ctx.lineTo(nx + 9, 40);
  ctx.lineTo(nx, 34);
  ctx.lineTo(nx - 9, 40);
  ctx.closePath();
  ctx.fill();
  ctx.font = '700 12px system-ui, sans-serif';
  ctx.fillText('N', nx, 49);
  // Scale bar, bottom left.
  const bar = scaleBar(print.metresPerPixel);
  const by = box.height - 18;
  ctx.fillStyle = 'rgba(255,255,255,0.85)';
  ctx.fillRect(6, by - 18, bar.px + 16, 28);
  ctx.fillStyle = '#111827';
  ctx.fillRect(14, by, bar.px, 4);
  ctx.fillRect(14, by - 4, 2, 8);
  ctx.fillRect(14 + bar.px - 2, by - 4, 2, 8);
  ctx.font = '12px system-ui, sans-serif';
  ctx.fillText(bar.label, 14 + bar.px / 2, by - 9);
  // The footer: title, filters, legend, list.
  ctx.textAlign = 'left';
  let y = box.height + 16;
  const heading = (text: string): void => {
    ctx.font = '600 14px system-ui, sans-serif';
    ctx.fillStyle = '#111827';
    ctx.fillText(text, 10, y);
    y += line;
    ctx.font = '12px system-ui, sans-serif';
  };
  heading(print.title);
  for (const f of print.filters) {
    ctx.fillText(f, 10, y);
    y += line;
  }
  y += 8;
  heading(print.legendTitle);
  print.legend.forEach((text, i) => {
    ctx.fillStyle = CLASS_COLORS[i] as string;
    ctx.fillRect(10, y - 7, 20, 14);
    ctx.strokeStyle = '#6b7280';
    ctx.lineWidth = 1;
    ctx.strokeRect(10, y - 7, 20, 14);
    ctx.fillStyle = '#111827';
    ctx.fillText(text, 38, y);
    y += line;
  });
  y += 8;
  heading(print.listTitle);
  for (const item of print.list) {
    ctx.fillText(item, 10, y);
    y += line;
  }
  return new Promise((resolve, reject) =>
    out.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG'))), 'image/png'),
  );
}
