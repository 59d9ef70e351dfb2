/**
 * The narrative data-quality report (issue 14, docs/text.md#clasificación-de-relatos): incidents
 * whose narrative reads as another crime category than the one recorded.
 *
 * A text classifier (src/text/classifier.ts: TF-IDF + multinomial logistic regression) is trained on
 * the redacted narratives of a period before the one checked (no look-ahead: nothing from the checked
 * period or later is used to train), then predicts the category of every narrative of the checked
 * period. A narrative is flagged when the predicted category differs from the recorded one with
 * probability ≥ the threshold (`DEFAULT_FLAG_THRESHOLD`). The report scores the classifier on the
 * checked period against the recorded categories (macro-F1, per-class F1, log loss vs the class
 * prior, confusion matrix) — which includes any recording errors, so it is a floor on its quality.
 *
 * Only the stored redacted narratives are read (storage `redactedNarratives`, protected categories
 * included: the report is for the full view); the original text never leaves storage here. The report
 * quotes them, so it is incident-level data: every report is audited ('narratives.quality').
 */
import { chooseClasses, priorOf } from '../classify/classes.ts';
import { InsufficientDataError, ValidationError } from '../core/errors.ts';
import { parseDay } from '../core/time.ts';
import { argmaxRows, confusionMatrix, rowLogLoss, scoreClassifier } from '../evaluation/classification.ts';
import type { Db } from '../storage/db.ts';
import { redactedNarratives } from '../storage/incidents.ts';
import {
  DEFAULT_TEXT_CLASSIFIER_SETTINGS,
  disagreements,
  fitTextClassifier,
  type TextClassifierSettings,
} from '../text/classifier.ts';
import { getStudyArea } from './areas.ts';
import { type AuditContext, audit } from './audit.ts';

const DAY_MS = 86_400_000;
/** Probability of the predicted category at which a disagreement is flagged (measured in docs/text.md). */
export const DEFAULT_FLAG_THRESHOLD = 0.8;
/** Training period before the checked one, days (default). */
export const DEFAULT_TRAIN_DAYS = 365;
/** Fewest training narratives a category needs to be its own class (the rest: "otros"). */
export const DEFAULT_MIN_NARRATIVES = 20;
/** Flags listed at most (default; the count of all flags is always given). */
export const DEFAULT_FLAG_LIMIT = 200;
/** Training narratives at most: the newest before the checked period (bounds the fit's time and memory). */
export const MAX_TRAIN_NARRATIVES = 10_000;
/** Characters of a narrative quoted in the report (longer ones are cut, with "…"). */
export const QUOTE_CHARS = 1000;

/** A redacted narrative with its recorded category. */
export interface LabelledNarrative {
  id: string;
  occurredAt: Date;
  category: string;
  district: string | null;
  /** Redacted text. */
  text: string;
}

/** Settings of a check. */
export interface NarrativeCheckSettings {
  threshold?: number;
  minClassCount?: number;
  limit?: number;
  classifier?: Partial<TextClassifierSettings>;
}

/** One flagged narrative. */
export interface NarrativeFlag {
  id: string;
  occurredAt: string;
  district: string | null;
  recorded: string;
  predicted: string;
  /** Probability of the predicted category. */
  probability: number;
  /** Probability the classifier gives the recorded category. */
  recordedProbability: number;
  /** The redacted narrative (cut at QUOTE_CHARS). */
  text: string;
}

/** What a check finds, without the periods (see NarrativeQualityReport). */
export interface NarrativeCheck {
  threshold: number;
  classes: string[];
  trainRows: number;
  /** Narratives of the checked period whose recorded category is a class of the classifier. */
  checked: number;
  /** Narratives whose category the training period never had (not checked). */
  unchecked: number;
  flagged: number;
  scores: {
    accuracy: number;
    macroF1: number;
    perClassF1: (number | null)[];
    logLoss: number;
    /** Log loss of the class prior (training shares) on the same rows. */
    priorLogLoss: number;
    /** `confusion[recorded][predicted]`, in the order of `classes`. */
    confusion: number[][];
  };
  /** Flags, most confident first, at most `limit`. */
  flags: NarrativeFlag[];
}

