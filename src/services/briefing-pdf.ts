/**
 * The CODISEC briefing as a Spanish A4 PDF (issue 14, item 6): title with the district and the
 * period, the text (marked "BORRADOR — sin aprobar" unless approved), the trends per crime group,
 * what changed, a vector map of the forecast's hotspots (services/pdf-map.ts: district outline,
 * scale bar, north arrow), the persistent zones and emerging hot spots, the patrol coverage, the
 * caveats, the statistics the text cites (`[E3]`) and the sources. pdfmake through services/pdf.ts:
 * no network, no file but the bundled fonts. Same input, same bytes.
 */
import type { Content, TableCell } from 'pdfmake';
import { modelName } from '../core/models.ts';
import { utcToLocal } from '../core/time.ts';
import type { StudyArea } from '../geo/study-area.ts';
import type { Briefing, TrendRow } from './briefing.ts';
import { periodText } from './briefing.ts';
import { dmy } from './data-age.ts';
import { renderPdf, type TDocumentDefinitions } from './pdf.ts';
import { type MapColours, vectorMapSvg } from './pdf-map.ts';
import { OSM_ATTRIBUTION } from './places.ts';

/** Colours of the map and the draft banner (the tests look for them on the rendered page). */
export const BRIEFING_COLOURS = {
  map: {
    areaOutline: '#d35400',
    areaFill: '#f5a05a',
    district: '#4d4d4d',
    districtFill: '#f4f4f0',
  } satisfies MapColours,
  draft: '#b00020',
} as const;

/** The banner of a text nobody approved yet. */
export const DRAFT_MARK = 'BORRADOR — sin aprobar';

/** The narrative of a briefing and whether a person approved it. */
export interface BriefingText {
  /** Paragraphs separated by blank lines; citation markers ([E3], [#id]) kept as written. */
  body: string;
  approved: { by: string; at: Date } | null;
}

/** Everything a briefing PDF shows. */
export interface BriefingPdfInput {
  briefing: Briefing;
  area: StudyArea;
  text: BriefingText;
  generatedAt: Date;
  generatedBy: string;
}

const MAP = { width: 300, height: 230 } as const;
const PAGE_MARGIN = 40;

const count = (n: number | null): string => (n === null ? 'reservado' : n.toLocaleString('es-PE'));
const pct = (v: number | null): string =>
  v === null
    ? '—'
    : `${v >= 0 ? '+' : '−'}${Math.abs(100 * v).toLocaleString('es-PE', { maximumFractionDigits: 0 })} %`;
const interval = (r: TrendRow): string =>
  r.lower === null ? '—' : `${pct(r.lower)} a ${r.upper === null ? 'sin límite' : pct(r.upper)}`;
const pad2 = (n: number): string => String(n).padStart(2, '0');

/** dd/mm/aaaa hh:mm in the area's time zone. */
function when(at: Date, timeZone: string): string {
  const f = utcToLocal(at.getTime(), timeZone);
  return `${pad2(f.day)}/${pad2(f.month)}/${f.year} ${pad2(f.hour)}:${pad2(f.minute)}`;
}

/** The file name of a briefing: informe-codisec-<district>-<from>-<to>.pdf. */
export function briefingFilename(b: Pick<Briefing, 'district' | 'period'>): string {
  return `informe-codisec-${b.district.code}-${b.period.from}-${b.period.to}.pdf`;
}

const head = (cells: string[]): TableCell[] =>
  cells.map((text) => ({ text, bold: true, fontSize: 8, fillColor: '#eeeeee' }));

function trendTable(rows: readonly TrendRow[], b: Briefing): Content {
  const prev = periodText(b.previous.from, b.previous.to);
  return {
    table: {
      headerRows: 1,
      widths: ['*', 55, 55, 45, 80, 80],
      body: [
        head(['Grupo de delitos', 'Casos', `Anterior (${prev})`, 'Variación', 'IC 95 %', 'Lectura']),
        ...rows.map((r) =>
          [
            r.label,
            `${count(r.count)} [${r.stat}]`,
            `${count(r.previous)} [${r.previousStat}]`,
            pct(r.change),
            interval(r),
            r.verdict,
          ].map((text) => ({ text, fontSize: 8 })),
        ),
      ],
    },
    layout: 'lightHorizontalLines',
  };
}

function section(text: string): Content {
  return { text, style: 'section' };
}

