/**
 * The officials' printable indicators (issue 13): a one-page PDF (pdfmake with the bundled Roboto
 * fonts, set up by services/mission-sheet.ts) and an XLSX workbook (exceljs) of the same numbers —
 * area or districts, period, per crime type the count, the same period a year earlier, the change
 * with its 95 % interval, the rate per 1,000 inhabitants when a population is loaded, the "pocos
 * casos" flag, a small bar chart, the caveats and the population's source. Both are audited
 * (`indicators.report`) by the route.
 */
import type { Content, TableCell } from 'pdfmake';
import type { AggregateView } from '../core/access.ts';
import type { Db } from '../storage/db.ts';
import { type IndicatorRow, type Indicators, indicators } from './indicators.ts';
import { renderPdf, type TDocumentDefinitions } from './pdf.ts';
import type { FilterParams } from './queries.ts';

/** Colours of the chart's bars (the tests look for the period's colour on the rendered page). */
export const REPORT_COLOURS = { current: '#1f5f99', previous: '#a9b8c6' } as const;

const count = (n: number | null): string => (n === null ? 'reservado' : n.toLocaleString('es-PE'));
const pct = (v: number | null): string =>
  v === null
    ? '—'
    : `${v >= 0 ? '+' : '−'}${Math.abs(100 * v).toLocaleString('es-PE', { maximumFractionDigits: 0 })} %`;
