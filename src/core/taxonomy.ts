/**
 * The normalised crime taxonomy. Every incident carries a `category` (ours, stable, used by models
 * and crime groups) above the source's own hierarchy (SIDPOL tipo → subtipo → modalidad). The rules
 * that map source labels to categories, to the protected (restricted) flag and to the discovery
 * channel live here and nowhere else.
 */

/** Normalised categories, with Spanish labels and the properties the rest of the system needs. */
export const CRIME_CATEGORIES = {
  hurto: { label: 'Hurto', restricted: false, channel: 'reported' },
  robo: { label: 'Robo', restricted: false, channel: 'reported' },
  extorsion: { label: 'Extorsión', restricted: false, channel: 'reported' },
  estafa: { label: 'Estafa y defraudaciones', restricted: false, channel: 'reported' },
  secuestro: { label: 'Secuestro', restricted: false, channel: 'reported' },
  homicidio: { label: 'Homicidio y sicariato', restricted: false, channel: 'reported' },
  lesiones: { label: 'Lesiones', restricted: false, channel: 'reported' },
  violencia_familiar: {
    label: 'Violencia contra la mujer e integrantes del grupo familiar',
    restricted: true,
    channel: 'reported',
  },
  sexual: { label: 'Delitos sexuales', restricted: true, channel: 'reported' },
  drogas: { label: 'Tráfico ilícito de drogas', restricted: false, channel: 'discovered' },
  armas: { label: 'Armas y explosivos', restricted: false, channel: 'discovered' },
  otros: { label: 'Otros', restricted: false, channel: 'reported' },
} as const satisfies Record<string, { label: string; restricted: boolean; channel: Channel }>;

export type CrimeCategory = keyof typeof CRIME_CATEGORIES;
export const CATEGORY_CODES = Object.keys(CRIME_CATEGORIES) as CrimeCategory[];

/** How the police learnt of an incident: a victim's report, their own activity, or unknown. */
export const CHANNELS = ['reported', 'discovered', 'unknown'] as const;
export type Channel = (typeof CHANNELS)[number];

/** How a channel reads to analysts ("cómo se conoció"). */
export const CHANNEL_LABELS: Readonly<Record<Channel, string>> = {
  reported: 'denuncia',
  discovered: 'intervención policial',
  unknown: 'sin dato',
};

/** Values a source may write in its "how known" column (folded), and what each means. */
const CHANNEL_VALUES: ReadonlyMap<string, Channel> = new Map([
  ...['DENUNCIA', 'DENUNCIADO', 'DENUNCIADA', 'REPORTADO', 'REPORTADA', 'REPORTE', 'REPORTED'].map(
    (v) => [v, 'reported'] as const,
  ),
  ...[
    'INTERVENCION POLICIAL',
    'INTERVENCION',
    'PATRULLAJE',
    'DESCUBIERTO',
    'DESCUBIERTA',
    'FLAGRANCIA',
    'DISCOVERED',
  ].map((v) => [v, 'discovered'] as const),
  ...['SIN DATO', 'DESCONOCIDO', 'UNKNOWN'].map((v) => [v, 'unknown'] as const),
]);

/** The accepted "how known" values, for error messages. */
export const CHANNEL_VALUE_HINT =
  'denuncia/reportado, intervención policial/patrullaje/descubierto/flagrancia o sin dato';

/**
 * A source's "how known" value → channel; null for an empty cell (not given: the label rule
 * decides) and undefined for a value that is not one of the accepted ones.
 */
export function parseChannel(value: string): Channel | null | undefined {
  const folded = foldLabel(value);
  if (folded === '') return null;
  return CHANNEL_VALUES.get(folded);
}

/**
 * Crime groups forecast by default. `all` is every category except the protected ones (violence
 * against women and family members, sexual crimes): risk surfaces reach every forecast role, and a
 * 150 m surface built from protected incidents would show where victims live.
 */
export const CRIME_GROUPS = {
  property: ['hurto', 'robo'],
  extorsion: ['extorsion'],
  violent: ['homicidio', 'lesiones', 'secuestro', 'robo'],
  all: CATEGORY_CODES.filter((c) => !CRIME_CATEGORIES[c].restricted),
} as const satisfies Record<string, readonly CrimeCategory[]>;

/** Spanish names of the crime groups (printed documents; the dashboard has its own es/en strings). */
export const CRIME_GROUP_LABELS: Readonly<Record<keyof typeof CRIME_GROUPS, string>> = {
  property: 'Patrimonio (hurto y robo)',
  extorsion: 'Extorsión',
  violent: 'Violentos (homicidio, lesiones, secuestro, robo)',
  all: 'Todos (sin categorías protegidas)',
};

