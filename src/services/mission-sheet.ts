/**
 * The printable mission sheet of a stored patrol plan (issue 12): a Spanish PDF for the comisaría's
 * briefing — header (area, sector, day, turno and its hours, group, plan and forecast provenance),
 * a vector map (district outlines, every patrol area outlined and numbered, scale bar, north
 * arrow), the list of areas (place, expected crimes, dosage, tactics, centre, boxes to tick per
 * visit) and a footer (coverage, the dosage's rationale, the OpenStreetMap attribution when names
 * came from it, "Documento de uso policial interno", page numbers). Rendered with pdfmake from the
 * Roboto fonts its package ships: no network, no file but those fonts. The plan is shown as the
 * caller's view allows (services/patrol-plan-views.ts): an officer's sheet holds only their
 * sector's areas and district. Same plan and generation time → same bytes. See docs/prevention.md,
 * "Mission sheet".
 */
import { writeFile } from 'node:fs/promises';
import type { Content, TableCell } from 'pdfmake';
import type { PlanView, Principal } from '../core/access.ts';
import { ValidationError } from '../core/errors.ts';
import type { GridSpec } from '../core/grid.ts';
import { modelName } from '../core/models.ts';
import { TURNO_BANDS, utcToLocal } from '../core/time.ts';
import type { StudyArea } from '../geo/study-area.ts';
import type { Db } from '../storage/db.ts';
import { getStudyArea } from './areas.ts';
import type { AuditContext } from './audit.ts';
import { dmy } from './data-age.ts';
import { type PlanViewBody, patrolPlanView } from './patrol-plan-views.ts';
import type { StoredPatrolArea, StoredPatrolPlan } from './patrol-plans.ts';
import { renderPdf, type TDocumentDefinitions } from './pdf.ts';
import { vectorMapSvg } from './pdf-map.ts';
import { OSM_ATTRIBUTION } from './places.ts';

/** Colours of the map (the tests look for the areas' outline colour on the rendered page). */
export const SHEET_COLOURS = {
  areaOutline: '#c0392b',
  areaFill: '#f6d5d1',
  district: '#4d4d4d',
  districtFill: '#f4f4f0',
} as const;

/** Audit action of every sheet rendered. */
export const SHEET_AUDIT_ACTION = 'patrol-plan.sheet';

/** A4 landscape, points. */
const PAGE = { width: 841.89, height: 595.28, margin: 28 } as const;
const MAP = { width: 470, height: 330 } as const;

/** What a sheet shows: the stored plan's provenance and the caller's view of its areas. */
export interface SheetInput {
  plan: StoredPatrolPlan;
  /** The caller's view: only its areas and sectors are drawn and listed. */
  body: PlanViewBody;
  area: StudyArea;
  /** The officer's sector code (sector view), or null for the whole plan. */
  sector: string | null;
  /** When the sheet is generated (printed, and the PDF's creation date) and for whom. */
  generatedAt: Date;
  generatedBy: string;
}

const fmt2 = (n: number): string => n.toFixed(2);
const pct = (share: number): string => `${(share * 100).toFixed(1)} %`;
const pad2 = (n: number): string => String(n).padStart(2, '0');

/** dd/mm/aaaa hh:mm in the area's time zone. */
function localTime(at: Date | string, timeZone: string): string {
  const f = utcToLocal(new Date(at).getTime(), timeZone);
  return `${pad2(f.day)}/${pad2(f.month)}/${f.year} ${pad2(f.hour)}:${pad2(f.minute)}`;
}

/** "noche (18:00–24:00)": the turno with its hour band. */
export function turnoWithHours(turno: string): string {
  const band = TURNO_BANDS.find((b) => b.turno === turno);
  return band ? `${turno} (${pad2(band.fromHour)}:00–${pad2(band.toHour)}:00)` : turno;
}

/** The file name of a plan's sheet: mision-<area>-<day>-<turno>-v<version>.pdf (ASCII: mañana → manana). */
export function missionSheetFilename(
  plan: Pick<StoredPatrolPlan, 'area' | 'day' | 'turno' | 'version'>,
): string {
  const turno = plan.turno.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  return `mision-${plan.area}-${plan.day}-${turno}-v${plan.version}.pdf`;
}

/**
 * The sheet's map (points): the districts shown, every area outlined and numbered, a scale bar and
 * a north arrow (services/pdf-map.ts).
 */
export function missionMapSvg(
  area: StudyArea,
  grid: GridSpec,
  areas: readonly StoredPatrolArea[],
  districtCodes: readonly string[] | null,
): string {
  return vectorMapSvg(
    area,
    grid,
    areas.map((a) => ({ cells: a.cells, label: String(a.order) })),
    districtCodes,
    { ...MAP, colours: SHEET_COLOURS },
  );
}