/** The document of a briefing (pure: same input, same definition). */
export function briefingDocument(input: BriefingPdfInput): TDocumentDefinitions {
  const { briefing: b, area, text } = input;
  const tz = area.def.timeZone;
  const period = periodText(b.period.from, b.period.to);
  const paragraphs = text.body
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const grid = b.hotspots?.grid ?? b.persistent.grid;
  const map = vectorMapSvg(
    area,
    grid,
    (b.hotspots?.places ?? []).map((p) => ({ cells: [p.cell], label: String(p.rank) })),
    [b.district.code],
    { ...MAP, colours: BRIEFING_COLOURS.map },
  );
  const osm = [...(b.hotspots?.places ?? []), ...b.persistent.places].some((p) => p.osm);
  const placeList = (places: Briefing['persistent']['places'], value: (v: number) => string): Content =>
    places.length > 0
      ? {
          ol: places.map((p) => ({
            text: [
              { text: p.label, bold: true },
              ` — ${value(p.value)} [${p.stat}] · ${p.lat.toFixed(5)}, ${p.lon.toFixed(5)}`,
            ],
          })),
          fontSize: 8.5,
        }
      : { text: 'Ninguna en el distrito.', italics: true, fontSize: 8.5 };

  const status: Content = text.approved
    ? {
        text: `Aprobado por ${text.approved.by} el ${when(text.approved.at, tz)}`,
        bold: true,
        color: '#1b5e20',
        margin: [0, 0, 0, 8],
      }
    : {
        table: {
          widths: ['*'],
          body: [
            [
              {
                text: DRAFT_MARK,
                bold: true,
                fontSize: 13,
                color: '#ffffff',
                fillColor: BRIEFING_COLOURS.draft,
                alignment: 'center',
                margin: [0, 3, 0, 3],
              },
            ],
          ],
        },
        layout: 'noBorders',
        margin: [0, 0, 0, 8],
      };

  const patrol = b.patrol;
  const content: Content[] = [
    { text: 'Informe para el Comité Distrital de Seguridad Ciudadana (CODISEC)', style: 'title' },
    {
      text: `${b.district.name} (${b.district.code}) — ${period}`,
      fontSize: 13,
      bold: true,
      margin: [0, 0, 0, 4],
    },
    {
      text: `${area.def.name} · del ${dmy(b.period.from)} al ${dmy(b.period.to)} · comparado con el ${dmy(b.previous.from)} al ${dmy(b.previous.to)}`,
      fontSize: 8.5,
      color: '#555555',
      margin: [0, 0, 0, 8],
    },
    status,
    section('Resumen'),
    ...(paragraphs.length > 0
      ? paragraphs.map((p): Content => ({ text: p, margin: [0, 0, 0, 5], alignment: 'justify' }))
      : [{ text: 'Sin texto.', italics: true } as Content]),
    section('Tendencias por grupo de delitos'),
    trendTable(b.trends, b),
    section('Qué cambió'),
    b.changes.length > 0
      ? {
          ul: b.changes.map(
            (r) =>
              `${r.label}: ${count(r.count)} [${r.stat}] frente a ${count(r.previous)} [${r.previousStat}] (${pct(r.change)}; ${r.verdict})`,
          ),
          fontSize: 8.5,
        }
      : { text: 'Ningún tipo de delito cambió respecto del período anterior.', italics: true, fontSize: 8.5 },
    section('Zonas prioritarias del pronóstico'),
    {
      columns: [
        { svg: map, width: MAP.width },
        {
          width: '*',
          stack: [
            b.hotspots
              ? {
                  text: `Pronóstico ${b.hotspots.forecastId} para el ${dmy(b.hotspots.targetDay)} (modelo ${modelName(b.hotspots.modelKind, { withKind: true })}): celdas con más delitos esperados en el distrito.`,
                  fontSize: 8.5,
                  margin: [0, 0, 0, 4],
                }
              : { text: 'No hay pronóstico vigente.', italics: true, fontSize: 8.5 },
            placeList(b.hotspots?.places ?? [], (v) => `${v.toFixed(2)} delitos esperados`),
            {
              text: 'Mapa: límite del distrito en gris; zonas prioritarias en naranja, con su número. Norte arriba.',
              fontSize: 7.5,
              color: '#555555',
              margin: [0, 6, 0, 0],
            },
          ],
        },
      ],
      columnGap: 12,
    },
    section('Zonas persistentes'),
    {
      text: `Celdas calientes en al menos la mitad de los meses del ${dmy(b.persistent.from)} al ${dmy(b.persistent.to)}:`,
      fontSize: 8.5,
      margin: [0, 0, 0, 3],
    },
    placeList(b.persistent.places, (v) => `${Math.round(v * 100)} % de los meses`),
    ...(b.emerging.length > 0
      ? [
          {
            text: `Puntos calientes emergentes en el distrito: ${b.emerging.map((e) => `${e.label.toLowerCase()} (${e.cells} ${e.cells === 1 ? 'celda' : 'celdas'})`).join('; ')}.`,
            fontSize: 8.5,
            margin: [0, 4, 0, 0],
          } as Content,
        ]
      : []),
    section('Cobertura de patrullaje'),
    patrol
      ? {
          stack: [
            `Planes en el período: ${patrol.plans}. Minutos planificados en el distrito: ${Math.round(patrol.plannedMinutes).toLocaleString('es-PE')} [${patrol.stats.planned}]; registrados (visitas completadas): ${Math.round(patrol.patrolMinutes).toLocaleString('es-PE')} [${patrol.stats.patrol}].`,
            `Parte del tiempo de patrullaje del área: ${patrol.patrolShare === null ? '—' : `${(patrol.patrolShare * 100).toFixed(1)} %`}; parte del riesgo pronosticado: ${patrol.riskShare === null ? '—' : `${(patrol.riskShare * 100).toFixed(1)} %`}.`,
            ...(patrol.flags.length > 0 ? [{ ul: patrol.flags } as Content] : []),
          ],
          fontSize: 8.5,
        }
      : { text: 'Sin planes ni registros de patrullaje en el período.', italics: true, fontSize: 8.5 },
    section('Advertencias'),
    { ul: b.caveats, fontSize: 8 },
    section('Cifras citadas'),
    b.grounding.statistics.length > 0
      ? {
          table: {
            headerRows: 1,
            widths: [24, '*', 60],
            body: [
              head(['Id', 'Cifra', 'Valor']),
              ...b.grounding.statistics.map((s) =>
                [s.id, s.label, `${s.value.toLocaleString('es-PE')}${s.unit ? ` ${s.unit}` : ''}`].map(
                  (t) => ({ text: t, fontSize: 7.5 }),
                ),
              ),
            ],
          },
          layout: 'lightHorizontalLines',
        }
      : { text: '—' },
    section('Fuentes'),
    {
      ul: [
        'Incidentes registrados por la Policía Nacional del Perú cargados en Vigía (conteos por distrito, mes y tipo de delito).',
        `Límites distritales: INEI 2023 (CC BY 4.0). Pronósticos, zonas persistentes y puntos calientes emergentes: Vigía.`,
        ...(osm ? [`Nombres de calles y lugares: ${OSM_ATTRIBUTION} (ODbL)`] : []),
        `Generado el ${when(input.generatedAt, tz)} por ${input.generatedBy}.`,
      ],
      fontSize: 8,
    },
  ];

  return {
    pageSize: 'A4',
    pageMargins: [PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN + 8],
    info: {
      title: `Informe CODISEC — ${b.district.name}, ${period}`,
      author: 'Vigía',
      subject: `Comité Distrital de Seguridad Ciudadana, ${b.district.name}, ${b.period.from} a ${b.period.to}`,
      creator: 'Vigía',
      producer: 'Vigía (pdfmake)',
      creationDate: input.generatedAt,
      modDate: input.generatedAt,
    },
    content,
    footer: (page: number, pages: number): Content => ({
      columns: [
        { text: text.approved ? 'Documento de trabajo del CODISEC' : DRAFT_MARK, bold: true },
        { text: `${b.district.name}, ${period} · página ${page} de ${pages}`, alignment: 'right' },
      ],
      margin: [PAGE_MARGIN, 8, PAGE_MARGIN, 0],
      fontSize: 8,
    }),
    defaultStyle: { font: 'Roboto', fontSize: 9.5 },
    styles: {
      title: { fontSize: 15, bold: true, margin: [0, 0, 0, 6] },
      section: { fontSize: 11.5, bold: true, margin: [0, 10, 0, 5] },
    },
  };
}

/** Renders a briefing to PDF bytes. */
export function renderBriefingPdf(input: BriefingPdfInput): Promise<Buffer> {
  return renderPdf(briefingDocument(input));
}
