/**
 * Seeded synthetic incidents for Callao, written as rows of the SIDPOL geo-referenced layer (§5.2 of
 * the domain notes, domain-callao.md) so that ingest, models and evaluation can be developed against data whose
 * generating process is known. The process (docs/synthetic-data.md):
 *   1. an inhomogeneous Poisson background: district volumes and crime mix calibrated to SIDPOL 2025
 *      (domain §6.1), daily/weekly/seasonal cycles, an extortion trend (§6.3), and space as a mixture
 *      of persistent hotspots (Gaussian blobs and arterial corridors) over a diffuse background;
 *   2. self-excitation: a Hawkes/ETAS branching process with known parameters (repeat victimisation);
 *   3. the data-quality traps of the real export: points forced to the comisaría, rows without
 *      coordinates, date-only timestamps, integer ubigeos without the leading zero.
 * Every random draw comes from one seeded PRNG, so a seed names a data set. Intermediate events live
 * in typed arrays; the only per-event objects are the final rows.
 */
import { ValidationError } from '../core/errors.ts';
import type { PiiSpan } from '../core/pii.ts';
import type { CrimeCategory } from '../core/taxonomy.ts';
import { type LocalFields, localToUtc, turnoOfHour, utcToLocal, zoneOffsetMs } from '../core/time.ts';
import { containsPoint, flattenPolygon } from '../geo/polygon.ts';
import type { StudyArea } from '../geo/study-area.ts';
import { syntheticNarrative } from './narratives.ts';

// ---------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------

/** Columns of the SIDPOL geo layer that the generator writes, in export order. */
export const SIDPOL_GEO_COLUMNS = [
  'objectid',
  'fecha_hora_hecho',
  'fecha_hora_registro_hecho',
  'ano_hecho',
  'mes_hecho',
  'dia_hecho',
  'departamento_hecho',
  'provincia_hecho',
  'distrito_hecho',
  'ubigeo_hecho_delito',
  'materia_hecho',
  'tipo_hecho',
  'subtipo_hecho',
  'modalidad_hecho',
  'es_delito_x',
  'turno_hecho',
  'lat_hecho',
  'long_hecho',
  'estado_coord',
  'observacion',
  'comisaria_hecho',
  'direccion_hecho',
  'fuente',
  // Not in MININTER's layer: how the police learnt of the incident (docs/ingestion.md, "canal").
  'canal',
  // Not in MININTER's layer either: the incident's free-text account (docs/ingestion.md, "relato").
  'relato',
] as const;

/** One SIDPOL geo-layer column name. */
export type SidpolGeoColumn = (typeof SIDPOL_GEO_COLUMNS)[number];

/** One row as the real export writes it: every value a string ('' when empty). */
export type SidpolGeoRow = Record<SidpolGeoColumn, string>;

/** Parameters of the self-exciting (Hawkes/ETAS) component. */
export interface TriggerOptions {
  /** Expected number of direct offspring per event (0 ≤ n < 1); also the expected triggered share. */
  branchingRatio: number;
  /** Mean of the exponential parent→offspring delay, in days. */
  meanDelayDays: number;
  /** Standard deviation (per axis) of the isotropic Gaussian parent→offspring displacement, metres. */
  sigmaMetres: number;
}

/** Options of {@link generateSynthetic}. Defaults in {@link DEFAULT_SYNTHETIC_OPTIONS}. */
export interface SyntheticOptions {
  /** Seed of the PRNG: same seed and options ⇒ identical rows. An integer. */
  seed: number;
  /** First local day, 'YYYY-MM-DD' in the area's time zone. */
  start: string;
  /** Length in years: whole years are calendar years, a fraction adds round(f × 365.2425) days. */
  years: number;
  /** Expected events per year, background plus triggered. */
  annualVolume: number;
  /** Share of rows with coordinates whose point is replaced by the comisaría's. */
  stationShare: number;
  /** Share of rows written without coordinates ('SIN COORDENADA'). */
  missingShare: number;
  /** Share of rows whose event time is written as local midnight (date only). */
  dateOnlyShare: number;
  /** Self-excitation parameters. */
  trigger: TriggerOptions;
  /** Daily, weekly and seasonal cycles of the background rate; false gives a constant rate. */
  cycles: boolean;
  /** Write a Spanish narrative with embedded personal data in `relato` (src/synthetic/narratives.ts); false leaves it empty. */
  narratives: boolean;
}

/** Options as callers may pass them: anything left out takes its default. */
export type SyntheticOptionsInput = Partial<Omit<SyntheticOptions, 'trigger'>> & {
  trigger?: Partial<TriggerOptions>;
};

/** Defaults: five years from 2021 at the 2025 SIDPOL volume of the province (≈30,000/year). */
export const DEFAULT_SYNTHETIC_OPTIONS: Readonly<SyntheticOptions> = Object.freeze({
  seed: 1,
  start: '2021-01-01',
  years: 5,
  annualVolume: 30_000,
  stationShare: 0.15,
  missingShare: 0.05,
  dateOnlyShare: 0.2,
  trigger: Object.freeze({ branchingRatio: 0.3, meanDelayDays: 2, sigmaMetres: 5 }),
  cycles: true,
  narratives: true,
});

/** Crime kinds the generator produces (a subset of the normalised categories). */
export const SYNTHETIC_KINDS = [
  'hurto',
  'robo',
  'extorsion',
  'estafa',
  'homicidio',
  'lesiones',
  'violencia_familiar',
  'sexual',
  'drogas',
  'armas',
  'otros',
] as const satisfies readonly CrimeCategory[];

/** A generated crime kind. */
export type SyntheticKind = (typeof SYNTHETIC_KINDS)[number];

/** SIDPOL labels written for one kind; `classifySidpol` maps each to the kind (tested). */
export interface SidpolLabels {
  materia: string;
  tipo: string;
  subtipo: string;
  modalidad: string;
  esDelito: string;
}

/** Kind of place a hotspot is; it decides which crimes it attracts (see {@link KIND_AFFINITY}). */
export type HotspotTag = 'zonaRoja' | 'commercial' | 'arterial';

/** A persistent hotspot of the background (coordinates approximate [U]). */
export interface SyntheticHotspot {
  id: string;
  name: string;
  /** 6-digit ubigeo of the district the hotspot belongs to (its points are kept inside it). */
  district: string;
  tag: HotspotTag;
  /** Relative weight among the district's hotspots. */
  weight: number;
  /** A blob is a Gaussian around [lon, lat]; a line runs from `from` to `to`. */
  shape:
    | { kind: 'blob'; lon: number; lat: number; sigmaMetres: number }
    | { kind: 'line'; from: [number, number]; to: [number, number]; spreadMetres: number };
}

/** A synthetic comisaría point (real names where known, approximate coordinates [U]). */
export interface SyntheticComisaria {
  /** As written in `comisaria_hecho`. */
  name: string;
  district: string;
  lon: number;
  lat: number;
}

/**
 * The generating process's known truth, for evaluating models. `events` holds typed arrays aligned
 * with `rows` (index i describes rows[i]) with the true time and place even where the row hides them.
 */
