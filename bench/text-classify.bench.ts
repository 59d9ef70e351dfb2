/**
 * Narrative classification and the data-quality flag on a labelled synthetic set (issue 14,
 * docs/text.md#clasificación-de-relatos).
 *
 * `N` synthetic Spanish narratives (src/synthetic/narratives.ts) with Callao-like category shares,
 * in time order, redacted as stored (src/text/redact.ts); `RELABEL` of them (train and test alike)
 * get a wrong recorded category, drawn by the shares. The first two thirds train, the last third is
 * checked (the harness's rule: train before, test after). Reports macro-F1, per-class F1, log loss vs
 * the class prior, the confusion matrix, and the flag's precision / recall of the relabelled test
 * rows per threshold; then scikit-learn (python3-sklearn, bench only) on the same split: TF-IDF +
 * LogisticRegression over our tokens (same vocabulary rules, C = 1 / (l2 · n)), and over its own
 * default word tokenizer (no stemming, no stopwords).
 *
 *     node --import tsx bench/text-classify.bench.ts [--n 6000] [--relabel 0.03] [--seed 7]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../src/core/random.ts';
import { CRIME_CATEGORIES, type CrimeCategory } from '../src/core/taxonomy.ts';
import { argmaxRows, f1Scores, rowLogLoss, scoreClassifier } from '../src/evaluation/classification.ts';
import { checkNarratives, type LabelledNarrative } from '../src/services/narrative-quality.ts';
import { syntheticNarrative } from '../src/synthetic/narratives.ts';
import {
  DEFAULT_TEXT_CLASSIFIER_SETTINGS,
  disagreements,
  fitTextClassifier,
} from '../src/text/classifier.ts';
import { redact } from '../src/text/redact.ts';
import { terms } from '../src/text/tokens.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('n', 6000);
const RELABEL = arg('relabel', 0.03);
const SEED = arg('seed', 7);
const OUT = 'bench/out';
const THRESHOLDS = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95];

/** Category shares of the set [U: Callao-like, rounded; protected categories included]. */
const SHARES: Record<CrimeCategory, number> = {
  hurto: 0.3,
  robo: 0.22,
  violencia_familiar: 0.12,
  lesiones: 0.1,
  estafa: 0.08,
  extorsion: 0.06,
  drogas: 0.04,
  otros: 0.037,
  armas: 0.02,
  sexual: 0.02,
  homicidio: 0.01,
  secuestro: 0.003,
};
const DISTRICTS = [
  'CALLAO',
  'BELLAVISTA',
  'LA PERLA',
  'LA PUNTA',
  'CARMEN DE LA LEGUA REYNOSO',
  'VENTANILLA',
  'MI PERU',
];
const CATS = Object.keys(SHARES) as CrimeCategory[];

function drawCategory(r: () => number, not?: CrimeCategory): CrimeCategory {
  for (;;) {
    let u = r() * CATS.reduce((s, c) => s + (c === not ? 0 : SHARES[c]), 0);
    for (const c of CATS) {
      if (c === not) continue;
      u -= SHARES[c];
      if (u <= 0) return c;
    }
  }
}

const r = mulberry32(SEED);
const start = Date.UTC(2024, 0, 1);
const rows: (LabelledNarrative & { truth: CrimeCategory })[] = [];
for (let i = 0; i < N; i++) {
  const truth = drawCategory(r);
  const recorded = r() < RELABEL ? drawCategory(r, truth) : truth;
  const raw = syntheticNarrative(
    {
      kind: truth,
      district: DISTRICTS[Math.floor(r() * DISTRICTS.length)] as string,
      comisaria: r() < 0.5 ? 'CPNP CALLAO' : '',
      hour: Math.floor(r() * 24),
    },
    r,
  ).text;
  rows.push({
    id: `bench:${i}`,
    occurredAt: new Date(start + i * 3_600_000 * 3),
    category: recorded,
    district: null,
    text: redact(raw, { protectedCategory: CRIME_CATEGORIES[recorded].restricted }).text,
    truth,
  });
}
const cut = Math.floor((2 * N) / 3);
const train = rows.slice(0, cut);
const test = rows.slice(cut);