function quote(text: string): string {
  return text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS)}…` : text;
}

/**
 * Trains on `train` and checks `check` (pure: the rows are given).
 * @throws InsufficientDataError when either list is empty or training has fewer than 2 classes
 */
export function checkNarratives(
  train: readonly LabelledNarrative[],
  check: readonly LabelledNarrative[],
  settings: NarrativeCheckSettings = {},
): NarrativeCheck {
  const threshold = settings.threshold ?? DEFAULT_FLAG_THRESHOLD;
  if (!(threshold > 0 && threshold <= 1)) throw new ValidationError('umbral', 'debe estar entre 0 y 1');
  const minCount = settings.minClassCount ?? DEFAULT_MIN_NARRATIVES;
  const limit = settings.limit ?? DEFAULT_FLAG_LIMIT;
  if (train.length === 0)
    throw new InsufficientDataError(
      'no hay relatos en el periodo de entrenamiento (antes del periodo revisado)',
    );
  if (check.length === 0) throw new InsufficientDataError('no hay relatos en el periodo revisado');
  const labelNames = [...new Set(train.map((r) => r.category))].sort();
  const labelIndex = new Map(labelNames.map((l, i) => [l, i]));
  let classes: ReturnType<typeof chooseClasses>;
  try {
    classes = chooseClasses(
      train.map((r) => labelIndex.get(r.category) as number),
      labelNames,
      minCount,
    );
  } catch (e) {
    if (e instanceof ValidationError)
      throw new InsufficientDataError(
        `hacen falta relatos de al menos 2 categorías con ${minCount} casos o más en el periodo de entrenamiento`,
      );
    throw e;
  }
  const k = classes.names.length;
  const classOf = (category: string): number => {
    const l = labelIndex.get(category);
    return l === undefined ? -1 : (classes.ofLabel[l] as number);
  };
  const yTrain = Int32Array.from(train, (r) => classOf(r.category));
  const model = fitTextClassifier(
    train.map((r) => r.text),
    yTrain,
    classes.names,
    { ...DEFAULT_TEXT_CLASSIFIER_SETTINGS, ...settings.classifier },
  );
  const rows = check.filter((r) => classOf(r.category) >= 0);
  if (rows.length === 0)
    throw new InsufficientDataError(
      'ningún relato del periodo revisado tiene una categoría vista en el entrenamiento',
    );
  const y = Int32Array.from(rows, (r) => classOf(r.category));
  const p = model.predictProba(rows.map((r) => r.text));
  const prior = priorOf(yTrain, k);
  const priorP = new Float64Array(rows.length * k);
  for (let i = 0; i < rows.length; i++) priorP.set(prior, i * k);
  const priorLoss = rowLogLoss(priorP, k, y);
  const scores = scoreClassifier(p, k, y, { reference: priorLoss });
  const found = disagreements(p, k, y, threshold);
  return {
    threshold,
    classes: classes.names,
    trainRows: train.length,
    checked: rows.length,
    unchecked: check.length - rows.length,
    flagged: found.length,
    scores: {
      accuracy: scores.accuracy,
      macroF1: scores.macroF1,
      perClassF1: scores.perClassF1,
      logLoss: scores.logLoss,
      priorLogLoss: scores.logLoss - (scores.vsReference?.difference ?? 0),
      confusion: confusionMatrix(argmaxRows(p, k), y, k),
    },
    flags: found.slice(0, limit).map((d) => {
      const r = rows[d.row] as LabelledNarrative;
      return {
        id: r.id,
        occurredAt: r.occurredAt.toISOString(),
        district: r.district,
        recorded: classes.names[d.recorded] as string,
        predicted: classes.names[d.predicted] as string,
        probability: d.probability,
        recordedProbability: d.recordedProbability,
        text: quote(r.text),
      };
    }),
  };
}

/** What to check: local days, half-open periods [from, to). */
export interface NarrativeQualityOptions extends NarrativeCheckSettings {
  area: string;
  from: string;
  to: string;
  /** First training day (default: DEFAULT_TRAIN_DAYS before `from`); training ends at `from`. */
  trainFrom?: string;
}

/** The data-quality report of a period. */
export interface NarrativeQualityReport extends NarrativeCheck {
  area: string;
  period: { from: string; to: string };
  train: { from: string; to: string; rows: number };
}

function localDay(ms: number, tz: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(ms));
}

/**
 * The report of an area's period: train before `from`, check [from, to); audited as `ctx`.
 * @throws ValidationError for bad days or an empty period; InsufficientDataError (see checkNarratives)
 */
export async function narrativeQuality(
  db: Db,
  o: NarrativeQualityOptions,
  ctx: AuditContext,
): Promise<NarrativeQualityReport> {
  const area = await getStudyArea(db, o.area);
  const tz = area.def.timeZone;
  const from = parseDay(o.from, tz, 'from').getTime();
  const to = parseDay(o.to, tz, 'to').getTime();
  if (to <= from) throw new ValidationError('to', 'debe ser posterior a from');
  const trainFrom = o.trainFrom
    ? parseDay(o.trainFrom, tz, 'train-from').getTime()
    : from - DEFAULT_TRAIN_DAYS * DAY_MS;
  if (trainFrom >= from) throw new ValidationError('train-from', 'debe ser anterior a from');
  const train = (await readNarratives(db, o.area, trainFrom, from)).slice(-MAX_TRAIN_NARRATIVES);
  const check = await readNarratives(db, o.area, from, to);
  const result = checkNarratives(train, check, o);
  await audit(db, ctx, 'narratives.quality', `area:${o.area}`, {
    from: o.from,
    to: o.to,
    threshold: result.threshold,
    checked: result.checked,
    flagged: result.flagged,
    listed: result.flags.length,
  });
  return {
    area: o.area,
    period: { from: o.from, to: o.to },
    train: { from: o.trainFrom ?? localDay(trainFrom, tz), to: o.from, rows: result.trainRows },
    ...result,
  };
}

/** The stored redacted narratives of an area in [from, to), ms (protected categories too: the full view). */
async function readNarratives(db: Db, area: string, from: number, to: number): Promise<LabelledNarrative[]> {
  const rows = await redactedNarratives(db, {
    area,
    from: new Date(from),
    to: new Date(to),
    includeProtected: true,
  });
  return rows.map((r) => ({
    id: r.id,
    occurredAt: r.occurredAt,
    category: r.category,
    district: r.district,
    text: r.text,
  }));
}
