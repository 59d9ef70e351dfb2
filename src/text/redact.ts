/**
 * Redaction of personal data in Spanish incident narratives (issue 14, docs/text.md#redacción).
 * Pure: rules over the text, no dictionary of names, no I/O. Every finding is replaced by a Spanish
 * placeholder; the spans say what was found where (offsets into the input text).
 *
 * Kinds and rules:
 *   - dni: 8 digits after a cue ("DNI N.° 45678912", "D.N.I. 4567 8912") or standing alone (also
 *     with dots, "45.678.912"), except
 *     after a money sign or a file-number cue ("S/", "expediente", "oficio", "denuncia N°");
 *   - phone: mobiles (9 digits starting with 9; spaces, dots or dashes; +51), Lima landlines with their
 *     code ("(01) 425-3344", "+51 1 4253344"), 7-digit numbers with a dash or after a phone cue;
 *   - plate: cars "ABC-123" / "A1B-234" (any case with the dash, upper case without it, "abc123"),
 *     motorcycles and mototaxis "1234-AB" / "1234-5A", and any of them with a space after "placa";
 *   - email;
 *   - name: capitalised words after a cue ("el agraviado", "la denunciante", "identificado como",
 *     "de nombre", "Sr./Sra.", "el intervenido", "agraviad@", "alias", …), then every later occurrence of those
 *     words (surnames repeated without a cue). Names without any cue are not found;
 *   - address: exact addresses, in every category: a street type (Av., Jr., Calle, Psje., …) with
 *     its name and a house number, or a block and lot ("Mz. B Lt. 12"). In protected categories
 *     (violence against women and family members, sexual crimes) street mentions without a number
 *     too ("Av. Colonial", "Jr. Callao cdra. 5"): there they point at where a victim lives.
 * Years, times, amounts ("S/ 1 200"), comisaría and district names and street names without a
 * number (outside protected categories) are kept.
 */

import { PII_PLACEHOLDERS, type PiiKind, type PiiSpan } from '../core/pii.ts';

export { PII_KINDS, PII_PLACEHOLDERS, type PiiKind, type PiiSpan } from '../core/pii.ts';

export interface RedactOptions {
  /** The incident's category is protected (src/core/taxonomy.ts `restricted`): street mentions go too. */
  protectedCategory: boolean;
}

export interface Redaction {
  text: string;
  /** Findings in the input, sorted, not overlapping. */
  spans: PiiSpan[];
}

/** Replaces the personal data in `text` by placeholders. */
export function redact(text: string, options: RedactOptions): Redaction {
  const spans = findPii(text, options);
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + PII_PLACEHOLDERS[s.kind];
    at = s.end;
  }
  return { text: out + text.slice(at), spans };
}

/** The findings of {@link redact} without rewriting the text. */
export function findPii(text: string, options: RedactOptions): PiiSpan[] {
  const found: PiiSpan[] = [];
  const add = (kind: PiiKind, start: number, end: number) => {
    if (end > start) found.push({ kind, start, end });
  };
  for (const m of text.matchAll(EMAIL)) add('email', m.index, m.index + m[0].length);
  findDni(text, add);
  findPhones(text, add);
  findPlates(text, add);
  findAddresses(text, options.protectedCategory, add);
  findNames(text, add);
  return resolveOverlaps(found);
}

type Add = (kind: PiiKind, start: number, end: number) => void;

// ---------------------------------------------------------------------------------------------------
// Numbers: DNI, phones
// ---------------------------------------------------------------------------------------------------

const EMAIL = /[\p{L}\p{N}_%+-][\p{L}\p{N}._%+-]*@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

/** "N°", "N.°", "Nº", "Nro.", "Núm.", "No." before a number. */
const NUMBER_SIGN = String.raw`(?:N(?:\.\s?[°º]|[°º]|ro\.?|[úu]m\.?|o\.)\s*)`;

const DNI_CUED = new RegExp(
  String.raw`(?:\bD\.?\s?N\.?\s?I\b\.?|\bdocumento\s+(?:nacional\s+)?de\s+identidad)\s*${NUMBER_SIGN}?[:.]?\s*(\d{2}[ .]?\d{3}[ .]?\d{3}|\d{4}[ -]\d{4})(?!\d)`,
  'giu',
);
/** 8 digits, or written with dots ("45.678.912"). */
const DNI_BARE = /(?<![\p{L}\p{N}/.,°º-])(?:\d{8}|\d{2}\.\d{3}\.\d{3})(?![\p{N}]|[.,]\d)/gu;
/** Cues before 8 digits that make them something else than a DNI (money, file numbers). */
const NOT_DNI_BEFORE = new RegExp(
  String.raw`(?:S\/|US\$|\$|soles|expediente|oficio|parte|denuncia|registro|caso|carpeta|RUC)\s*${NUMBER_SIGN}?[:.]?\s*$`,
  'iu',
);