/** Empty boxes to tick, one per visit. */
function tickBoxes(visits: number): Content {
  const size = 9;
  const gap = 4;
  return {
    canvas: Array.from({ length: visits }, (_, i) => ({
      type: 'rect' as const,
      x: i * (size + gap),
      y: 1,
      w: size,
      h: size,
      lineWidth: 0.8,
      lineColor: '#000000',
    })),
  };
}

/** The document of a sheet (pure: same input, same definition). */
export function missionSheetDocument(input: SheetInput): TDocumentDefinitions {
  const { plan, body, area, sector } = input;
  const tz = area.def.timeZone;
  const areas = body.areas ?? [];
  const dosage = plan.settings.dosage;
  const districtOf = (code: string): string => area.def.districts.find((d) => d.code === code)?.name ?? code;
  const sectorText =
    sector === null
      ? `todos (${plan.sectors.length} ${plan.sectors.length === 1 ? 'sector' : 'distritos'})`
      : `${districtOf(sector)} (${sector})`;

  const header: TableCell[][] = [
    ['Área de estudio', `${area.def.name} (${area.def.id})`],
    [sector === null ? 'Sectores' : 'Distrito / sector', sectorText],
    ['Día', dmy(plan.day)],
    ['Turno', turnoWithHours(plan.turno)],
    ['Grupo de delitos', plan.group],
    ['Plan', `${plan.id}, versión ${plan.version}`],
    ['Pronóstico', `${plan.forecastId} (modelo ${modelName(plan.modelKind, { withKind: true })})`],
    ['Plan generado', `${localTime(plan.createdAt, tz)} por ${plan.createdBy}`],
    ['Hoja impresa', `${localTime(input.generatedAt, tz)} para ${input.generatedBy}`],
    ['Áreas', `${areas.length}, hasta ${plan.settings.maxCells} celdas de ${plan.grid.cellSize} m cada una`],
  ].map(([k, v]) => [{ text: k as string, bold: true }, v as string]);

  const rows: TableCell[][] = areas.map((a) => [
    { text: String(a.order), bold: true, alignment: 'center' },
    {
      stack: [
        { text: a.place?.label ?? a.name },
        { text: `${a.name} (${a.code}) · celdas ${a.cells.join(', ')}`, fontSize: 7, color: '#555555' },
      ],
    },
    { text: fmt2(a.expected), alignment: 'right' },
    { text: `${dosage.minutesPerVisit} min × ${dosage.visits}`, alignment: 'center' },
    a.tactics && a.tactics.length > 0
      ? { ul: a.tactics.map((t) => t.text), fontSize: 7 }
      : { text: '—', fontSize: 7 },
    a.place ? { text: `${a.place.lat.toFixed(5)}, ${a.place.lon.toFixed(5)}`, fontSize: 7.5 } : { text: '—' },
    tickBoxes(dosage.visits),
  ]);
  const head = [
    'N.º',
    'Lugar',
    'Delitos esperados en el turno',
    'Minutos por visita × visitas',
    'Qué hacer',
    'Cómo llegar (centro: lat, lon)',
    'Visitas hechas',
  ].map((text) => ({ text, bold: true, fontSize: 8, fillColor: '#eeeeee' }));

  const covered = body.sectors;
  const coverage =
    sector === null
      ? `Cobertura: ${fmt2(plan.expectedCovered)} de ${fmt2(plan.expectedTotal)} delitos esperados en el turno (${pct(plan.expectedTotal > 0 ? plan.expectedCovered / plan.expectedTotal : 0)}), con ${plan.areas.length} áreas para ${Object.values(plan.settings.unitsBySector).reduce((x, y) => x + y, 0)} unidades.`
      : covered
          .map(
            (s) =>
              `Cobertura del sector ${s.name} (${s.code}): ${fmt2(s.expectedCovered)} de ${fmt2(s.expectedTotal)} delitos esperados en el turno (${pct(s.share)}), con ${s.areas} áreas para ${s.units} unidades.`,
          )
          .join(' ');
  const osm = areas.some((a) => a.place?.attribution === OSM_ATTRIBUTION);

  const content: Content[] = [
    { text: 'Hoja de misión — patrullaje preventivo', style: 'title' },
    {
      columns: [
        { svg: missionMapSvg(area, plan.grid, areas, sector === null ? null : [sector]), width: MAP.width },
        {
          width: '*',
          stack: [
            { table: { widths: [95, '*'], body: header }, layout: 'lightHorizontalLines', fontSize: 8.5 },
            {
              text: 'Mapa: límite del distrito en gris; áreas de patrullaje en rojo, con su número de orden. Norte arriba.',
              fontSize: 7.5,
              color: '#555555',
              margin: [0, 6, 0, 0],
            },
          ],
        },
      ],
      columnGap: 12,
    },
    { text: 'Áreas de patrullaje', style: 'section', margin: [0, 12, 0, 6] },
    areas.length > 0
      ? {
          table: {
            headerRows: 1,
            dontBreakRows: true,
            widths: [20, 165, 55, 55, '*', 80, 70],
            body: [head, ...rows],
          },
          fontSize: 8.5,
        }
      : { text: 'El plan no asigna áreas a este sector en el turno.', italics: true },
    { text: coverage, margin: [0, 10, 0, 0], fontSize: 8.5 },
    {
      text: `Dosis: ${dosage.visits} visitas de ${dosage.minutesPerVisit} min por área, ${dosage.pauseMinutes} min entre visitas: la disuasión que deja una parada en un punto caliente crece hasta unos 15 minutos y luego rinde cada vez menos (Koper, 1995).`,
      fontSize: 8.5,
    },
    ...(osm
      ? [{ text: 'Nombres de calles y lugares: © OpenStreetMap contributors (ODbL)', fontSize: 8 } as Content]
      : []),
  ];

  return {
    pageSize: 'A4',
    pageOrientation: 'landscape',
    pageMargins: [PAGE.margin, PAGE.margin, PAGE.margin, PAGE.margin + 8],
    info: {
      title: `Hoja de misión — plan ${plan.id} v${plan.version}`,
      author: 'Vigía',
      subject: `Patrullaje preventivo, ${plan.area}, ${plan.day}, turno ${plan.turno}`,
      creator: 'Vigía',
      producer: 'Vigía (pdfmake)',
      creationDate: input.generatedAt,
      modDate: input.generatedAt,
    },
    content,
    footer: (page: number, pages: number): Content => ({
      columns: [
        { text: 'Documento de uso policial interno', bold: true },
        { text: `Plan ${plan.id} v${plan.version} · página ${page} de ${pages}`, alignment: 'right' },
      ],
      margin: [PAGE.margin, 8, PAGE.margin, 0],
      fontSize: 8,
    }),
    defaultStyle: { font: 'Roboto', fontSize: 9 },
    styles: {
      title: { fontSize: 15, bold: true, margin: [0, 0, 0, 8] },
      section: { fontSize: 12, bold: true, margin: [0, 0, 0, 6] },
    },
  };
}