const rate = (v: number | null): string =>
  v === null ? '—' : v.toLocaleString('es-PE', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "−12 % a +30 %" (the upper bound may be unbounded). */
export function intervalText(r: Pick<IndicatorRow, 'lower' | 'upper'>): string {
  if (r.lower === null) return '—';
  return `${pct(r.lower)} a ${r.upper === null ? 'sin límite' : pct(r.upper)}`;
}

/** Where the numbers are of: the districts or the whole area. */
export function placeText(ind: Indicators): string {
  return ind.districts
    ? ind.districts.map((d) => `${d.name} (${d.code})`).join(', ')
    : `${ind.areaName} (toda el área)`;
}

/** The horizontal bar chart (SVG): this period vs a year earlier per type, largest first. */
function chartSvg(rows: readonly IndicatorRow[]): string {
  const top = [...rows].sort((a, b) => (b.count ?? 0) - (a.count ?? 0)).slice(0, 8);
  const max = Math.max(1, ...top.flatMap((r) => [r.count ?? 0, r.previous ?? 0]));
  const w = 520;
  const label = 150;
  const barW = w - label - 50;
  const rowH = 20;
  const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const bars = top.map((r, i) => {
    const y = 8 + i * rowH;
    const a = ((r.count ?? 0) / max) * barW;
    const b = ((r.previous ?? 0) / max) * barW;
    return [
      `<text x="${label - 6}" y="${y + 11}" font-family="Roboto" font-size="8" text-anchor="end" fill="#000000">${esc(r.label.slice(0, 32))}</text>`,
      `<rect x="${label}" y="${y}" width="${a.toFixed(1)}" height="7" fill="${REPORT_COLOURS.current}"/>`,
      `<rect x="${label}" y="${y + 8}" width="${b.toFixed(1)}" height="7" fill="${REPORT_COLOURS.previous}"/>`,
      `<text x="${(label + a + 4).toFixed(1)}" y="${y + 7}" font-family="Roboto" font-size="7" fill="#000000">${count(r.count)}</text>`,
    ].join('');
  });
  const h = 16 + top.length * rowH;
  const legend = `<rect x="${label}" y="${h - 4}" width="8" height="6" fill="${REPORT_COLOURS.current}"/><text x="${label + 11}" y="${h + 2}" font-family="Roboto" font-size="7" fill="#000000">período</text><rect x="${label + 60}" y="${h - 4}" width="8" height="6" fill="${REPORT_COLOURS.previous}"/><text x="${label + 71}" y="${h + 2}" font-family="Roboto" font-size="7" fill="#000000">un año antes</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h + 8}" viewBox="0 0 ${w} ${h + 8}">${bars.join('')}${legend}</svg>`;
}

/** pdfmake's document of the report. */
function reportDocument(ind: Indicators, generatedAt: Date, generatedBy: string): TDocumentDefinitions {
  const head = ['Tipo de delito', 'Casos', 'Un año antes', 'Variación', 'IC 95 %', 'Tasa ‰ hab.', 'Aviso'];
  const line = (r: IndicatorRow, bold = false): TableCell[] =>
    [
      r.label,
      count(r.count),
      count(r.previous),
      pct(r.change),
      intervalText(r),
      rate(r.ratePer1000),
      r.fewCases ? 'pocos casos' : '',
    ].map((text) => ({ text, bold, fontSize: 8 }));
  const content: Content[] = [
    { text: 'Indicadores de criminalidad', style: 'title' },
    {
      text: [
        { text: 'Lugar: ', bold: true },
        placeText(ind),
        { text: '   Período: ', bold: true },
        `${ind.from} a ${ind.to} (comparado con ${ind.previous.from} a ${ind.previous.to})`,
      ],
      margin: [0, 0, 0, 4],
    },
    {
      text: [
        { text: 'Población: ', bold: true },
        ind.population
          ? `${ind.population.population.toLocaleString('es-PE')} habitantes (${ind.population.year}); fuente: ${ind.population.sources.join('; ')}`
          : 'no cargada para este año y lugar: sin tasas por 1 000 habitantes',
      ],
      margin: [0, 0, 0, 8],
    },
    {
      table: {
        headerRows: 1,
        widths: ['*', 'auto', 'auto', 'auto', 'auto', 'auto', 'auto'],
        body: [
          head.map((text) => ({ text, bold: true, fontSize: 8 })),
          ...ind.rows.map((r) => line(r)),
          line(ind.total, true),
        ],
      },
      layout: 'lightHorizontalLines',
      margin: [0, 0, 0, 8],
    },
    { svg: chartSvg(ind.rows), width: 480, margin: [0, 0, 0, 8] },
    { text: 'Notas', bold: true, margin: [0, 0, 0, 2] },
    { ul: ind.notes, fontSize: 7.5 },
  ];
  return {
    pageSize: 'A4',
    pageMargins: [36, 36, 36, 44],
    info: {
      title: `Indicadores ${ind.area} ${ind.from} a ${ind.to}`,
      author: 'Vigía',
      creator: 'Vigía',
      producer: 'Vigía (pdfmake)',
      creationDate: generatedAt,
      modDate: generatedAt,
    },
    content,
    footer: (): Content => ({
      text: `Generado por Vigía el ${generatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC para ${generatedBy}`,
      fontSize: 7,
      margin: [36, 14, 36, 0],
    }),
    defaultStyle: { font: 'Roboto', fontSize: 9 },
    styles: { title: { fontSize: 15, bold: true, margin: [0, 0, 0, 6] } },
  };
}

/** The one-page PDF. */
export function indicatorsPdf(ind: Indicators, generatedAt: Date, generatedBy: string): Promise<Buffer> {
  return renderPdf(reportDocument(ind, generatedAt, generatedBy));
}

/** Header of the XLSX's table (row 6 of "Indicadores"). */
export const XLSX_HEADER = [
  'Tipo de delito',
  'Código',
  'Casos',
  'Un año antes',
  'Variación',
  'IC 95 % inferior',
  'IC 95 % superior',
  'Tasa por 1 000 hab.',
  'Tasa un año antes',
  'Pocos casos',
] as const;

/** The XLSX workbook: sheet "Indicadores" (numbers as numbers, changes as fractions) and "Notas". */
export async function indicatorsXlsx(ind: Indicators, generatedAt: Date): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Vigía';
  wb.created = generatedAt;
  const ws = wb.addWorksheet('Indicadores');
  ws.addRow(['Indicadores de criminalidad']).font = { bold: true, size: 14 };
  ws.addRow(['Lugar', placeText(ind)]);
  ws.addRow([
    'Período',
    `${ind.from} a ${ind.to}`,
    'Comparado con',
    `${ind.previous.from} a ${ind.previous.to}`,
  ]);
  ws.addRow([
    'Población',
    ind.population ? ind.population.population : 'no cargada',
    'Año',
    ind.population?.year ?? null,
    'Fuente',
    ind.population?.sources.join('; ') ?? null,
  ]);
  ws.addRow([]);
  ws.addRow([...XLSX_HEADER]).font = { bold: true };
  for (const r of [...ind.rows, ind.total])
    ws.addRow([
      r.label,
      r.category,
      r.count,
      r.previous,
      r.change,
      r.lower,
      r.upper,
      r.ratePer1000,
      r.previousRatePer1000,
      r.fewCases ? 'sí' : 'no',
    ]);
  for (const c of [5, 6, 7]) ws.getColumn(c).numFmt = '+0%;-0%;0%';
  for (const c of [8, 9]) ws.getColumn(c).numFmt = '0.00';
  ws.getColumn(1).width = 40;
  const notes = wb.addWorksheet('Notas');
  for (const n of ind.notes) notes.addRow([n]);
  notes.getColumn(1).width = 120;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A rendered report and its file name. */
export interface IndicatorReport {
  body: Buffer;
  filename: string;
  indicators: Indicators;
}

/** Computes the indicators in the caller's view and renders them. */
export async function indicatorReport(
  db: Db,
  p: FilterParams,
  view: AggregateView,
  format: 'pdf' | 'xlsx',
  by: { generatedAt: Date; generatedBy: string },
): Promise<IndicatorReport> {
  const ind = await indicators(db, p, view);
  const body =
    format === 'pdf'
      ? await indicatorsPdf(ind, by.generatedAt, by.generatedBy)
      : await indicatorsXlsx(ind, by.generatedAt);
  const where = ind.districts ? ind.districts.map((d) => d.code).join('-') : ind.area;
  return { body, filename: `indicadores-${where}-${ind.from}-${ind.to}.${format}`, indicators: ind };
}