export interface SyntheticTruth {
  options: SyntheticOptions;
  /** Label written in `fuente` on every row. */
  fuente: string;
  startMs: number;
  endMs: number;
  branchingRatio: number;
  meanDelayDays: number;
  sigmaMetres: number;
  /** annualVolume × years: expected background / (1 − branchingRatio) before edge losses. */
  expectedTotal: number;
  expectedBackground: number;
  backgroundCount: number;
  triggeredCount: number;
  /** Offspring sampled (kept or not) and the mean of their sampled delays, days. */
  offspringSampled: number;
  meanSampledDelayDays: number;
  /** Offspring dropped because they fell outside the parent's district / after the end. */
  droppedOutside: number;
  droppedLate: number;
  /** Events per generation: [background, children, grandchildren, …]. */
  generations: number[];
  kindCounts: Record<SyntheticKind, number>;
  hotspots: readonly SyntheticHotspot[];
  comisarias: readonly SyntheticComisaria[];
  /** Per row, the personal data its `relato` embeds (offsets into it); empty without narratives. */
  narrativeSpans: PiiSpan[][];
  events: {
    /** True event instant, epoch ms (minute resolution). */
    timeMs: Float64Array;
    /** True position in the area's projection (metres). */
    x: Float64Array;
    y: Float64Array;
    /** Index into {@link SYNTHETIC_KINDS}. */
    kind: Uint8Array;
    /** Index into `area.def.districts` (where the point lies). */
    district: Uint8Array;
    /** Row index of the parent, −1 for background events. */
    parent: Int32Array;
  };
}

/** Rows sorted by written event time, plus the known truth. */
export interface SyntheticResult {
  rows: SidpolGeoRow[];
  truth: SyntheticTruth;
}

// ---------------------------------------------------------------------------------------------------
// Calibration tables (docs/synthetic-data.md explains each value)
// ---------------------------------------------------------------------------------------------------

/** Per-district calibration from domain §6.1 (2025 shares and mix) and §6.2 (homicide split). */
export interface DistrictProfile {
  code: string;
  /** Upper-case name as SIDPOL writes `distrito_hecho`. */
  sidpolName: string;
  /** Share of the province's denuncias, 2025. */
  share: number;
  robo: number;
  hurto: number;
  /** Extortion share in 2025 (the trend scales it in other years). */
  extorsion: number;
  /** Share of the province's homicides [D]. */
  homicideWeight: number;
}

/** Domain §6.1; homicide weights [D] from INEI (Cercado 80, Ventanilla 27, Bellavista 15) and §6.2. */
export const DISTRICT_PROFILES: readonly DistrictProfile[] = [
  {
    code: '070101',
    sidpolName: 'CALLAO',
    share: 0.68,
    robo: 0.075,
    hurto: 0.15,
    extorsion: 0.028,
    homicideWeight: 0.605,
  },
  {
    code: '070102',
    sidpolName: 'BELLAVISTA',
    share: 0.068,
    robo: 0.075,
    hurto: 0.218,
    extorsion: 0.034,
    homicideWeight: 0.11,
  },
  {
    code: '070103',
    sidpolName: 'CARMEN DE LA LEGUA REYNOSO',
    share: 0.021,
    robo: 0.08,
    hurto: 0.225,
    extorsion: 0.036,
    homicideWeight: 0.02,
  },
  {
    code: '070104',
    sidpolName: 'LA PERLA',
    share: 0.054,
    robo: 0.065,
    hurto: 0.136,
    extorsion: 0.031,
    homicideWeight: 0.03,
  },
  {
    code: '070105',
    sidpolName: 'LA PUNTA',
    share: 0.005,
    robo: 0.026,
    hurto: 0.137,
    extorsion: 0.026,
    homicideWeight: 0.005,
  },
  {
    code: '070106',
    sidpolName: 'VENTANILLA',
    share: 0.161,
    robo: 0.045,
    hurto: 0.089,
    extorsion: 0.045,
    homicideWeight: 0.22,
  },
  {
    code: '070107',
    sidpolName: 'MI PERU',
    share: 0.011,
    robo: 0.016,
    hurto: 0.01,
    extorsion: 0.01,
    homicideWeight: 0.01,
  },
];

/** Shares of all denuncias common to every district; `otros` takes what is left. */
export const COMMON_KIND_SHARES = {
  violencia_familiar: 0.2,
  estafa: 0.06,
  lesiones: 0.05,
  sexual: 0.02,
  drogas: 0.03,
  armas: 0.01,
} as const;

/** Province-wide homicides per day at the default volume (domain §6.2: ≈0.3–0.45/day). */
export const HOMICIDES_PER_DAY = 0.35;
/** Homicide share of all events: 0.35/day at 30,000/year; it scales with `annualVolume`. */
const HOMICIDE_SHARE = (HOMICIDES_PER_DAY * 365.25) / DEFAULT_SYNTHETIC_OPTIONS.annualVolume;

/**
 * Extortion trend (domain §6.3): log-linear growth ×√3 a year (×3 from 2023 to 2025), equal to the
 * 2025 table shares on 2025-07-02, clamped to [1/9, 2] so that runs far outside 2021–2026 do not
 * extrapolate absurdly.
 */
export const EXTORTION_TREND = {
  referenceDate: '2025-07-02',
  factorPerTwoYears: 3,
  min: 1 / 9,
  max: 2,
} as const;

/** Lima midnight of the trend's reference day (the trend is historical: tied to dates, not zones). */
const EXTORTION_REFERENCE_MS = Date.parse(`${EXTORTION_TREND.referenceDate}T05:00:00Z`);

/** Mi Perú was created on 2014-05-17 (Ley 30197); earlier rows are attributed to Ventanilla. */
const MI_PERU_CREATED = '2014-05-17';

/**
 * Hour-of-day profile (local hour 0–23), relative: low before dawn, rising through the day, peak
 * 19–20 h [U]. Turno shares: madrugada ≈9 %, mañana ≈23 %, tarde ≈32 %, noche ≈36 %.
 */
export const HOUR_PROFILE: readonly number[] = [
  0.55, 0.4, 0.3, 0.25, 0.25, 0.3, 0.45, 0.65, 0.85, 0.95, 1.0, 1.05, 1.1, 1.1, 1.1, 1.15, 1.2, 1.3, 1.45,
  1.55, 1.5, 1.35, 1.1, 0.8,
];
/** ISO weekday profile (Monday … Sunday), mean 1: higher Thursday–Saturday (domain §2) [U]. */
export const WEEKDAY_PROFILE: readonly number[] = [0.94, 0.94, 0.97, 1.06, 1.1, 1.08, 0.91];
/** Seasonality: 1 + amplitude × cos(2π (dayOfYear − peakDay) / 365.25); peak mid-December [U]. */
export const SEASONALITY = { amplitude: 0.08, peakDayOfYear: 350 } as const;

/** Share of background events of each kind that falls in hotspots (the rest is diffuse). */
export const HOTSPOT_SHARE: Readonly<Record<SyntheticKind, number>> = {
  hurto: 0.6,
  robo: 0.6,
  extorsion: 0.6,
  estafa: 0.35,
  homicidio: 0.65,
  lesiones: 0.45,
  violencia_familiar: 0.25,
  sexual: 0.3,
  drogas: 0.7,
  armas: 0.7,
  otros: 0.4,
};