/** Renders a sheet to PDF bytes. */
export function renderMissionSheet(input: SheetInput): Promise<Buffer> {
  return renderPdf(missionSheetDocument(input));
}

/** Who asks for a sheet and how they may see the plan. */
export interface MissionSheetRequest {
  planId: number;
  /** `full` (analysts, administrators, the CLI) or `sector` (officers: their sector only). */
  view: Extract<PlanView, 'full' | 'sector'>;
  /** The caller (null: the CLI's operator, full view). */
  principal: Principal | null;
  actor: AuditContext;
  generatedAt: Date;
}

/** A rendered sheet. */
export interface MissionSheet {
  pdf: Buffer;
  filename: string;
  plan: StoredPatrolPlan;
  /** Areas on the sheet. */
  areas: number;
}

/**
 * The mission sheet of a stored plan in the caller's view, audited (`patrol-plan.sheet`).
 * @throws NotFoundError for an unknown plan; ForbiddenError for an officer without a sector or whose
 *   sector is in another study area
 */
export async function missionSheet(db: Db, req: MissionSheetRequest): Promise<MissionSheet> {
  const { plan, body, sector } = await patrolPlanView(
    db,
    req.planId,
    req.view,
    req.principal,
    req.actor,
    SHEET_AUDIT_ACTION,
  );
  const area = await getStudyArea(db, plan.area);
  const pdf = await renderMissionSheet({
    plan,
    body,
    area,
    sector,
    generatedAt: req.generatedAt,
    generatedBy: req.actor.actor,
  });
  return { pdf, filename: missionSheetFilename(plan), plan, areas: body.areas?.length ?? 0 };
}

/**
 * Writes a sheet to a file (the CLI's `--pdf`).
 * @throws ValidationError naming `field` when the file cannot be written (missing folder, no permission)
 */
export async function writeMissionSheet(file: string, sheet: MissionSheet, field = 'file'): Promise<void> {
  try {
    await writeFile(file, sheet.pdf);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ValidationError(
      field,
      `no se pudo escribir la hoja de misión en ${file}${code === 'ENOENT' ? ': la carpeta no existe' : code ? ` (${code})` : ''}`,
    );
  }
}