// Ours, through the service's pure core (the same code the report runs), and timed.
const t0 = performance.now();
const check = checkNarratives(train, test, { threshold: 0.5, limit: N });
const seconds = (performance.now() - t0) / 1000;
const k = check.classes.length;
const classIndex = new Map(check.classes.map((c, i) => [c, i]));
const relabelled = new Set(test.filter((t) => t.category !== t.truth).map((t) => t.id));
const flagRates = THRESHOLDS.map((th) => {
  const flagged = check.flags.filter((f) => f.probability >= th);
  const hits = flagged.filter((f) => relabelled.has(f.id)).length;
  return {
    threshold: th,
    flagged: flagged.length,
    precision: flagged.length ? hits / flagged.length : null,
    recall: relabelled.size ? hits / relabelled.size : null,
  };
});
// Against the true categories (what the narratives were written for): the classifier's own quality.
const model = fitTextClassifier(
  train.map((t) => t.text),
  Int32Array.from(train, (t) => classIndex.get(t.category) ?? classIndex.get('otros') ?? 0),
  check.classes,
);
const testY = Int32Array.from(test, (t) => classIndex.get(t.truth) ?? classIndex.get('otros') ?? 0);
const pTest = model.predictProba(test.map((t) => t.text));
const vsTruth = f1Scores(argmaxRows(pTest, k), testY, k);

// scikit-learn on the same split.
mkdirSync(OUT, { recursive: true });
const input = join(OUT, 'text-classify-input.json');
const trainY = Array.from(train, (t) => classIndex.get(t.category) ?? classIndex.get('otros') ?? 0);
const recY = Int32Array.from(test, (t) => classIndex.get(t.category) ?? classIndex.get('otros') ?? 0);
writeFileSync(
  input,
  JSON.stringify({
    k,
    settings: DEFAULT_TEXT_CLASSIFIER_SETTINGS,
    trainY,
    trainTerms: train.map((t) => terms(t.text)),
    testTerms: test.map((t) => terms(t.text)),
    trainText: train.map((t) => t.text),
    testText: test.map((t) => t.text),
  }),
);
let sklearn: Record<string, unknown> | null = null;
try {
  const out = execFileSync('/usr/bin/python3', ['bench/text_classify_sklearn.py', input, OUT], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const meta = JSON.parse(out) as {
    version: string;
    runs: { name: string; seconds: number; file: string; terms: number }[];
  };
  sklearn = {
    version: meta.version,
    runs: meta.runs.map((run) => {
      const p = Float64Array.from(JSON.parse(readFileSync(run.file, 'utf8')) as number[]);
      const s = scoreClassifier(p, k, recY);
      const flags = disagreements(p, k, recY, 0.8);
      const hits = flags.filter((f) => relabelled.has((test[f.row] as LabelledNarrative).id)).length;
      return {
        name: run.name,
        terms: run.terms,
        seconds: run.seconds,
        macroF1: s.macroF1,
        accuracy: s.accuracy,
        logLoss: s.logLoss,
        macroF1VsTruth: f1Scores(argmaxRows(p, k), testY, k).macroF1,
        flagAt08: {
          flagged: flags.length,
          precision: flags.length ? hits / flags.length : null,
          recall: hits / relabelled.size,
        },
      };
    }),
  };
} catch (e) {
  console.error('scikit-learn no disponible:', (e as Error).message.split('\n')[0]);
}

const priorLoss = rowLogLoss(
  Float64Array.from({ length: test.length * k }, () => 1 / k),
  k,
  recY,
);
const result = {
  date: new Date().toISOString().slice(0, 10),
  machine: `2 vCPU (shared with other engineers while running), Node ${process.versions.node}`,
  set: {
    narratives: N,
    train: train.length,
    test: test.length,
    relabelledShare: RELABEL,
    relabelledTest: relabelled.size,
    seed: SEED,
  },
  classes: check.classes,
  terms: model.toArtifact().terms.length,
  fit: model.toArtifact().fit,
  seconds,
  vsRecorded: {
    macroF1: check.scores.macroF1,
    accuracy: check.scores.accuracy,
    perClassF1: Object.fromEntries(check.classes.map((c, i) => [c, check.scores.perClassF1[i]])),
    logLoss: check.scores.logLoss,
    priorLogLoss: check.scores.priorLogLoss,
    uniformLogLoss: priorLoss.reduce((s, v) => s + v, 0) / priorLoss.length,
    confusion: check.scores.confusion,
  },
  vsTruth: {
    macroF1: vsTruth.macroF1,
    accuracy: vsTruth.accuracy,
    perClassF1: Object.fromEntries(check.classes.map((c, i) => [c, vsTruth.perClassF1[i]])),
  },
  flag: flagRates,
  sklearn,
};
writeFileSync(join(OUT, 'text-classify.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
