/**
 * The feature matrix: typed column blocks (one Float32Array per feature) over rows = valid cells ×
 * forecast windows, described by a serialisable schema (names, kinds, units, descriptions and the
 * settings that made them) to persist with a trained model.
 */
import { ValidationError } from '../core/errors.ts';

/** What a feature measures (docs/features.md describes each). */
export const FEATURE_KINDS = [
  'count',
  'ring',
  'near-repeat',
  'decay',
  'calendar',
  'district',
  'hour-profile',
  'cluster',
  'environment',
  'place-type',
] as const;
export type FeatureKind = (typeof FEATURE_KINDS)[number];

/** One column of the matrix. */
export interface FeatureColumnSpec {
  /** Stable name, e.g. "count.property.7d". */
  readonly name: string;
  readonly kind: FeatureKind;
  /** Unit of the values, e.g. "events", "weighted events", "day of week (1 = Monday)". */
  readonly unit: string;
  readonly description: string;
}

/**
 * Per-cell columns that do not change from window to window (environment layers, location
 * clusters, place types of past events), computed by their own module from data known before the
 * earliest window and appended by `buildFeatures` after the window columns.
 */
export interface CellFeatureBlock {
  readonly columns: readonly FeatureColumnSpec[];
  /** One array per column with one value per grid cell (`cellCount(grid)` long; NaN = missing). */
  readonly values: readonly Float32Array[];
}

/** The settings a matrix was built with (recorded so a trained model can rebuild the same columns). */
export interface FeatureSettings {
  readonly groups: readonly string[];
  readonly lagsDays: readonly number[];
  readonly ringLagsDays: readonly number[];
  readonly nearRepeatDays: number;
  readonly halfLivesDays: readonly number[];
  /** Events older than this many days before the window start are not looked at. */
  readonly horizonDays: number;
  readonly timeZone: string;
  /** Holiday calendar (ISO 3166-1 alpha-2), or null when none was given. */
  readonly country: string | null;
  readonly district: boolean;
  /** `count.<group>.all` columns (absent in older schemas = false). */
  readonly allHistory?: boolean;
  /** Time-of-day columns (absent in older schemas = true). */
  readonly hourFeatures?: boolean;
}

/** Everything needed to interpret (and rebuild) the columns. */
export interface FeatureSchema {
  readonly version: 1;
  readonly columns: readonly FeatureColumnSpec[];
  readonly settings: FeatureSettings;
}

/**
 * Features of every valid cell in every window. Row `w * cells.length + k` is window `w` (in the
 * order given) and cell `cells[k]`.
 */
export interface FeatureMatrix {
  readonly schema: FeatureSchema;
  /** Valid cells, ascending. */
  readonly cells: Int32Array;
  readonly windowCount: number;
  readonly rows: number;
  /** One column per `schema.columns` entry, each `rows` long. */
  readonly columns: readonly Float32Array[];
  /** Events of the target group that occurred in each row's cell and window, when asked for. */
  readonly target: Float32Array | null;
}

/** The column named `name`. @throws ValidationError when the schema has no such column */
export function featureColumn(matrix: FeatureMatrix, name: string): Float32Array {
  const i = matrix.schema.columns.findIndex((c) => c.name === name);
  const col = matrix.columns[i];
  if (i < 0 || !col) throw new ValidationError('feature', `columna de variables desconocida "${name}"`);
  return col;
}

/** The schema as JSON text, to store with a model. */
export function serializeSchema(schema: FeatureSchema): string {
  return JSON.stringify(schema);
}

/**
 * A schema read back from JSON text.
 * @throws ValidationError when the text is not a version-1 feature schema
 */
export function parseSchema(text: string): FeatureSchema {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ValidationError('featureSchema', 'el esquema de variables no es JSON válido');
  }
  const bad = (what: string): never => {
    throw new ValidationError('featureSchema', `esquema de variables inválido: ${what}`);
  };
  const v = value as Partial<FeatureSchema> | null;
  if (!v || typeof v !== 'object' || v.version !== 1) bad('versión desconocida (se esperaba 1)');
  const s = v?.settings as Partial<FeatureSettings> | undefined;
  const numbers = (a: unknown): boolean =>
    Array.isArray(a) && a.every((n) => typeof n === 'number' && Number.isFinite(n) && n > 0);
  if (
    !s ||
    !Array.isArray(s.groups) ||
    !s.groups.every((g) => typeof g === 'string') ||
    !numbers(s.lagsDays) ||
    !numbers(s.ringLagsDays) ||
    !numbers(s.halfLivesDays) ||
    !numbers([s.nearRepeatDays, s.horizonDays]) ||
    typeof s.timeZone !== 'string' ||
    !(s.country === null || typeof s.country === 'string') ||
    typeof s.district !== 'boolean'
  )
    bad('settings');
  if (!Array.isArray(v?.columns)) bad('columns');
  const names = new Set<string>();
  for (const [i, c] of (v?.columns ?? []).entries()) {
    if (
      !c ||
      typeof c.name !== 'string' ||
      typeof c.unit !== 'string' ||
      typeof c.description !== 'string' ||
      !(FEATURE_KINDS as readonly string[]).includes(c.kind)
    )
      bad(`columns[${i}]`);
    if (names.has(c.name)) bad(`columna repetida "${c.name}"`);
    names.add(c.name);
  }
  return v as FeatureSchema;
}