/** Words after 8 digits that make them an amount. */
const NOT_DNI_AFTER = /^\s*(?:soles|nuevos soles|d[óo]lares|USD)\b/iu;

function findDni(text: string, add: Add): void {
  for (const m of text.matchAll(DNI_CUED)) {
    const digits = m[1] as string;
    const start = m.index + m[0].length - digits.length;
    add('dni', start, start + digits.length);
  }
  for (const m of text.matchAll(DNI_BARE)) {
    if (NOT_DNI_BEFORE.test(text.slice(Math.max(0, m.index - 24), m.index))) continue;
    const end = m.index + m[0].length;
    if (NOT_DNI_AFTER.test(text.slice(end, end + 16))) continue;
    add('dni', m.index, end);
  }
}

const MOBILE =
  /(?<![\p{N}+])(?:(?:\(\s*\+?51\s*\)|\+51|\b0051)[\s.-]?)?(?<![\p{N}])9(?:[ .-]?\d){8}(?![\p{N}]|[.,]\d)/gu;
const LANDLINE_CODED =
  /(?:\(\s*0?1\s*\)|(?<![\p{N}])01|\+51[\s-]?\(?1\)?)[\s-]?[2-7]\d{2}[\s-]?\d{4}(?![\p{N}])/gu;
const LANDLINE_DASHED = /(?<![\p{N}.,/-])[2-7]\d{2}-\d{4}(?![\p{N}-])/gu;
const PHONE_CUE_7 = new RegExp(
  String.raw`(?:\btel[ée]fonos?|\btelf?\.|\btlf\.?|\bfijo|\bcel(?:ular)?\.?|\bcontacto)\s*(?:fijo\s*)?${NUMBER_SIGN}?[:.]?\s*([2-7]\d{2}[ ]?\d{3,4})(?![\p{N}])`,
  'giu',
);
const NOT_PHONE_BEFORE = /(?:S\/|US\$|\$)\s*$/u;

function findPhones(text: string, add: Add): void {
  for (const re of [MOBILE, LANDLINE_CODED, LANDLINE_DASHED]) {
    for (const m of text.matchAll(re)) {
      if (NOT_PHONE_BEFORE.test(text.slice(Math.max(0, m.index - 6), m.index))) continue;
      add('phone', m.index, m.index + m[0].length);
    }
  }
  for (const m of text.matchAll(PHONE_CUE_7)) {
    const digits = m[1] as string;
    const start = m.index + m[0].length - digits.length;
    add('phone', start, start + digits.length);
  }
}

// ---------------------------------------------------------------------------------------------------
// Plates
// ---------------------------------------------------------------------------------------------------

/** Cars: a letter and two letters or digits (at least one letter... or not: "A12"), dash, 3 digits. */
const CAR_DASHED = /(?<![\p{L}\p{N}-])[A-Za-z][A-Za-z0-9]{2}-\d{3}(?![\p{L}\p{N}]|-\d)/gu;
const CAR_PLAIN = /(?<![\p{L}\p{N}-])[A-Z][A-Z0-9]{2}\d{3}(?![\p{L}\p{N}])/gu;
/** Lower case without a dash: only three letters and three digits ("abc123"). */
const CAR_PLAIN_LOWER = /(?<![\p{L}\p{N}-])[a-z]{3}\d{3}(?![\p{L}\p{N}])/gu;
/** Motorcycles and mototaxis: 4 digits, then two characters with a letter ("AB", "5A"). */
const MOTO_DASHED = /(?<![\p{L}\p{N}-])\d{4}-(?=[A-Za-z0-9]?[A-Za-z])[A-Za-z0-9]{2}(?![\p{L}\p{N}])/gu;
const MOTO_PLAIN = /(?<![\p{L}\p{N}-])\d{4}(?=[A-Za-z0-9]?[A-Za-z])[A-Za-z0-9]{2}(?![\p{L}\p{N}])/gu;
/** Lower-case endings of 4 digits that are units or times, not plates ("1500m2", "1030am"). */
const UNIT_SUFFIX = /\d(?:m2|km|kg|mg|ml|cc|hp|am|pm|hr|hs|mt|cm|mm|gr|lt)$/;
const PLATE_CUED =
  /\bplacas?(?:\s+de\s+rodaje)?\s*(?:N(?:[°º]|ro\.?)\s*)?[:.]?\s*([A-Za-z][A-Za-z0-9]{2}[\s-]?\d{3}|\d{4}[\s-]?[A-Za-z0-9]{2})(?![\p{L}\p{N}])/giu;