export function isCategory(value: string): value is CrimeCategory {
  return Object.hasOwn(CRIME_CATEGORIES, value);
}

/** Upper-case, accent-free form used to match source labels. */
export function foldLabel(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Keyword rules, first match wins; tested against "tipo | subtipo | modalidad" folded. */
const SIDPOL_RULES: readonly [RegExp, CrimeCategory][] = [
  [/VIOLENCIA CONTRA LA MUJER|INTEGRANTES DEL GRUPO FAMILIAR|LEY 30364|FEMINICIDIO/, 'violencia_familiar'],
  [/VIOLACION SEXUAL|ACTOS CONTRA EL PUDOR|ACOSO SEXUAL|TOCAMIENTOS|SEXUAL|PROXENETISMO/, 'sexual'],
  [/EXTORSION|COBRO DE CUPOS/, 'extorsion'],
  [/SECUESTRO/, 'secuestro'],
  [/HOMICIDIO|SICARIATO|ASESINATO|PARRICIDIO/, 'homicidio'],
  [/ROBO/, 'robo'],
  [/HURTO/, 'hurto'],
  [/ESTAFA|DEFRAUDACION/, 'estafa'],
  [/LESIONES/, 'lesiones'],
  // Arms before drugs: "TRAFICO ILICITO DE ARMAS" is an arms offence.
  [/\bARMAS?\b|MUNICIONES|EXPLOSIVOS/, 'armas'],
  [/DROGAS|TRAFICO ILICITO DE DROGAS|MICROCOMERCIALIZACION|ESTUPEFACIENTES|\bTID\b/, 'drogas'],
];

/** Source labels that mean the police found the incident themselves. */
const DISCOVERED_RULE = /INTERVENCION(ES)? POLICIAL|FLAGRAN|CONDUCCION EN ESTADO DE EBRIEDAD/;

/** The result of classifying one record. */
export interface Classification {
  category: CrimeCategory;
  restricted: boolean;
  channel: Channel;
}

/** Memo keyed by the four labels in turn (nested maps: no key string built per row). */
const classifyCache = new Map<
  string | null,
  Map<string | null, Map<string | null, Map<string, Classification>>>
>();
let classifyCacheSize = 0;

/**
 * Classifies a SIDPOL record from its taxonomy labels. Sources repeat a few hundred label
 * combinations, so results are memoised (bounded).
 * @param esDelito the `es_delito_x` group ("4.Violencia contra la mujer e int" marks Ley 30364 cases)
 */
export function classifySidpol(labels: {
  tipo: string | null;
  subtipo: string | null;
  modalidad: string | null;
  esDelito?: string | null;
}): Classification {
  const bySubtipo = getOrCreate(classifyCache, labels.tipo, () => new Map());
  const byModalidad = getOrCreate(bySubtipo, labels.subtipo, () => new Map());
  const byEsDelito = getOrCreate(byModalidad, labels.modalidad, () => new Map());
  const esDelito = labels.esDelito ?? '';
  const hit = byEsDelito.get(esDelito);
  if (hit) return hit;
  const result = classifyUncached(labels);
  if (classifyCacheSize++ < 20_000) byEsDelito.set(esDelito, result);
  return result;
}

/** The value under `key`, created by `make` when missing. */
function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

function classifyUncached(labels: {
  tipo: string | null;
  subtipo: string | null;
  modalidad: string | null;
  esDelito?: string | null;
}): Classification {
  const text = foldLabel([labels.tipo, labels.subtipo, labels.modalidad].filter(Boolean).join(' | '));
  let category: CrimeCategory = 'otros';
  if (labels.esDelito && /^\s*4/.test(labels.esDelito)) category = 'violencia_familiar';
  else {
    for (const [re, cat] of SIDPOL_RULES) {
      if (re.test(text)) {
        category = cat;
        break;
      }
    }
  }
  const props = CRIME_CATEGORIES[category];
  const channel: Channel =
    text === '' ? 'unknown' : DISCOVERED_RULE.test(text) ? 'discovered' : props.channel;
  return { category, restricted: props.restricted, channel };
}

/** `P_MODALIDADES` of the SIDPOL monthly table (7 values) → category. */
export const SIDPOL_MODALITY_CATEGORY: Readonly<Record<string, CrimeCategory>> = {
  OTROS: 'otros',
  'VIOLENCIA CONTRA LA MUJER E INTEGRANTES': 'violencia_familiar',
  HURTO: 'hurto',
  ROBO: 'robo',
  ESTAFA: 'estafa',
  EXTORSION: 'extorsion',
  SECUESTRO: 'secuestro',
};
