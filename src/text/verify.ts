/**
 * The grounding verifier (issue 14, docs/text.md#verificación): every sentence of a generated (or
 * edited) text is checked against what its writer was given. Pure: the store's part (do the cited
 * incidents exist?) comes in as `storedIncidents`.
 *
 * Per sentence:
 *   - personal data (anything `redact()` finds) is replaced by its placeholder and marked;
 *   - a sentence must cite (`[E3]`, `[#id]`, src/text/grounding.ts), or it is "sin verificar";
 *   - a cited statistic must be one of the Grounding's; a cited incident one of its excerpts and
 *     stored; otherwise "rechazada";
 *   - every number must equal the value of a statistic the sentence cites (as written: "1 234",
 *     "12,5 %", "tres"), or appear in the text of an excerpt it cites; a date must fall within
 *     the period; otherwise "rechazada";
 *   - citing an excerpt flagged for embedded instructions (prompt injection) makes it "sin verificar".
 * Rejected sentences are left out of the publishable text and kept, with their reasons, for the
 * reviewer.
 */
import { CITATION, type Grounding } from './grounding.ts';
import { extractDates, extractNumbers, type NumberMention, sameNumber } from './numbers.ts';
import { type PiiKind, redact } from './redact.ts';

export type SentenceStatus = 'ok' | 'sin verificar' | 'rechazada';

export interface SentenceCheck {
  /** The sentence as published (personal data replaced). */
  text: string;
  status: SentenceStatus;
  /** Spanish, one per problem found. */
  reasons: string[];
}

export interface Verification {
  sentences: SentenceCheck[];
  /** The text without rejected sentences, personal data replaced. */
  publishable: string;
  counts: { ok: number; unverified: number; rejected: number };
  /** Kinds of personal data found in the text (each removed). */
  leaks: PiiKind[];
}

const PII_NAMES: Readonly<Record<PiiKind, string>> = {
  dni: 'DNI',
  phone: 'teléfono',
  plate: 'placa',
  email: 'correo',
  name: 'nombre',
  address: 'dirección',
};

/** Patterns of instructions planted in a narrative (Spanish and English) or chat role markers. */
const INJECTION: readonly RegExp[] = [
  /\b(?:ignora|ignore|ignorar|olvida|olvidar|omite|disregard)\b[^.\n]{0,40}\b(?:instrucciones|indicaciones|reglas|instructions|rules|prompt)\b/i,
  /\b(?:nuevas instrucciones|new instructions|system prompt)\b/i,
  /\b(?:act[uú]a como|act as|you are now|ahora eres)\b/i,
  /^\s*(?:system|assistant|user|sistema|asistente|usuario)\s*:/im,
  /<\|?(?:im_start|im_end|system|assistant|user)\|?>|\[\/?INST\]|<<\/?SYS>>/i,
];

/** A Spanish reason when a narrative carries instructions for a language model; null otherwise. */
export function injectionFlag(text: string): string | null {
  return INJECTION.some((re) => re.test(text))
    ? 'el relato contiene instrucciones dirigidas a un modelo de lenguaje (posible inyección)'
    : null;
}

/** Abbreviations after which a period does not end a sentence. */
const ABBREVIATIONS = new Set(
  'av jr sr sra srta dr dra nro n° no ca cdra urb mz lt psje pje aa hh etc ej aprox dpto int km esq'.split(
    ' ',
  ),
);