/** The newer car format (letter, digit, letter: "A1B-234") in any case, with a dash, a space or neither. */
const CAR_MIXED = /(?<![\p{L}\p{N}-])[A-Za-z]\d[A-Za-z][ -]?\d{3}(?![\p{L}\p{N}])/gu;
/** A plate written with a space right after the vehicle ("la combi ABC 123"). */
const VEHICLE_CUED =
  /\b(?:combi|auto|moto(?:taxi|cicleta)?|veh[íi]culo|camioneta|taxi|bus|c[úo]u?ster)\s+([A-Za-z][A-Za-z0-9]{2} \d{3}|\d{4} [A-Za-z0-9]{2})(?![\p{L}\p{N}])/giu;
/** Words shaped like plates that are not ("DNI-123", "PNP-200", roman-numeral terms "2023-II"). */
const NOT_PLATE = /^(?:DNI|RUC|PNP|SIS|DIR|KM|N)\b|-(?:I{1,3}|IV|VI?|XX?)$/i;

function findPlates(text: string, add: Add): void {
  for (const re of [CAR_DASHED, CAR_PLAIN, CAR_PLAIN_LOWER, MOTO_DASHED, MOTO_PLAIN]) {
    for (const m of text.matchAll(re)) {
      if (NOT_PLATE.test(m[0]) || UNIT_SUFFIX.test(m[0])) continue;
      add('plate', m.index, m.index + m[0].length);
    }
  }
  for (const m of text.matchAll(CAR_MIXED)) add('plate', m.index, m.index + m[0].length);
  for (const re of [PLATE_CUED, VEHICLE_CUED])
    for (const m of text.matchAll(re)) {
      const plate = m[1] as string;
      if (!/[A-Za-z]/.test(plate) || NOT_PLATE.test(plate)) continue;
      const start = m.index + m[0].length - plate.length;
      add('plate', start, start + plate.length);
    }
}

// ---------------------------------------------------------------------------------------------------
// Addresses
// ---------------------------------------------------------------------------------------------------

const STREET_TYPE = String.raw`(?:\bAv(?:da)?\.?|\bAV(?:DA)?\.?|\bAvenida|\bAVENIDA|\bJr\.?|\bJR\.?|\bJir[óo]n|\bJIR[ÓO]N|\bCalle|\bCALLE|\bCa\.|\bCA\.|\bPsje\.?|\bPSJE\.?|\bPje\.|\bPJE\.|\bPasaje|\bPASAJE|\bProl\.|\bPROL\.|\bProlongaci[óo]n|\bPROLONGACI[ÓO]N|\bMalec[óo]n|\bMALEC[ÓO]N|\bAlameda|\bCarretera|\bCARRETERA)`;
/** One word of a street name: capitalised, a particle, or "2" in "2 de Mayo". */
const STREET_WORD = String.raw`(?:(?!(?:CDRA|CUADRA|CDA|KM|ALT|ALTURA|ESQ|ESQUINA|MZ|MZA|LT|LTE|N)(?![\p{L}\p{N}]))\p{Lu}[\p{L}\p{M}'’]*\.?|\d{1,2}(?=\s+(?:de|DE)\s)|de|del|la|las|los|el|y|DE|DEL|LA|LAS|LOS|EL|Y)`;
const BLOCK_LOT = String.raw`(?:\b(?:Mz|MZ|Mza|MZA|Manzana|MANZANA)\.?\s*[A-Z0-9]{1,3}\s*,?\s*(?:Lt|LT|Lte|LTE|Lote|LOTE)\.?\s*\d{1,3}[A-Z]?\b)`;
const HOUSE_NUMBER = String.raw`(?:\s*,?\s+${NUMBER_SIGN}?\d{1,5}[A-Z]?(?![\p{N}:]|[.,]\d)(?:\s*(?:Int\.|Dpto\.|interior|departamento|piso)\s*\d{1,4}[A-Z]?)?)`;
const EXACT_ADDRESS = new RegExp(
  String.raw`${STREET_TYPE}(?:\s+${STREET_WORD}){1,6}?(?:${HOUSE_NUMBER}|\s*,?\s+${BLOCK_LOT})|${BLOCK_LOT}`,
  'gu',
);
const STREET_MENTION = new RegExp(
  String.raw`${STREET_TYPE}(?:\s+${STREET_WORD}){1,6}(?:\s+(?:cuadra|cdra\.?|CDRA\.?|cda\.)\s*\d{1,2}(?!\p{N}))?`,
  'gu',
);

