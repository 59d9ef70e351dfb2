/**
 * The model catalogue and model settings as users give them: what `vigia models` lists, and the
 * resolution of `--set model.option=value` into validated options. Model-specific facts (options,
 * units, defaults, refit interval, baseline or not) come from each model's module; the only
 * setting added here is the harness's refit interval, for the models that can be conditioned.
 */
import { ValidationError } from '../core/errors.ts';
import type { SettingInfo } from '../models/predictor.ts';
import { getPredictor, PREDICTOR_KINDS } from '../models/registry.ts';

export type { SettingInfo } from '../models/predictor.ts';

/**
 * The harness setting of models that can be conditioned on newer data without refitting (those
 * whose module declares `refitEveryDays`): refit every N days, conditioned in between.
 */
export const REFIT_SETTING = 'refitEveryDays';
const REFIT_MAX_DAYS = 365;

/** A model in the catalogue. */
export interface ModelSummary {
  name: string;
  /** 'baseline' (random, naive: references) or 'model'. */
  kind: 'baseline' | 'model';
  description: string;
}

/** Every registered model, in registry order. */
export function listModels(): ModelSummary[] {
  return PREDICTOR_KINDS.map((name) => {
    const m = getPredictor(name);
    return { name, kind: m.baseline ? 'baseline' : 'model', description: m.description };
  });
}

/** How often a model is refitted in a backtest by default (days): the module's choice, else 1. */
export function defaultRefitDays(kind: string): number {
  return getPredictor(kind).refitEveryDays ?? 1;
}

/**
 * Every setting of a model: its own options, then the harness's refit interval where it applies.
 * @throws ValidationError for an unknown model
 */
export function modelSettings(kind: string): SettingInfo[] {
  const module = getPredictor(kind);
  if (module.refitEveryDays === undefined) return [...module.settings];
  return [
    ...module.settings,
    {
      name: REFIT_SETTING,
      type: 'integer',
      allowed: `[1, ${REFIT_MAX_DAYS}]`,
      unit: 'días',
      default: defaultRefitDays(kind),
      description:
        'backtest: reajusta el modelo cada N días; entre medio lo condiciona en los datos nuevos (si el modelo lo permite)',
    },
  ];
}

/**
 * Every model's settings as Markdown table rows (model, setting, type, allowed, unit, default,
 * description): the table of docs/forecasting.md, which a test keeps equal to this.
 */
export function settingsMarkdown(): string {
  const value = (v: unknown): string => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;
  return listModels()
    .flatMap((m) =>
      modelSettings(m.name).map(
        (s) =>
          `| ${m.name} | \`${s.name}\` | ${s.type.replaceAll('|', '\\|')} | ${s.allowed} | ${s.unit} | ${value(s.default)} | ${s.description} |`,
      ),
    )
    .join('\n');
}

/** A model's validated options and refit interval. */
export interface ResolvedModel {
  config: unknown;
  refitEveryDays: number;
}

/**
 * Validates one model's settings (options merged over its defaults, plus `refitEveryDays`).
 * @param settings option → value, e.g. from `--set` or a sweep combination
 * @throws ValidationError naming `model.option`
 */
export function resolveModel(
  kind: string,
  settings: Readonly<Record<string, unknown>> = {},
  /** The name errors use (a backtest variant such as "gbt-grid:sin-hora"); default the kind. */
  name = kind,
): ResolvedModel {
  const module = getPredictor(kind);
  const conditioned = module.refitEveryDays !== undefined;
  // Models without conditioning refit every window; for them refitEveryDays is an unknown option.
  const { [REFIT_SETTING]: refit, ...rest } = settings;
  const options = conditioned ? rest : settings;
  let refitEveryDays = defaultRefitDays(kind);
  if (conditioned && refit !== undefined) {
    if (typeof refit !== 'number' || !Number.isInteger(refit) || refit < 1 || refit > REFIT_MAX_DAYS)
      throw new ValidationError(
        `${name}.${REFIT_SETTING}`,
        `debe ser un entero entre 1 y ${REFIT_MAX_DAYS} días, recibió ${JSON.stringify(refit)}`,
      );
    refitEveryDays = refit;
  }
  try {
    return { config: module.parseConfig(options), refitEveryDays };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    // Name the model too: "pro-hotspot.bandwidth: debe estar entre 50 y 5000 m".
    const detail = err.message.startsWith(`${err.field}: `)
      ? err.message.slice(err.field.length + 2)
      : err.message;
    throw new ValidationError(`${name}.${err.field}`, detail);
  }
}

/**
 * Settings given once per option (a backtest, a forecast): each option's value list must hold one
 * value, unless the option itself is a list.
 * @param sets model → option → values, as `parseSets` gives them
 * @throws ValidationError naming `model.option` for an unknown model or several values
 */
export function singleSettings(
  sets: Readonly<Record<string, Readonly<Record<string, readonly unknown[]>>>>,
): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(sets).map(([name, options]) => {
      // A variant ("gbt-grid:sin-hora") takes its model's settings.
      const info = new Map(modelSettings(kindOfModelName(name)).map((s) => [s.name, s]));
      const kind = name;
      return [
        name,
        Object.fromEntries(
          Object.entries(options).map(([option, values]) => {
            if (info.get(option)?.type.startsWith('array')) return [option, [...values]];
            if (values.length !== 1)
              throw new ValidationError(
                `${kind}.${option}`,
                `un solo valor aquí (recibió ${values.length}); para probar varios use vigia sweep`,
              );
            return [option, values[0]];
          }),
        ),
      ];
    }),
  );
}

/** A backtest model name: a kind, or a kind and a variant label ("gbt-grid:sin-hora"). */
const VARIANT = /^([a-z][a-z0-9-]*)(?::([a-z0-9][a-z0-9-]*))?$/;

/**
 * The kind of a backtest model name ("gbt-grid:sin-hora" → "gbt-grid"), so one backtest can compare
 * settings of the same model side by side (paired over the same windows).
 * @throws ValidationError naming `--models` for a malformed name
 */
export function kindOfModelName(name: string): string {
  const m = VARIANT.exec(name);
  if (!m)
    throw new ValidationError(
      '--models',
      `nombre de modelo inválido "${name}" (use modelo o modelo:variante, ej. gbt-grid:sin-hora)`,
    );
  return m[1] as string;
}