/** Splits a text into sentences; a run of citations after a period belongs to the sentence before. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\n+/)) {
    let start = 0;
    const re = /[.!?…]+["»”)]*\s+/g;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      const before = /([\p{L}°]+)[.!?…]+["»”)]*\s+$/u.exec(line.slice(start, m.index + m[0].length));
      const word = before?.[1]?.toLowerCase() ?? '';
      const next = line.slice(m.index + m[0].length);
      if (ABBREVIATIONS.has(word) || !/^[\p{Lu}¿¡«"“(\-\d]|^\[/u.test(next)) continue;
      out.push(line.slice(start, m.index + m[0].length).trim());
      start = m.index + m[0].length;
    }
    out.push(line.slice(start).trim());
  }
  const merged: string[] = [];
  for (const s of out) {
    if (s === '') continue;
    const onlyCitations = s.replace(CITATION, '').replace(/[\s.,;]/g, '') === '';
    if (onlyCitations && merged.length > 0) merged[merged.length - 1] += ` ${s}`;
    else merged.push(s);
  }
  return merged;
}

/** The statistic and incident ids a sentence cites. */
export function citations(sentence: string): { stats: string[]; incidents: string[] } {
  const stats: string[] = [];
  const incidents: string[] = [];
  for (const m of sentence.matchAll(CITATION)) {
    if (m[1]) stats.push(m[1]);
    else if (m[2]) incidents.push(m[2]);
  }
  return { stats, incidents };
}

/**
 * Checks a text against its Grounding.
 * @param storedIncidents ids of the cited incidents that exist in the store
 */
export function verifyText(
  text: string,
  grounding: Grounding,
  storedIncidents: ReadonlySet<string>,
): Verification {
  const stats = new Map(grounding.statistics.map((s) => [s.id, s]));
  const excerpts = new Map(grounding.incidents.map((e) => [e.id, e]));
  const leaks = new Set<PiiKind>();
  const sentences = splitSentences(text).map((raw): SentenceCheck => {
    const rejected: string[] = [];
    const unverified: string[] = [];
    const r = redact(raw, { protectedCategory: false });
    const sentence = r.text;
    if (r.spans.length > 0) {
      const kinds = [...new Set(r.spans.map((s) => s.kind))];
      for (const k of kinds) leaks.add(k);
      unverified.push(`contenía datos personales (${kinds.map((k) => PII_NAMES[k]).join(', ')}), retirados`);
    }
    const cited = citations(sentence);
    if (cited.stats.length + cited.incidents.length === 0)
      unverified.push('no cita ninguna estadística ni incidente');
    for (const id of cited.stats)
      if (!stats.has(id)) rejected.push(`cita [${id}], que no está entre las estadísticas entregadas`);
    for (const id of cited.incidents) {
      const e = excerpts.get(id);
      if (!e) rejected.push(`cita el incidente #${id}, que no fue entregado`);
      if (!storedIncidents.has(id)) rejected.push(`el incidente #${id} no existe en la base`);
      if (e?.flag) unverified.push(`cita el incidente #${id}, cuyo relato está marcado: ${e.flag}`);
    }
    const body = sentence.replace(CITATION, (c) => ' '.repeat(c.length));
    const { dates } = extractDates(body);
    for (const d of dates)
      if (d.from < grounding.period.from || d.to > grounding.period.to)
        rejected.push(`la fecha «${d.text}» está fuera del periodo`);
    const citedValues = cited.stats.flatMap((id) => {
      const s = stats.get(id);
      return s ? [s.value] : [];
    });
    const excerptNumbers: NumberMention[] = cited.incidents.flatMap((id) => {
      const e = excerpts.get(id);
      return e ? extractNumbers(e.text) : [];
    });
    for (const n of extractNumbers(body)) {
      const grounded =
        citedValues.some((v) => sameNumber(n, v)) || excerptNumbers.some((x) => sameNumber(n, x.value));
      if (!grounded) rejected.push(`el número «${n.text}» no coincide con ninguna estadística citada`);
    }
    const reasons = [...rejected, ...unverified];
    return {
      text: sentence,
      status: rejected.length ? 'rechazada' : unverified.length ? 'sin verificar' : 'ok',
      reasons,
    };
  });
  const count = (s: SentenceStatus): number => sentences.filter((x) => x.status === s).length;
  return {
    sentences,
    publishable: sentences
      .filter((s) => s.status !== 'rechazada')
      .map((s) => s.text)
      .join(' '),
    counts: { ok: count('ok'), unverified: count('sin verificar'), rejected: count('rechazada') },
    leaks: [...leaks],
  };
}