/** How strongly each kind of place attracts each crime kind (multiplies the hotspot's weight). */
export const KIND_AFFINITY: Readonly<Record<HotspotTag, Readonly<Record<SyntheticKind, number>>>> = {
  zonaRoja: {
    hurto: 0.6,
    robo: 1.0,
    extorsion: 1.8,
    estafa: 0.4,
    homicidio: 2.5,
    lesiones: 1.3,
    violencia_familiar: 0.9,
    sexual: 0.8,
    drogas: 2.5,
    armas: 2.5,
    otros: 1.0,
  },
  commercial: {
    hurto: 1.8,
    robo: 1.3,
    extorsion: 0.8,
    estafa: 1.5,
    homicidio: 0.5,
    lesiones: 1.0,
    violencia_familiar: 0.5,
    sexual: 0.7,
    drogas: 0.7,
    armas: 0.6,
    otros: 1.0,
  },
  arterial: {
    hurto: 1.3,
    robo: 1.6,
    extorsion: 1.2,
    estafa: 0.8,
    homicidio: 1.0,
    lesiones: 0.8,
    violencia_familiar: 0.3,
    sexual: 0.5,
    drogas: 0.5,
    armas: 0.8,
    otros: 1.0,
  },
};

const blob = (lat: number, lon: number, sigmaMetres: number): SyntheticHotspot['shape'] => ({
  kind: 'blob',
  lon,
  lat,
  sigmaMetres,
});
const line = (from: [number, number], to: [number, number]): SyntheticHotspot['shape'] => ({
  kind: 'line',
  from: [from[1], from[0]],
  to: [to[1], to[0]],
  spreadMetres: 40,
});

/**
 * Persistent hotspots. Places from domain §1.4 ("zonas rojas", firearm-attack streets, arterials);
 * all coordinates are approximations [U] (lat, lon in the helpers above), checked to lie inside
 * their district polygon by the tests.
 */
export const SYNTHETIC_HOTSPOTS: readonly SyntheticHotspot[] = [
  {
    id: 'barracones',
    name: 'Barracones',
    district: '070101',
    tag: 'zonaRoja',
    weight: 1.0,
    shape: blob(-12.0655, -77.152, 120),
  },
  {
    id: 'la-siberia',
    name: 'La Siberia',
    district: '070101',
    tag: 'zonaRoja',
    weight: 0.7,
    shape: blob(-12.0585, -77.142, 100),
  },
  {
    id: 'puerto-nuevo',
    name: 'A.H. Puerto Nuevo',
    district: '070101',
    tag: 'zonaRoja',
    weight: 0.8,
    shape: blob(-12.05, -77.138, 150),
  },
  {
    id: 'sarita-colonia',
    name: 'Urb. Sarita Colonia',
    district: '070101',
    tag: 'zonaRoja',
    weight: 0.7,
    shape: blob(-12.042, -77.132, 180),
  },
  {
    id: 'urb-gambetta',
    name: 'Urb. Gambetta',
    district: '070101',
    tag: 'zonaRoja',
    weight: 0.6,
    shape: blob(-12.025, -77.13, 200),
  },
  {
    id: 'plaza-grau',
    name: 'Plaza Grau / Cercado',
    district: '070101',
    tag: 'commercial',
    weight: 1.0,
    shape: blob(-12.0605, -77.148, 150),
  },
  {
    id: 'av-gambetta',
    name: 'Av. Néstor Gambetta (Callao)',
    district: '070101',
    tag: 'arterial',
    weight: 1.0,
    shape: line([-12.045, -77.1335], [-11.96, -77.127]),
  },
  {
    id: 'av-colonial',
    name: 'Av. Colonial',
    district: '070101',
    tag: 'arterial',
    weight: 0.9,
    shape: line([-12.0535, -77.132], [-12.0495, -77.097]),
  },
  {
    id: 'av-argentina',
    name: 'Av. Argentina',
    district: '070101',
    tag: 'arterial',
    weight: 0.9,
    shape: line([-12.047, -77.128], [-12.0445, -77.1025]),
  },
  {
    id: 'bellavista-centro',
    name: 'Bellavista centro',
    district: '070102',
    tag: 'commercial',
    weight: 1.0,
    shape: blob(-12.062, -77.128, 200),
  },
  {
    id: 'av-venezuela',
    name: 'Av. Venezuela (Bellavista)',
    district: '070102',
    tag: 'arterial',
    weight: 0.6,
    shape: line([-12.0595, -77.124], [-12.0565, -77.095]),
  },
  {
    id: 'carmen-de-la-legua',
    name: 'Carmen de la Legua centro',
    district: '070103',
    tag: 'commercial',
    weight: 1.0,
    shape: blob(-12.0415, -77.09, 150),
  },
  {
    id: 'la-perla-centro',
    name: 'La Perla centro',
    district: '070104',
    tag: 'commercial',
    weight: 1.0,
    shape: blob(-12.068, -77.115, 200),
  },
  {
    id: 'ventanilla-centro',
    name: 'Ventanilla centro',
    district: '070106',
    tag: 'commercial',
    weight: 1.0,
    shape: blob(-11.8772, -77.1278, 250),
  },
  {
    id: 'pachacutec',
    name: 'Pachacútec',
    district: '070106',
    tag: 'zonaRoja',
    weight: 0.9,
    shape: blob(-11.84, -77.158, 250),
  },
  {
    id: 'av-gambetta-ventanilla',
    name: 'Av. Néstor Gambetta (Ventanilla)',
    district: '070106',
    tag: 'arterial',
    weight: 0.6,
    shape: line([-11.93, -77.13], [-11.885, -77.124]),
  },
  {
    id: 'mi-peru-centro',
    name: 'Mi Perú centro',
    district: '070107',
    tag: 'commercial',
    weight: 1.0,
    shape: blob(-11.855, -77.125, 150),
  },
];

/**
 * Comisaría points for forced coordinates and `comisaria_hecho`. Names of real Callao comisarías where
 * known (domain §3: La Punta, Ramón Castilla, Playa Rímac, Pachacútec, Ciudad Chalaca); coordinates
 * are approximations [U], not the stations' real addresses.
 */
export const SYNTHETIC_COMISARIAS: readonly SyntheticComisaria[] = [
  { name: 'COMISARIA CALLAO', district: '070101', lat: -12.059, lon: -77.146 },
  { name: 'COMISARIA CIUDAD CHALACA', district: '070101', lat: -12.048, lon: -77.135 },
  { name: 'COMISARIA RAMON CASTILLA', district: '070101', lat: -12.053, lon: -77.125 },
  { name: 'COMISARIA PLAYA RIMAC', district: '070101', lat: -12.044, lon: -77.112 },
  { name: 'COMISARIA SARITA COLONIA', district: '070101', lat: -12.038, lon: -77.128 },
  { name: 'COMISARIA MARQUEZ', district: '070101', lat: -11.98, lon: -77.126 },
  { name: 'COMISARIA BELLAVISTA', district: '070102', lat: -12.061, lon: -77.12 },
  { name: 'COMISARIA CARMEN DE LA LEGUA', district: '070103', lat: -12.042, lon: -77.087 },
  { name: 'COMISARIA LA PERLA', district: '070104', lat: -12.07, lon: -77.117 },
  { name: 'COMISARIA LA PUNTA', district: '070105', lat: -12.0722, lon: -77.1625 },
  { name: 'COMISARIA VENTANILLA', district: '070106', lat: -11.879, lon: -77.129 },
  { name: 'COMISARIA PACHACUTEC', district: '070106', lat: -11.835, lon: -77.155 },
  { name: 'COMISARIA MI PERU', district: '070107', lat: -11.853, lon: -77.123 },
];

