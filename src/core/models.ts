/**
 * The names a Callao user reads for each model kind (issue 13): Spanish and English names and a
 * one-line description. One table, pure, imported by the server (mission sheet, plan explanation,
 * CLI) and by the dashboard, so a model is called the same everywhere. The kind itself stays the
 * technical identifier (registry, CLI `--model`, stored forecasts); analysts see it in parentheses.
 */

/** A model's names and one-line descriptions. */
export interface ModelName {
  es: string;
  en: string;
  descriptionEs: string;
  descriptionEn: string;
}

/** Every registered model kind (src/models/registry.ts; a test keeps both lists equal). */
export const MODEL_NAMES = {
  random: {
    es: 'Azar (referencia)',
    en: 'Random (baseline)',
    descriptionEs: 'Riesgo al azar: el piso que cualquier modelo debe superar.',
    descriptionEn: 'Random risk: the floor any model must beat.',
  },
  'naive-counts': {
    es: 'Conteo simple (referencia)',
    en: 'Simple counts (baseline)',
    descriptionEs: 'Cuántos delitos hubo en cada celda antes: lo que ya sabe cualquier comisaría.',
    descriptionEn: 'How many crimes each cell had before: what any station already knows.',
  },
  'retro-hotspot': {
    es: 'Zonas calientes recientes',
    en: 'Retrospective hot spots',
    descriptionEs: 'Delitos de las últimas semanas suavizados alrededor de cada celda.',
    descriptionEn: 'Crimes of the last weeks smoothed around each cell.',
  },
  'pro-hotspot': {
    es: 'Zonas calientes prospectivas',
    en: 'Prospective hot spots',
    descriptionEs:
      'Delitos recientes y cercanos pesan más: el riesgo se contagia a los vecinos por unas semanas.',
    descriptionEn: 'Recent, nearby crimes weigh more: risk spreads to neighbours for a few weeks.',
  },
  stkde: {
    es: 'Densidad espacio-temporal',
    en: 'Space-time kernel density',
    descriptionEs: 'Densidad de delitos pasados en el espacio y el tiempo (núcleo gaussiano).',
    descriptionEn: 'Density of past crimes in space and time (Gaussian kernel).',
  },
  'sepp-grid': {
    es: 'Proceso autoexcitado (ETAS)',
    en: 'Self-exciting process (ETAS)',
    descriptionEs: 'Nivel habitual de cada celda más el aumento que deja cada delito reciente cerca.',
    descriptionEn: "Each cell's usual level plus the rise each recent nearby crime leaves.",
  },
  'gbt-grid': {
    es: 'Árboles potenciados',
    en: 'Boosted trees',
    descriptionEs:
      'Aprendizaje automático (árboles potenciados) sobre el historial, el calendario y el entorno de cada celda.',
    descriptionEn:
      "Machine learning (gradient-boosted trees) on each cell's history, calendar and surroundings.",
  },
  'forest-grid': {
    es: 'Bosque aleatorio',
    en: 'Random forest',
    descriptionEs:
      'Aprendizaje automático (muchos árboles promediados) sobre el historial y el entorno de cada celda.',
    descriptionEn: "Machine learning (many averaged trees) on each cell's history and surroundings.",
  },
  'mlp-grid': {
    es: 'Red neuronal',
    en: 'Neural network',
    descriptionEs: 'Red neuronal (perceptrón multicapa) sobre las mismas variables que los árboles.',
    descriptionEn: 'Neural network (multilayer perceptron) on the same features as the trees.',
  },
  'lstm-grid': {
    es: 'Red neuronal de secuencias (LSTM)',
    en: 'Sequence neural network (LSTM)',
    descriptionEs: 'Red neuronal que lee la secuencia de los últimos días de cada celda.',
    descriptionEn: "Neural network that reads each cell's sequence of recent days.",
  },
} as const satisfies Record<string, ModelName>;

/**
 * The Spanish (or English) name of a model kind, with the kind in parentheses when asked; an
 * unknown kind (e.g. from an older database) is shown as is.
 * @example
 * modelName('sepp-grid'); // → 'Proceso autoexcitado (ETAS)'
 * modelName('gbt-grid', { withKind: true }); // → 'Árboles potenciados (gbt-grid)'
 */
export function modelName(kind: string, o: { lang?: 'es' | 'en'; withKind?: boolean } = {}): string {
  const entry = Object.hasOwn(MODEL_NAMES, kind)
    ? (MODEL_NAMES as Record<string, ModelName>)[kind]
    : undefined;
  if (!entry) return kind;
  const name = o.lang === 'en' ? entry.en : entry.es;
  return o.withKind ? `${name} (${kind})` : name;
}

/** The one-line description of a model kind in a language ('' for an unknown kind). */
export function modelDescription(kind: string, lang: 'es' | 'en' = 'es'): string {
  const entry = Object.hasOwn(MODEL_NAMES, kind)
    ? (MODEL_NAMES as Record<string, ModelName>)[kind]
    : undefined;
  return entry ? (lang === 'en' ? entry.descriptionEn : entry.descriptionEs) : '';
}
