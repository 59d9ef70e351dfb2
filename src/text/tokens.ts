/**
 * Spanish tokens of a narrative, and documents as sparse rows of a vocabulary.
 *
 * `tokenize`: words are lowercased, Spanish stopwords dropped, stemmed with the Snowball Spanish
 * stemmer and then accent-folded (á é í ó ú ü → a e i o u; ñ kept), so "robó", "robaron" and "robo"
 * meet; a number is the one token `<num>` (amounts and times say little about the type, their
 * presence may); a redaction placeholder such as `[DNI]` or `[PLACA]` is one token (`[dni]`,
 * `[placa]`): what was removed is a clue (a plate suggests a vehicle), never its value. Only the
 * first `MAX_TOKENS` tokens (of the first `MAX_CHARS` characters) of a document count, so a huge narrative costs no more than a long one.
 *
 * `terms` adds word bigrams to the unigrams; `buildVocabulary` keeps terms seen in at least
 * `minDf` documents, the `maxTerms` most frequent; `countMatrix` gives documents as CSR rows of term
 * counts (Int32Array / Float32Array). Pure: no I/O.
 */
import { newStemmer } from 'snowball-stemmers';
import { ValidationError } from '../core/errors.ts';

/** Tokens read from one document at most. */
export const MAX_TOKENS = 2000;
/** Characters read from one document at most (far more than MAX_TOKENS words need). */
export const MAX_CHARS = 100_000;
/** The token every number becomes. */
export const NUMBER_TOKEN = '<num>';

/**
 * Spanish function words (accent-folded, lowercase): articles, pronouns, prepositions,
 * conjunctions, frequent auxiliaries. Negation ("no", "sin") is kept: it carries meaning.
 */
export const SPANISH_STOPWORDS: ReadonlySet<string> = new Set(
  `a al algo algun alguna algunas alguno algunos ante antes aquel aquella aquellas aquellos aqui asi aun
  cada como con contra cual cuales cuando cuyo de del desde donde dos durante e el ella ellas ello ellos
  en entre era eran es esa esas ese eso esos esta estaba estaban estado estan estar este esto estos fue
  fueron fui ha habia habian han has hasta hay he la las le les lo los mas me mi mis mucho muy nos nosotros
  o os otra otras otro otros para pero poco por porque que quien quienes se sea ser si sido siendo sobre
  son su sus tambien tan tanto te tenia tiene tienen toda todas todo todos tras tu tus u un una unas uno
  unos usted ustedes y ya yo`
    .split(/\s+/)
    .filter(Boolean),
);

const stemmer = newStemmer('spanish');
/** Stems of words already seen (bounded: cleared when full). */
const stems = new Map<string, string>();
const STEM_CACHE_SIZE = 50_000;

const FOLD: Record<string, string> = { á: 'a', é: 'e', í: 'i', ó: 'o', ú: 'u', ü: 'u', à: 'a', è: 'e' };
/** Removes acute accents and the diaeresis (ñ stays: "año" is not "ano"). */
export function foldAccents(word: string): string {
  return word.replace(/[áéíóúüàè]/g, (c) => FOLD[c] as string);
}

function stemOf(word: string): string {
  let s = stems.get(word);
  if (s === undefined) {
    s = foldAccents(stemmer.stem(word));
    if (stems.size >= STEM_CACHE_SIZE) stems.clear();
    stems.set(word, s);
  }
  return s;
}

/** A redaction placeholder, a run of letters, or a number (with inner separators). */
const TOKEN = /\[[A-ZÁÉÍÓÚÑ_]{2,30}\]|\p{L}+|\p{N}+(?:[.,:/]\p{N}+)*/gu;

/** The Spanish tokens of a text (see the module comment). */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const m of text.slice(0, MAX_CHARS).normalize('NFC').matchAll(TOKEN)) {
    if (out.length >= MAX_TOKENS) break;
    const raw = m[0];
    const first = raw.charCodeAt(0);
    if (first === 91 /* [ */) out.push(raw.toLowerCase());
    else if (/^\p{N}/u.test(raw)) out.push(NUMBER_TOKEN);
    else {
      const word = raw.toLowerCase();
      if (word.length < 2 || SPANISH_STOPWORDS.has(foldAccents(word))) continue;
      out.push(stemOf(word));
    }
  }
  return out;
}

/** Unigrams and, when `ngram` is 2, the bigrams of consecutive tokens ("rob celular"). */
export function terms(text: string, ngram: 1 | 2 = 2): string[] {
  const tokens = tokenize(text);
  if (ngram === 1) return tokens;
  const out = tokens.slice();
  for (let i = 1; i < tokens.length; i++) out.push(`${tokens[i - 1]} ${tokens[i]}`);
  return out;
}

/** Terms and their column ids. */
export interface Vocabulary {
  terms: string[];
  index: Map<string, number>;
}

/** Documents as compressed sparse rows: row i's entries are indptr[i] … indptr[i+1] − 1, columns ascending. */
export interface CsrMatrix {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** A vocabulary from a list of terms (column j is terms[j]). */
export function vocabularyOf(termList: readonly string[]): Vocabulary {
  return { terms: [...termList], index: new Map(termList.map((t, j) => [t, j])) };
}

/**
 * The vocabulary of a corpus: terms in at least `minDf` documents, the `maxTerms` with the highest
 * document frequency (ties: alphabetical, so the result does not depend on document order).
 * @returns the vocabulary and each kept term's document frequency
 */
export function buildVocabulary(
  docs: readonly (readonly string[])[],
  options: { minDf: number; maxTerms: number },
): { vocabulary: Vocabulary; df: Int32Array } {
  const { minDf, maxTerms } = options;
  if (!Number.isInteger(minDf) || minDf < 1) throw new ValidationError('minDf', 'debe ser un entero ≥ 1');
  if (!Number.isInteger(maxTerms) || maxTerms < 1)
    throw new ValidationError('maxTerms', 'debe ser un entero ≥ 1');
  const counts = new Map<string, number>();
  for (const doc of docs) for (const t of new Set(doc)) counts.set(t, (counts.get(t) ?? 0) + 1);
  const kept = [...counts]
    .filter(([, n]) => n >= minDf)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, maxTerms);
  return { vocabulary: vocabularyOf(kept.map(([t]) => t)), df: Int32Array.from(kept, ([, n]) => n) };
}

/** Term counts of each document over a vocabulary (terms outside it are ignored). */
export function countMatrix(docs: readonly (readonly string[])[], vocabulary: Vocabulary): CsrMatrix {
  const indptr = new Int32Array(docs.length + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  const row = new Map<number, number>();
  docs.forEach((doc, i) => {
    row.clear();
    for (const t of doc) {
      const j = vocabulary.index.get(t);
      if (j !== undefined) row.set(j, (row.get(j) ?? 0) + 1);
    }
    const js = [...row.keys()].sort((a, b) => a - b);
    for (const j of js) {
      cols.push(j);
      vals.push(row.get(j) as number);
    }
    indptr[i + 1] = cols.length;
  });
  return {
    rows: docs.length,
    cols: vocabulary.terms.length,
    indptr,
    indices: Int32Array.from(cols),
    values: Float32Array.from(vals),
  };
}