const PATRIMONIO = 'PATRIMONIO (DELITO)';
const VIDA = 'VIDA, EL CUERPO Y LA SALUD (DELITO)';
const SEGURIDAD = 'SEGURIDAD PUBLICA (DELITO)';
const VCM_TIPO = 'LEY DE VIOLENCIA CONTRA LA MUJER Y GRUPOS VULNERABLES';
const DELITOS = '1.Delitos';
const VCM_GROUP = '4.Violencia contra la mujer e int';

const labels = (tipo: string, subtipo: string, modalidad: string, esDelito = DELITOS): SidpolLabels => ({
  materia: 'DELITO',
  tipo,
  subtipo,
  modalidad,
  esDelito,
});

/**
 * SIDPOL labels per kind; one variant is drawn uniformly per row. Values follow the real hierarchy
 * (domain §4); `materia_hecho` is always 'DELITO' [U].
 */
export const SYNTHETIC_TAXONOMY: Readonly<Record<SyntheticKind, readonly SidpolLabels[]>> = {
  hurto: [
    labels(PATRIMONIO, 'HURTO', 'HURTO AGRAVADO'),
    labels(PATRIMONIO, 'HURTO', 'HURTO SIMPLE'),
    labels(PATRIMONIO, 'HURTO', 'HURTO DE VEHICULO'),
  ],
  robo: [labels(PATRIMONIO, 'ROBO', 'ROBO AGRAVADO'), labels(PATRIMONIO, 'ROBO', 'ROBO SIMPLE')],
  extorsion: [labels(PATRIMONIO, 'EXTORSION', 'EXTORSION')],
  estafa: [labels(PATRIMONIO, 'ESTAFA Y OTRAS DEFRAUDACIONES', 'ESTAFA')],
  homicidio: [
    labels(VIDA, 'HOMICIDIO', 'HOMICIDIO CALIFICADO - ASESINATO'),
    labels(VIDA, 'HOMICIDIO', 'SICARIATO'),
    labels(VIDA, 'HOMICIDIO', 'HOMICIDIO SIMPLE'),
  ],
  lesiones: [labels(VIDA, 'LESIONES', 'LESIONES LEVES'), labels(VIDA, 'LESIONES', 'LESIONES GRAVES')],
  violencia_familiar: [
    labels(VCM_TIPO, 'VIOLENCIA FAMILIAR', 'VIOLENCIA FISICA', VCM_GROUP),
    labels(VCM_TIPO, 'VIOLENCIA FAMILIAR', 'VIOLENCIA PSICOLOGICA', VCM_GROUP),
    labels(VCM_TIPO, 'VIOLENCIA FAMILIAR', 'VIOLENCIA ECONOMICA O PATRIMONIAL', VCM_GROUP),
  ],
  sexual: [
    labels('LIBERTAD (DELITO)', 'VIOLACION DE LA LIBERTAD SEXUAL', 'VIOLACION SEXUAL'),
    labels('LIBERTAD (DELITO)', 'VIOLACION DE LA LIBERTAD SEXUAL', 'ACOSO SEXUAL'),
  ],
  drogas: [
    labels(SEGURIDAD, 'TRAFICO ILICITO DE DROGAS', 'MICROCOMERCIALIZACION O MICROPRODUCCION'),
    labels(SEGURIDAD, 'TRAFICO ILICITO DE DROGAS', 'PROMOCION O FAVORECIMIENTO AL TRAFICO ILICITO DE DROGAS'),
  ],
  armas: [labels(SEGURIDAD, 'PELIGRO COMUN', 'TENENCIA ILEGAL DE ARMAS, MUNICIONES Y EXPLOSIVOS')],
  otros: [
    labels(PATRIMONIO, 'DAÑOS', 'DAÑO SIMPLE'),
    labels(PATRIMONIO, 'USURPACION', 'USURPACION'),
    labels(PATRIMONIO, 'APROPIACION ILICITA', 'APROPIACION ILICITA COMUN'),
    labels('FAMILIA (DELITO)', 'OMISION DE ASISTENCIA FAMILIAR', 'OMISION A LA PRESTACION DE ALIMENTOS'),
    labels('FE PUBLICA (DELITO)', 'FALSIFICACION DE DOCUMENTOS EN GENERAL', 'FALSIFICACION DE DOCUMENTOS'),
    labels(
      'ADMINISTRACION PUBLICA (DELITO)',
      'DELITOS COMETIDOS POR PARTICULARES',
      'RESISTENCIA O DESOBEDIENCIA A LA AUTORIDAD',
    ),
  ],
};

/** Kinds found by police activity register almost at once; reported ones can wait days. */
const DISCOVERED_KINDS: ReadonlySet<SyntheticKind> = new Set(['drogas', 'armas']);
/**
 * Share of each kind written as found by police activity (`canal` = "intervención policial"), the
 * rest as "denuncia" [U]: most drug and arms cases come from interventions (a few from citizens'
 * tips); thefts, robberies, injuries and others are sometimes caught in the act by a patrol; crimes
 * against persons that need a victim's complaint never are.
 */
const DISCOVERED_SHARE: Readonly<Record<SyntheticKind, number>> = {
  drogas: 0.9,
  armas: 0.9,
  hurto: 0.04,
  robo: 0.04,
  lesiones: 0.04,
  otros: 0.04,
  extorsion: 0,
  estafa: 0,
  homicidio: 0,
  violencia_familiar: 0,
  sexual: 0,
};
/** Salt of the `canal` stream: its draws never shift the main stream (earlier data unchanged). */
const CHANNEL_STREAM_SALT = 0x2c1b3c6d;
/** Salt of the `relato` stream: narratives never shift the other columns of a seed. */
const NARRATIVE_STREAM_SALT = 0x5e1a7a0d;
/** Registration delay: the mean of each mixture part, hours, and the cap (domain: 0–3 days). */
const REGISTRATION = {
  quickMeanH: 3,
  slowMeanH: 18,
  quickShare: 0.65,
  uniformShare: 0.1,
  discoveredMeanH: 2,
  capH: 72,
};

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const YEAR_MS = 365.25 * DAY_MS;
/** Tries before a hotspot draw falls back to the diffuse background, and before diffuse gives up. */
const HOTSPOT_TRIES = 50;
const DIFFUSE_TRIES = 100_000;

// ---------------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------------

/** The one random stream of a run (mulberry32 with Box–Muller normals). */
interface Rng {
  /** Uniform on [0, 1). */
  next(): number;
  normal(): number;
  /** Exponential with mean 1. */
  exp(): number;
  poisson(mean: number): number;
}

function createRng(seed: number): Rng {
  // Mix both 32-bit halves of the seed so that seeds above 2^32 still differ.
  let state = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4_294_967_296) >>> 0, 0x9e3779b9);
  let spare = Number.NaN;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const normal = (): number => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = Number.NaN;
      return s;
    }
    const u = 1 - next(); // (0, 1]: log stays finite
    const r = Math.sqrt(-2 * Math.log(u));
    const a = 2 * Math.PI * next();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
  const exp = (): number => -Math.log(1 - next());
  const poisson = (mean: number): number => {
    if (mean <= 0) return 0;
    if (mean > 500) {
      // Normal approximation: exact enough for a total count with thousands of events.
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal()));
    }
    // Knuth: multiply uniforms until the product drops below e^−mean (no underflow up to 500).
    const limit = Math.exp(-mean);
    let k = 0;
    let p = next();
    while (p > limit) {
      k++;
      p *= next();
    }
    return k;
  };
  return { next, normal, exp, poisson };
}