function findAddresses(text: string, protectedCategory: boolean, add: Add): void {
  for (const m of text.matchAll(EXACT_ADDRESS)) add('address', m.index, m.index + m[0].length);
  if (!protectedCategory) return;
  for (const m of text.matchAll(STREET_MENTION)) {
    // A trailing particle ("Av. Grau de") or full stop ("… Jr. Miller.") is not part of the name.
    const mention = m[0]
      .replace(/(?<=[\p{L}\p{M}]{2})\.$/u, '')
      .replace(/(?:\s+(?:de|del|la|las|los|el|y|DE|DEL|LA|LAS|LOS|EL|Y))+$/u, '');
    add('address', m.index, m.index + mention.length);
  }
}

// ---------------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------------

const NAME_CUE = new RegExp(
  [
    String.raw`\b(?:el|la|los|las|del|al|su|sus)\s+(?:presunt[oa]s?\s+)?(?:agraviad(?:[oa@]s?|o\/a|\(a\))|denunciantes?|intervenid[oa]s?|detenid[oa]s?|investigad[oa]s?|sospechos[oa]s?|v[íi]ctimas?|menor|conductor(?:a|es)?|propietari[oa]s?|testigos?|ciudadan[oa]s?|occis[oa]|fallecid[oa]|autor(?:a|es)?|hij[oa]|espos[oa]|conviviente|ex\s?pareja|pareja|agresor(?:a)?|imputad[oa]s?)`,
    String.raw`\bidentific(?:ad[oa]s?|ó|a)\s+como`,
    String.raw`\bconocid[oa]s?\s+como`,
    String.raw`\b(?:de|a)\s+nombres?(?:\s+de)?`,
    String.raw`\bquien\s+dijo\s+llamarse`,
    String.raw`\bresponde\s+al\s+nombre\s+de`,
    String.raw`\balias`,
    String.raw`\bSe[ñn]ora?\b`,
    String.raw`\bSe[ñn]orita\b`,
    String.raw`\bSr(?:a|ta)?\.`,
    String.raw`\bDon\b`,
    String.raw`\bDoña\b`,
  ].join('|'),
  'giu',
);
/** Between the cue and the name: spaces, a colon or comma, an opening quote. */
const AFTER_CUE = /[ \t]*[:,]?[ \t]*/y;
const QUOTED = /["“«']([^"”»'\n]{1,40})["”»']/y;
const NAME_WORD =
  /(?:\p{Lu}[\p{Ll}\p{M}'’]+(?:-\p{Lu}[\p{Ll}\p{M}]+)?|\p{Lu}[\p{Lu}\p{M}'’]+)(?![\p{L}\p{N}])/uy;
