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

/**
 * The map as it is on screen: every canvas of the map (risk grid, district outlines), the district
 * names, a title and the legend, composed on one canvas.
 */
export async function mapPng(container: HTMLElement, title: string, legend: string[]): Promise<Blob> {
  const box = container.getBoundingClientRect();
  const ratio = window.devicePixelRatio || 1;
  const legendHeight = 22 * (legend.length + 1) + 10;
  const out = document.createElement('canvas');
  out.width = box.width * ratio;
  out.height = (box.height + legendHeight) * ratio;
  const ctx = out.getContext('2d') as CanvasRenderingContext2D;
  ctx.scale(ratio, ratio);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, box.width, box.height + legendHeight);
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
  ctx.textAlign = 'left';
  ctx.font = '600 14px system-ui, sans-serif';
  ctx.fillStyle = '#111827';
  ctx.fillText(title, 10, box.height + 16);
  ctx.font = '12px system-ui, sans-serif';
  legend.forEach((text, i) => {
    const y = box.height + 38 + i * 22;
    ctx.fillStyle = CLASS_COLORS[i] as string;
    ctx.fillRect(10, y - 7, 20, 14);
    ctx.strokeStyle = '#6b7280';
    ctx.strokeRect(10, y - 7, 20, 14);
    ctx.fillStyle = '#111827';
    ctx.fillText(text, 38, y);
  });
  return new Promise((resolve, reject) =>
    out.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG'))), 'image/png'),
  );
}