/** Index of the first CDF entry above u (cdf ascending, last entry = total). */
function pick(cdf: ArrayLike<number>, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  const target = u * (cdf[hi] as number);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cdf[mid] as number) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function cumulative(weights: readonly number[]): Float64Array {
  const cdf = new Float64Array(weights.length);
  let s = 0;
  weights.forEach((w, i) => {
    s += w;
    cdf[i] = s;
  });
  return cdf;
}

// ---------------------------------------------------------------------------------------------------
// Options and calendar
// ---------------------------------------------------------------------------------------------------

/** Fills defaults and validates; throws ValidationError naming the bad option. */
export function resolveSyntheticOptions(input: SyntheticOptionsInput = {}): SyntheticOptions {
  const d = DEFAULT_SYNTHETIC_OPTIONS;
  const o: SyntheticOptions = {
    seed: input.seed ?? d.seed,
    start: input.start ?? d.start,
    years: input.years ?? d.years,
    annualVolume: input.annualVolume ?? d.annualVolume,
    stationShare: input.stationShare ?? d.stationShare,
    missingShare: input.missingShare ?? d.missingShare,
    dateOnlyShare: input.dateOnlyShare ?? d.dateOnlyShare,
    trigger: {
      branchingRatio: input.trigger?.branchingRatio ?? d.trigger.branchingRatio,
      meanDelayDays: input.trigger?.meanDelayDays ?? d.trigger.meanDelayDays,
      sigmaMetres: input.trigger?.sigmaMetres ?? d.trigger.sigmaMetres,
    },
    cycles: input.cycles ?? d.cycles,
    narratives: input.narratives ?? d.narratives,
  };
  if (!Number.isSafeInteger(o.seed)) throw new ValidationError('seed', `se espera un entero: ${o.seed}`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(o.start))
    throw new ValidationError('start', `se espera YYYY-MM-DD: "${o.start}"`);
  if (!(o.years > 0 && o.years <= 50))
    throw new ValidationError('years', `se espera 0 < years ≤ 50: ${o.years}`);
  if (!(o.annualVolume > 0 && o.annualVolume <= 5_000_000))
    throw new ValidationError('annualVolume', `se espera 0 < annualVolume ≤ 5e6: ${o.annualVolume}`);
  for (const key of ['stationShare', 'missingShare', 'dateOnlyShare'] as const) {
    const v = o[key];
    if (!(v >= 0 && v <= 1)) throw new ValidationError(key, `se espera una proporción entre 0 y 1: ${v}`);
  }
  const t = o.trigger;
  if (!(t.branchingRatio >= 0 && t.branchingRatio < 1))
    throw new ValidationError('trigger.branchingRatio', `se espera 0 ≤ n < 1: ${t.branchingRatio}`);
  if (!(t.meanDelayDays > 0))
    throw new ValidationError('trigger.meanDelayDays', `se espera > 0: ${t.meanDelayDays}`);
  if (!(t.sigmaMetres >= 0))
    throw new ValidationError('trigger.sigmaMetres', `se espera ≥ 0: ${t.sigmaMetres}`);
  return o;
}

/**
 * `utcToLocal` with the zone offset looked up once per UTC day of [fromMs, toMs]: `Intl` costs
 * microseconds per distinct hour, and a five-year run touches every hour. A day whose offset differs
 * between its first and last millisecond (a DST change) falls back to `utcToLocal`.
 */
function createLocalClock(
  timeZone: string,
  fromMs: number,
  toMs: number,
): (ms: number) => LocalFields & { weekday: number } {
  const day0 = Math.floor(fromMs / DAY_MS);
  const offsets = new Float64Array(Math.floor(toMs / DAY_MS) - day0 + 1).fill(Number.NaN);
  return (ms) => {
    const d = Math.floor(ms / DAY_MS) - day0;
    let o = offsets[d];
    if (o === undefined) return utcToLocal(ms, timeZone);
    if (Number.isNaN(o)) {
      const a = zoneOffsetMs((d + day0) * DAY_MS, timeZone);
      const b = zoneOffsetMs((d + day0 + 1) * DAY_MS - 1, timeZone);
      o = a === b ? a : Number.POSITIVE_INFINITY;
      offsets[d] = o;
    }
    if (o === Number.POSITIVE_INFINITY) return utcToLocal(ms, timeZone);
    const t = new Date(ms + o);
    return {
      year: t.getUTCFullYear(),
      month: t.getUTCMonth() + 1,
      day: t.getUTCDate(),
      hour: t.getUTCHours(),
      minute: t.getUTCMinutes(),
      second: t.getUTCSeconds(),
      weekday: ((t.getUTCDay() + 6) % 7) + 1,
    };
  };
}

/** UTC instant of local midnight of a 'YYYY-MM-DD' day (calendar overflow rolls over: Feb 29 → Mar 1). */
function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const d = new Date(Date.UTC(year, month - 1, day));
  return localToUtc(
    {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: 0,
      minute: 0,
      second: 0,
    },
    timeZone,
  );
}

function parseDay(
  value: string,
  field: string,
  timeZone: string,
): { ms: number; y: number; m: number; d: number } {
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const ms = localToUtc({ year: y, month: m, day: d, hour: 0, minute: 0, second: 0 }, timeZone);
  if (Number.isNaN(ms)) throw new ValidationError(field, `fecha inexistente: "${value}"`);
  return { ms, y, m, d };
}

// ---------------------------------------------------------------------------------------------------
// Space
// ---------------------------------------------------------------------------------------------------

/** A hotspot in projected metres. */
interface Component {
  blob: boolean;
  ax: number;
  ay: number;
  /** Line direction (bx − ax, by − ay) and unit normal. */
  dx: number;
  dy: number;
  nx: number;
  ny: number;
  sigma: number;
}

/**
 * Accepts candidate points for a district and holds the last accepted one. Coordinates are rounded
 * to the 6 decimals the export writes and re-projected before the district test, so a row's written
 * point always locates to its own district.
 */
class Sampler {
  x = 0;
  y = 0;
  lonOut = 0;
  latOut = 0;
  private readonly area: StudyArea;

  constructor(area: StudyArea) {
    this.area = area;
  }

  /** Rounds (x, y) through lon/lat and accepts it if it locates to `district`. */
  accept(x: number, y: number, district: number): boolean {
    const [lon, lat] = this.area.projection.inverse(x, y);
    const rlon = Math.round(lon * 1e6) / 1e6;
    const rlat = Math.round(lat * 1e6) / 1e6;
    const [px, py] = this.area.projection.forward(rlon, rlat);
    const loc = this.area.locate(px, py);
    if (loc.kind !== 'district' || loc.index !== district) return false;
    this.x = px;
    this.y = py;
    this.lonOut = rlon;
    this.latOut = rlat;
    return true;
  }
}

/** Cell size of the diffuse-sampling mask, metres. */
const MASK_CELL_M = 250;

/**
 * Cells of a grid over the district's bounding box that may hold district land: a cell joins when
 * one of 3×3 probe points lies inside the district polygon, and the set is then dilated by one cell so that
 * edges and narrow parts the probes miss stay covered. Drawing a cell uniformly, then a point in it,
 * then rejecting by `locate` keeps the distribution uniform over the district while skipping most of
 * the sea and the neighbours that a bounding-box draw would waste time on.
 */
interface DiffuseMask {
  x0: number;
  y0: number;
  cols: number;
  cells: Int32Array;
}