const ANY_WORD = /[\p{L}\p{M}]{2,}(?![\p{L}\p{N}])/uy;
const NAME_PARTICLE = /[ \t]+(?:(?:de|del|la|las|los|y|DE|DEL|LA|LAS|LOS|Y)[ \t]+){1,2}(?=\p{Lu})/uy;
const NAME_GAP = /[ \t]+/y;
/** Capitalised words after a cue that are not names (institutions, places, street types, pronouns). */
const NOT_NAME = new Set(
  [
    'PNP POLICIA SERENAZGO COMISARIA CPNP DEPINCRI DIVINCRI FISCALIA MINISTERIO CALLAO',
    'BELLAVISTA VENTANILLA PERLA PUNTA LEGUA PERU LIMA AV JR CALLE PSJE MZ LT DNI ALIAS SR SRA',
    'SRTA SENOR SENORA SENORITA DON DONA QUE QUIEN QUIENES CUANDO MIENTRAS SEGUN TRAS NN NO SIN',
    'CON POR PARA EN AL DEL DE A Y O SU SUS UN UNA EL ELLA LA LOS LAS LE LES SE ES ERA FUE ESTA',
    'ESTABA REFIERE REFIEREN DENUNCIA DENUNCIAN INDICA MANIFIESTA SENALA SOLICITA HABRIA',
    'PROPIETARIO PROPIETARIA IDENTIFICADO IDENTIFICADA DOMICILIADO DOMICILIADA NATURAL MAYOR',
    'MENOR EDAD AGRAVIADO AGRAVIADA DENUNCIANTE VICTIMA CIUDADANO CIUDADANA RECURRENTE SUJETO',
    'INTERVENIDO INTERVENIDA DETENIDO DETENIDA VEHICULO MOTOTAXI TAXI PERSONAL HORAS COMISARIO',
    'CAPITAN TENIENTE ALFEREZ CORONEL COMANDANTE SUBOFICIAL SOB SO ST FISCAL JUEZ JUEZA ALCALDE',
    'ALCALDESA GERENTE DURANTE DESDE HASTA LUEGO VIENE PAGO RECIBIO DEJO SALIO REFIRIO INDICO',
    'DENUNCIO CONSTATO RESULTO CAMINABA ESTACIONO',
  ]
    .join(' ')
    .split(' '),
);
/** Verb forms that end a name in capitals-only text: "… REFIRIENDO", "… PAGÓ", "… HUYERON". */
const VERB_ENDING = /(?:IENDO|ANDO|ARON|IERON|Ó)$/u;

function fold(word: string): string {
  return word
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase();
}

function sticky(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

function findNames(text: string, add: Add): void {
  const names: PiiSpan[] = [];
  for (const cue of text.matchAll(NAME_CUE)) {
    const isAlias = /^alias$/i.test(cue[0]);
    let at = cue.index + cue[0].length;
    at += sticky(AFTER_CUE, text, at)?.[0].length ?? 0;
    const quoted = sticky(QUOTED, text, at);
    if (quoted) {
      names.push({ kind: 'name', start: at, end: at + quoted[0].length });
      continue;
    }
    const span = nameAt(text, at);
    if (span) names.push(span);
    else if (isAlias) {
      // "alias chato": a nickname need not be capitalised.
      const w = sticky(ANY_WORD, text, at);
      if (w) names.push({ kind: 'name', start: at, end: at + w[0].length });
    }
  }
  for (const s of names) add('name', s.start, s.end);
  // Surnames repeated later without a cue ("… Quispe refirió que …").
  const words = new Set<string>();
  for (const s of names) {
    // First names ("Juan") recur in places ("Urb. Juan Pablo II"): only later words are searched.
    for (const w of (text.slice(s.start, s.end).match(/[\p{L}\p{M}'’]{4,}/gu) ?? []).slice(1)) {
      if (/^\p{Lu}/u.test(w) && !NOT_NAME.has(fold(w))) words.add(w);
    }
  }
  for (const w of words) {
    for (let at = text.indexOf(w); at >= 0; at = text.indexOf(w, at + w.length)) {
      if (!WORD_CHAR.test(text[at - 1] ?? ' ') && !WORD_CHAR.test(text[at + w.length] ?? ' '))
        add('name', at, at + w.length);
    }
  }
}

const WORD_CHAR = /[\p{L}\p{M}]/u;

/** Up to five capitalised words (with "de", "del", "la" … between them) starting at `at`. */
function nameAt(text: string, at: number): PiiSpan | null {
  let end = -1;
  let pos = at;
  for (let count = 0; count < 5; count++) {
    if (count > 0) {
      const gap = sticky(NAME_PARTICLE, text, pos) ?? sticky(NAME_GAP, text, pos);
      if (!gap) break;
      pos += gap[0].length;
    }
    const word = sticky(NAME_WORD, text, pos);
    if (!word || NOT_NAME.has(fold(word[0])) || VERB_ENDING.test(word[0].toUpperCase())) break;
    pos += word[0].length;
    end = pos;
  }
  return end > at ? { kind: 'name', start: at, end } : null;
}

// ---------------------------------------------------------------------------------------------------

/** Sorted, non-overlapping: the earliest finding wins, then the longest. */
function resolveOverlaps(found: PiiSpan[]): PiiSpan[] {
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: PiiSpan[] = [];
  for (const s of found) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) {
      // Overlapping: keep the longer one.
      if (s.end - s.start > last.end - last.start) out[out.length - 1] = s;
      continue;
    }
    out.push(s);
  }
  return out;
}