function diffuseMask(area: StudyArea, index: number): DiffuseMask {
  const g = area.def.districts[index]?.geometry;
  if (!g) throw new ValidationError('area', `distrito ${index} inexistente`);
  // Probing with the raw polygon is much cheaper than `locate` far from it (no sliver search);
  // the dilation below covers the sliver tolerance that `locate` adds at the edges.
  const poly = flattenPolygon(g, (lon, lat) => area.projection.forward(lon, lat));
  let [x0, y0, x1, y1] = poly.bbox;
  // One cell of margin on each side for the sliver tolerance of `locate`.
  x0 -= MASK_CELL_M;
  y0 -= MASK_CELL_M;
  const cols = Math.ceil((x1 + MASK_CELL_M - x0) / MASK_CELL_M);
  const rows = Math.ceil((y1 + MASK_CELL_M - y0) / MASK_CELL_M);
  const hit = new Uint8Array(cols * rows);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++)
      for (let k = 0; k < 9; k++) {
        const px = x0 + (c + ((k % 3) + 0.5) / 3) * MASK_CELL_M;
        const py = y0 + (r + (Math.floor(k / 3) + 0.5) / 3) * MASK_CELL_M;
        if (containsPoint(poly, px, py)) {
          hit[r * cols + c] = 1;
          break;
        }
      }
  const cells: number[] = [];
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      let near = false;
      for (let dr = -1; dr <= 1 && !near; dr++)
        for (let dc = -1; dc <= 1 && !near; dc++) {
          const rr = r + dr;
          const cc = c + dc;
          if (rr >= 0 && rr < rows && cc >= 0 && cc < cols && hit[rr * cols + cc]) near = true;
        }
      if (near) cells.push(r * cols + c);
    }
  return { x0, y0, cols, cells: Int32Array.from(cells) };
}

// ---------------------------------------------------------------------------------------------------
// Event store (typed arrays that grow)
// ---------------------------------------------------------------------------------------------------

class EventStore {
  n = 0;
  t: Float64Array;
  x: Float64Array;
  y: Float64Array;
  lon: Float64Array;
  lat: Float64Array;
  kind: Uint8Array;
  district: Uint8Array;
  parent: Int32Array;
  generation: Uint8Array;

  constructor(capacity: number) {
    const c = Math.max(16, capacity);
    this.t = new Float64Array(c);
    this.x = new Float64Array(c);
    this.y = new Float64Array(c);
    this.lon = new Float64Array(c);
    this.lat = new Float64Array(c);
    this.kind = new Uint8Array(c);
    this.district = new Uint8Array(c);
    this.parent = new Int32Array(c);
    this.generation = new Uint8Array(c);
  }

  push(t: number, s: Sampler, kind: number, district: number, parent: number, generation: number): void {
    if (this.n === this.t.length) this.grow();
    const i = this.n++;
    this.t[i] = t;
    this.x[i] = s.x;
    this.y[i] = s.y;
    this.lon[i] = s.lonOut;
    this.lat[i] = s.latOut;
    this.kind[i] = kind;
    this.district[i] = district;
    this.parent[i] = parent;
    this.generation[i] = Math.min(generation, 255);
  }

  private grow(): void {
    const c = this.t.length * 2;
    const f64 = (a: Float64Array): Float64Array => {
      const b = new Float64Array(c);
      b.set(a);
      return b;
    };
    this.t = f64(this.t);
    this.x = f64(this.x);
    this.y = f64(this.y);
    this.lon = f64(this.lon);
    this.lat = f64(this.lat);
    const k = new Uint8Array(c);
    k.set(this.kind);
    this.kind = k;
    const d = new Uint8Array(c);
    d.set(this.district);
    this.district = d;
    const p = new Int32Array(c);
    p.set(this.parent);
    this.parent = p;
    const g = new Uint8Array(c);
    g.set(this.generation);
    this.generation = g;
  }
}

// ---------------------------------------------------------------------------------------------------
// Generator
// ---------------------------------------------------------------------------------------------------

/** The label written in `fuente`: it marks every synthetic row. */
export function syntheticFuente(seed: number): string {
  return `SINTETICO vigia seed=${seed}`;
}

/** Expected share of each kind in a district at extortion-trend multiplier 1 (2025). */
export function districtKindShares(profile: DistrictProfile): Record<SyntheticKind, number> {
  const homicidio = (HOMICIDE_SHARE * profile.homicideWeight) / profile.share;
  const c = COMMON_KIND_SHARES;
  const fixed =
    profile.robo +
    profile.hurto +
    profile.extorsion +
    homicidio +
    c.violencia_familiar +
    c.estafa +
    c.lesiones;
  const otros = 1 - fixed - c.sexual - c.drogas - c.armas;
  return {
    hurto: profile.hurto,
    robo: profile.robo,
    extorsion: profile.extorsion,
    estafa: c.estafa,
    homicidio,
    lesiones: c.lesiones,
    violencia_familiar: c.violencia_familiar,
    sexual: c.sexual,
    drogas: c.drogas,
    armas: c.armas,
    otros,
  };
}

/** Extortion multiplier at instant `ms` (see {@link EXTORTION_TREND}). */
export function extortionTrend(ms: number): number {
  const m = EXTORTION_TREND.factorPerTwoYears ** ((ms - EXTORTION_REFERENCE_MS) / (2 * YEAR_MS));
  return Math.min(EXTORTION_TREND.max, Math.max(EXTORTION_TREND.min, m));
}

/**
 * Generates a synthetic SIDPOL geo-layer extract for Callao (the area must have the seven Callao
 * districts coded by 6-digit ubigeo). Deterministic: same area, seed and options ⇒ identical rows.
 */
export function generateSynthetic(area: StudyArea, options: SyntheticOptionsInput = {}): SyntheticResult {
  const opt = resolveSyntheticOptions(options);
  const tz = area.def.timeZone;
  const rng = createRng(opt.seed);
  const fuente = syntheticFuente(opt.seed);
  const { branchingRatio, meanDelayDays, sigmaMetres } = opt.trigger;

  // --- calendar -----------------------------------------------------------------------------------
  const start = parseDay(opt.start, 'start', tz);
  const wholeYears = Math.floor(opt.years);
  const endMs =
    localMidnight(start.y + wholeYears, start.m, start.d, tz) +
    Math.round((opt.years - wholeYears) * 365.2425) * DAY_MS;
  const startMs = start.ms;
  if (!(endMs > startMs)) throw new ValidationError('years', 'el periodo resultante está vacío');
  const clock = createLocalClock(tz, startMs, endMs);
  const miPeruCreatedMs = parseDay(MI_PERU_CREATED, 'MI_PERU_CREATED', tz).ms;

  // --- districts ----------------------------------------------------------------------------------
  const nd = area.def.districts.length;
  const profiles: DistrictProfile[] = area.def.districts.map((d) => {
    const p = DISTRICT_PROFILES.find((q) => q.code === d.code);
    if (!p)
      throw new ValidationError(
        'area',
        `el generador sintético es para el Callao: distrito ${d.code} sin calibración`,
      );
    return p;
  });
  if (nd === 0 || nd > 255) throw new ValidationError('area', 'se requieren los distritos del Callao');
  const districtCdf = cumulative(profiles.map((p) => p.share));
  const masks = profiles.map((_, i) => diffuseMask(area, i));
  const ventanilla = area.districtIndex('070106');
  const miPeru = area.districtIndex('070107');

  // Kind distribution per district: extortion share moves with the trend, the other kinds keep their
  // ratios, so district totals stay put while the mix shifts.
  const extKind = SYNTHETIC_KINDS.indexOf('extorsion');
  const kindShares = profiles.map(districtKindShares);
  const extBase = kindShares.map((s) => s.extorsion);
  const nonExtCdf = kindShares.map((s) =>
    cumulative(SYNTHETIC_KINDS.map((k) => (k === 'extorsion' ? 0 : s[k]))),
  );

  // Hotspot components per district; per (district, kind) a CDF over [components…, diffuse].
  const comps: Component[][] = profiles.map(() => []);
  const compWeights: { weight: number; tag: HotspotTag }[][] = profiles.map(() => []);
  for (const h of SYNTHETIC_HOTSPOTS) {
    const di = area.districtIndex(h.district);
    if (di < 0) continue;
    let c: Component;
    if (h.shape.kind === 'blob') {
      const [x, y] = area.projection.forward(h.shape.lon, h.shape.lat);
      c = { blob: true, ax: x, ay: y, dx: 0, dy: 0, nx: 0, ny: 0, sigma: h.shape.sigmaMetres };
    } else {
      const [ax, ay] = area.projection.forward(h.shape.from[0], h.shape.from[1]);
      const [bx, by] = area.projection.forward(h.shape.to[0], h.shape.to[1]);
      const len = Math.hypot(bx - ax, by - ay);
      c = {
        blob: false,
        ax,
        ay,
        dx: bx - ax,
        dy: by - ay,
        nx: -(by - ay) / len,
        ny: (bx - ax) / len,
        sigma: h.shape.spreadMetres,
      };
    }
    comps[di]?.push(c);
    compWeights[di]?.push({ weight: h.weight, tag: h.tag });
  }
  const locCdf: Float64Array[][] = profiles.map((_, di) =>
    SYNTHETIC_KINDS.map((k) => {
      const ws = compWeights[di] ?? [];
      if (ws.length === 0) return cumulative([1]);
      const aff = ws.map((w) => w.weight * KIND_AFFINITY[w.tag][k]);
      const total = aff.reduce((a, b) => a + b, 0);
      const share = HOTSPOT_SHARE[k];
      return cumulative([...aff.map((a) => (share * a) / total), 1 - share]);
    }),
  );

  // Comisarías per district, projected.
  const stations = SYNTHETIC_COMISARIAS.map((c) => {
    const [x, y] = area.projection.forward(c.lon, c.lat);
    return { ...c, x, y, index: area.districtIndex(c.district) };
  });
  const stationsByDistrict = profiles.map((_, di) => stations.filter((s) => s.index === di));

  // --- time ---------------------------------------------------------------------------------------
  // Background intensity as hourly bins over the whole period; constant when cycles are off.
  const nBins = Math.ceil((endMs - startMs) / HOUR_MS);
  const timeCdf = new Float64Array(nBins);
  {
    let s = 0;
    for (let b = 0; b < nBins; b++) {
      let w = 1;
      if (opt.cycles) {
        const ms = startMs + b * HOUR_MS;
        const f = clock(ms);
        const doy = (Date.UTC(f.year, f.month - 1, f.day) - Date.UTC(f.year, 0, 1)) / DAY_MS;
        w =
          (HOUR_PROFILE[f.hour] as number) *
          (WEEKDAY_PROFILE[f.weekday - 1] as number) *
          (1 + SEASONALITY.amplitude * Math.cos((2 * Math.PI * (doy - SEASONALITY.peakDayOfYear)) / 365.25));
      }
      // Start and end are local midnights, so only a DST change can leave the last bin partial.
      const binEnd = Math.min(endMs, startMs + (b + 1) * HOUR_MS);
      s += (w * (binEnd - (startMs + b * HOUR_MS))) / HOUR_MS;
      timeCdf[b] = s;
    }
  }

  // --- background ---------------------------------------------------------------------------------
  const expectedTotal = opt.annualVolume * opt.years;
  const expectedBackground = expectedTotal * (1 - branchingRatio);
  const nBackground = rng.poisson(expectedBackground);
  const store = new EventStore(Math.ceil(expectedTotal * 1.1) + 64);
  const sampler = new Sampler(area);

  const sampleDiffuse = (di: number): void => {
    const m = masks[di] as DiffuseMask;
    for (let i = 0; i < DIFFUSE_TRIES; i++) {
      const cell = m.cells[Math.floor(rng.next() * m.cells.length)] as number;
      const x = m.x0 + ((cell % m.cols) + rng.next()) * MASK_CELL_M;
      const y = m.y0 + (Math.floor(cell / m.cols) + rng.next()) * MASK_CELL_M;
      if (sampler.accept(x, y, di)) return;
    }
    throw new ValidationError(
      'area',
      `no se pudo muestrear un punto dentro del distrito ${profiles[di]?.code}`,
    );
  };
  const sampleLocation = (di: number, ki: number): void => {
    const cdf = locCdf[di]?.[ki] as Float64Array;
    const ci = pick(cdf, rng.next());
    const c = comps[di]?.[ci];
    if (c) {
      for (let i = 0; i < HOTSPOT_TRIES; i++) {
        let x: number;
        let y: number;
        if (c.blob) {
          x = c.ax + c.sigma * rng.normal();
          y = c.ay + c.sigma * rng.normal();
        } else {
          const s = rng.next();
          const off = c.sigma * rng.normal();
          x = c.ax + s * c.dx + off * c.nx;
          y = c.ay + s * c.dy + off * c.ny;
        }
        if (sampler.accept(x, y, di)) return;
      }
    }
    sampleDiffuse(di);
  };

  for (let i = 0; i < nBackground; i++) {
    const bin = pick(timeCdf, rng.next());
    const binStart = startMs + bin * HOUR_MS;
    const binLen = Math.min(HOUR_MS, endMs - binStart);
    const t = Math.floor((binStart + rng.next() * binLen) / MINUTE_MS) * MINUTE_MS;
    const di = pick(districtCdf, rng.next());
    const eb = (extBase[di] as number) * extortionTrend(t);
    const pExt = eb / (eb + 1 - (extBase[di] as number));
    const ki = rng.next() < pExt ? extKind : pick(nonExtCdf[di] as Float64Array, rng.next());
    sampleLocation(di, ki);
    store.push(t, sampler, ki, di, -1, 0);
  }

  // --- self-excitation ----------------------------------------------------------------------------
  // Every event, background or triggered, gets Poisson(n) children: same kind and district, an
  // exponential delay and a Gaussian displacement. Walking the store in order processes each
  // generation after its parents; children are appended behind.
  let droppedOutside = 0;
  let droppedLate = 0;
  let offspringSampled = 0;
  let delaySum = 0;
  const delayMeanMs = meanDelayDays * DAY_MS;
  for (let i = 0; i < store.n; i++) {
    const k = rng.poisson(branchingRatio);
    for (let j = 0; j < k; j++) {
      const delay = delayMeanMs * rng.exp();
      const dx = sigmaMetres * rng.normal();
      const dy = sigmaMetres * rng.normal();
      offspringSampled++;
      delaySum += delay;
      const t = Math.floor(((store.t[i] as number) + delay) / MINUTE_MS) * MINUTE_MS;
      if (t >= endMs) {
        droppedLate++;
        continue;
      }
      const di = store.district[i] as number;
      if (!sampler.accept((store.x[i] as number) + dx, (store.y[i] as number) + dy, di)) {
        droppedOutside++;
        continue;
      }
      store.push(t, sampler, store.kind[i] as number, di, i, (store.generation[i] as number) + 1);
    }
  }
  const n = store.n;

  // --- data-quality flags (drawn in event order, before sorting) --------------------------------
  // 0 = located, 1 = missing, 2 = forced to comisaría; bit 4 = date only.
  const flags = new Uint8Array(n);
  const regDelay = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let f = 0;
    if (rng.next() < opt.missingShare) f = 1;
    else if (rng.next() < opt.stationShare) f = 2;
    if (rng.next() < opt.dateOnlyShare) f |= 4;
    flags[i] = f;
    regDelay[i] = registrationDelay(
      rng,
      DISCOVERED_KINDS.has(SYNTHETIC_KINDS[store.kind[i] as number] as SyntheticKind),
    );
  }
  // Date-only rows are written at local midnight of the event's day (05:00 UTC in Lima).
  const writtenTime = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = store.t[i] as number;
    if ((flags[i] as number) & 4) {
      const f = clock(t);
      writtenTime[i] = localMidnight(f.year, f.month, f.day, tz);
    } else writtenTime[i] = t;
  }

  // --- sort by written time (true time breaks ties) ------------------------------------------------
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort(
    (a, b) =>
      (writtenTime[a] as number) - (writtenTime[b] as number) ||
      (store.t[a] as number) - (store.t[b] as number) ||
      a - b,
  );
  const rank = new Int32Array(n);
  for (let r = 0; r < n; r++) rank[order[r] as number] = r;

  // --- rows ---------------------------------------------------------------------------------------
  const events = {
    timeMs: new Float64Array(n),
    x: new Float64Array(n),
    y: new Float64Array(n),
    kind: new Uint8Array(n),
    district: new Uint8Array(n),
    parent: new Int32Array(n),
  };
  const kindCounts = Object.fromEntries(SYNTHETIC_KINDS.map((k) => [k, 0])) as Record<SyntheticKind, number>;
  const generations: number[] = [];
  const taxonomyPick = SYNTHETIC_KINDS.map((k) => SYNTHETIC_TAXONOMY[k]);
  const rows: SidpolGeoRow[] = new Array(n);
  const channelRng = createRng((opt.seed ^ CHANNEL_STREAM_SALT) >>> 0);
  const narrativeRng = createRng((opt.seed ^ NARRATIVE_STREAM_SALT) >>> 0);
  const narrativeSpans: PiiSpan[][] = new Array(n);
  for (let r = 0; r < n; r++) {
    const i = order[r] as number;
    const t = store.t[i] as number;
    const ki = store.kind[i] as number;
    const di = store.district[i] as number;
    const x = store.x[i] as number;
    const y = store.y[i] as number;
    const flag = flags[i] as number;
    events.timeMs[r] = t;
    events.x[r] = x;
    events.y[r] = y;
    events.kind[r] = ki;
    events.district[r] = di;
    const p = store.parent[i] as number;
    events.parent[r] = p < 0 ? -1 : (rank[p] as number);
    const kind = SYNTHETIC_KINDS[ki] as SyntheticKind;
    kindCounts[kind]++;
    const g = store.generation[i] as number;
    generations[g] = (generations[g] ?? 0) + 1;

    // Nearest comisaría of the district: the one whose jurisdiction the place falls in.
    const ds = stationsByDistrict[di] ?? [];
    let station = ds[0];
    let best = Infinity;
    for (const s of ds) {
      const d2 = (s.x - x) ** 2 + (s.y - y) ** 2;
      if (d2 < best) {
        best = d2;
        station = s;
      }
    }
    const f = clock(t);
    // Before Mi Perú existed its territory was Ventanilla's (domain §5.3 trap 5).
    const writtenDistrict = di === miPeru && ventanilla >= 0 && t < miPeruCreatedMs ? ventanilla : di;
    const profile = profiles[writtenDistrict] as DistrictProfile;
    const variants = taxonomyPick[ki] as readonly SidpolLabels[];
    const lab = variants[Math.floor(rng.next() * variants.length)] as SidpolLabels;
    const located = (flag & 3) !== 1;
    const forcedTo = (flag & 3) === 2 ? station : undefined;
    const lat = forcedTo ? forcedTo.lat : (store.lat[i] as number);
    const lon = forcedTo ? forcedTo.lon : (store.lon[i] as number);
    const narrative = opt.narratives
      ? syntheticNarrative(
          {
            kind,
            district: profile.sidpolName,
            comisaria: station?.name ?? '',
            hour: f.hour,
            date: { year: f.year, month: f.month, day: f.day },
          },
          narrativeRng.next,
        )
      : { text: '', spans: [] };
    narrativeSpans[r] = narrative.spans;
    rows[r] = {
      objectid: `SYN${opt.seed}-${String(r + 1).padStart(7, '0')}`,
      fecha_hora_hecho: String(writtenTime[i]),
      fecha_hora_registro_hecho: String(Math.floor((t + (regDelay[i] as number)) / 1000) * 1000),
      ano_hecho: String(f.year),
      mes_hecho: String(f.month),
      dia_hecho: String(f.day),
      departamento_hecho: 'CALLAO',
      provincia_hecho: 'CALLAO',
      distrito_hecho: profile.sidpolName,
      ubigeo_hecho_delito: String(Number(profile.code)),
      materia_hecho: lab.materia,
      tipo_hecho: lab.tipo,
      subtipo_hecho: lab.subtipo,
      modalidad_hecho: lab.modalidad,
      es_delito_x: lab.esDelito,
      turno_hecho: turnoOfHour(f.hour),
      lat_hecho: located ? lat.toFixed(6) : '',
      long_hecho: located ? lon.toFixed(6) : '',
      estado_coord: located ? 'CON COORDENADA' : 'SIN COORDENADA',
      observacion: forcedTo ? 'GEO FORZADA AL CENTROIDE DE COMISARIA' : '',
      comisaria_hecho: station?.name ?? '',
      direccion_hecho: '',
      fuente,
      canal: channelRng.next() < DISCOVERED_SHARE[kind] ? 'intervención policial' : 'denuncia',
      relato: narrative.text,
    };
  }

  return {
    rows,
    truth: {
      options: opt,
      fuente,
      startMs,
      endMs,
      branchingRatio,
      meanDelayDays,
      sigmaMetres,
      expectedTotal,
      expectedBackground,
      backgroundCount: nBackground,
      triggeredCount: n - nBackground,
      offspringSampled,
      meanSampledDelayDays: offspringSampled > 0 ? delaySum / offspringSampled / DAY_MS : Number.NaN,
      droppedOutside,
      droppedLate,
      generations,
      kindCounts,
      hotspots: SYNTHETIC_HOTSPOTS,
      comisarias: SYNTHETIC_COMISARIAS,
      narrativeSpans,
      events,
    },
  };
}

/** Event → registration delay in ms: 0–3 days, quick for police-discovered kinds. */
function registrationDelay(rng: Rng, discovered: boolean): number {
  const r = REGISTRATION;
  const cap = r.capH * HOUR_MS;
  for (;;) {
    let d: number;
    if (discovered) d = r.discoveredMeanH * HOUR_MS * rng.exp();
    else {
      const u = rng.next();
      if (u < r.quickShare) d = r.quickMeanH * HOUR_MS * rng.exp();
      else if (u < r.quickShare + r.uniformShare) d = cap * rng.next();
      else d = r.slowMeanH * HOUR_MS * rng.exp();
    }
    if (d <= cap) return d;
  }
}
