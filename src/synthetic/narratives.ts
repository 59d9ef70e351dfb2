/**
 * Synthetic Spanish incident narratives ("relato") with the personal data they embed labelled
 * (issue 14). Each crime kind has several templates built from clauses that related kinds share
 * (robo and hurto differ only by violence or threat; robo de vehículo and hurto de autopartes;
 * extorsión and amenazas; lesiones and violencia familiar), in the style of a PNP complaint or
 * intervention record in Callao (arrebato, cogotero, raqueteo, mototaxi, agraviado, denunciante,
 * serenazgo…). To be an honest test for redaction and classification it also writes what real
 * records hold: terse narratives that name no modality, misleading words ("no portaba arma" in a
 * theft), police abbreviations and typos ("agraviad@", "aprox.", "s/n", "AV"), missing accents,
 * mixed date and time formats, and personal data in new shapes (phones "987.654.321", DNI
 * "45.678.912", lower-case plates, names without a cue). Names, DNI numbers, phones, plates,
 * e-mails and addresses are returned as spans, so that redaction (src/text/redact.ts) can be
 * measured (docs/text.md#redacción). Pure: every draw comes from the caller's random function.
 */
import type { PiiKind, PiiSpan } from '../core/pii.ts';
import { MONTH_ABBREVIATIONS, monthName } from '../core/spanish.ts';
import { CRIME_CATEGORIES, type CrimeCategory } from '../core/taxonomy.ts';

export interface SyntheticNarrative {
  text: string;
  /** Every piece of personal data embedded, in order. */
  spans: PiiSpan[];
}

export interface NarrativeContext {
  kind: CrimeCategory;
  /** The district as written ("BELLAVISTA"). */
  district: string;
  /** The comisaría as written ("CPNP CALLAO"), or ''. */
  comisaria: string;
  /** Local hour of the event, 0–23. */
  hour: number;
  /** Local date of the event, when known: some narratives write it (in one of several formats). */
  date?: { year: number; month: number; day: number };
}

/** Rates at which personal data is embedded (per narrative) [U: no public statistic; chosen so that every kind is frequent]. */
export const NARRATIVE_PII_RATES = {
  victimName: 0.7,
  dni: 0.45,
  phone: 0.3,
  email: 0.08,
  address: 0.5,
  suspectName: 0.3,
  /** Plates where a vehicle takes part (mototaxi, car, motorcycle). */
  plate: 0.7,
  /** Whole narrative in capitals, as some stations write it. */
  upperCase: 0.15,
} as const;

/**
 * How untidy the narratives are [U: chosen; no public statistic — set so that each effect is
 * frequent enough to move the measured scores, and names without a cue rare, as in records where a
 * role word almost always precedes a name].
 */
export const NARRATIVE_NOISE_RATES = {
  /** Terse narratives of any kind that name no modality ("Se registra la denuncia por el hecho…"). */
  terse: 0.08,
  /** A clause borrowed from a related kind, negated or not ("no portaba arma" in a theft). */
  misleading: 0.3,
  /** Narratives written with police abbreviations and typos ("agraviad@", "aprox.", "c/", "q", "hrs."). */
  abbreviated: 0.25,
  /** Narratives written without accents (ñ kept). */
  noAccents: 0.2,
  /** A date written in the narrative, when the context has one (dd/mm/aaaa, dd-mm-aa, aaaa-mm-dd, 15MAR2024…). */
  date: 0.4,
  /** A person's name written without any cue before it ("Juan Pérez Quispe denuncia…"). */
  uncuedName: 0.03,
  /** DNI numbers written with dots ("45.678.912"). */
  dniDots: 0.2,
  /** Plates written in lower case ("abc-123", "abc123"). */
  plateLower: 0.15,
} as const;

type Rand = () => number;

/** Police abbreviations and typos applied to the narrative's own words (never to personal data). */
const ABBREVIATIONS: readonly [RegExp, string][] = [
  [/\bagraviad[oa]\b/g, 'agraviad@'],
  [/\baproximadamente\b/g, 'aprox.'],
  [/\bhoras\b/g, 'hrs.'],
  [/\bcon\b/g, 'c/'],
  [/\bque\b/g, 'q'],
  [/\bdomicilio\b/g, 'domic.'],
  [/\binmediaciones\b/g, 'inmed.'],
  [/\bpersonal policial\b/g, 'pers. PNP'],
  [/\bnúmero\b/g, 'N°'],
  [/\bpara\b/g, 'p/'],
];

function stripAccents(s: string): string {
  // Acute accents and diaeresis go; the tilde of ñ stays (one UTF-16 unit per letter either way).
  return s
    .normalize('NFD')
    .replace(/[\u0301\u0308]/g, '')
    .normalize('NFC');
}

/** Builds a text and the spans of the personal data appended to it. */
class Builder {
  text = '';
  spans: PiiSpan[] = [];
  /** The writer's habits for this narrative. */
  abbreviated = false;
  noAccents = false;
  constructor(
    readonly r: Rand,
    readonly ctx: NarrativeContext,
  ) {}
  get protected(): boolean {
    return CRIME_CATEGORIES[this.ctx.kind].restricted;
  }
  t(s: string): this {
    if (this.abbreviated) for (const [re, to] of ABBREVIATIONS) s = s.replace(re, to);
    if (this.noAccents) s = stripAccents(s);
    // Clauses are written with their own leading space: never two in a row; "a el" → "al".
    if (this.text.endsWith(' ') && s.startsWith(' ')) s = s.slice(1);
    if (s.startsWith('el ') && /\s(?:a|de) $/.test(this.text)) {
      this.text = `${this.text.slice(0, -1)}l `;
      s = s.slice(3);
    }
    this.text += s;
    return this;
  }
  pii(kind: PiiKind, value: string): this {
    if (this.noAccents && (kind === 'name' || kind === 'address')) value = stripAccents(value);
    this.spans.push({ kind, start: this.text.length, end: this.text.length + value.length });
    this.text += value;
    return this;
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)] as T;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  /** A clause of a related kind, at the misleading rate. */
  mislead(clauses: readonly string[]): this {
    return this.chance(NARRATIVE_NOISE_RATES.misleading) ? this.t(this.pick(clauses)) : this;
  }

  // --- personal data ------------------------------------------------------------------------------
  /** "el agraviado Juan Pérez Quispe", or (rarely) the name without a cue. */
  person(role: 'agraviado' | 'denunciante' | 'intervenido' | 'sospechoso', female: boolean): this {
    if (role !== 'sospechoso' && this.chance(NARRATIVE_NOISE_RATES.uncuedName))
      return this.pii('name', this.fullName(female));
    const cue = {
      agraviado: female
        ? ['la agraviada', 'la víctima', 'la ciudadana', 'la agraviada de nombre']
        : ['el agraviado', 'la víctima', 'el ciudadano', 'el agraviado de nombre'],
      denunciante: female
        ? ['la denunciante', 'la Sra.', 'la recurrente de nombre', 'doña']
        : ['el denunciante', 'el Sr.', 'el recurrente de nombre', 'don'],
      intervenido: female
        ? ['la intervenida', 'la detenida', 'la persona identificada como']
        : ['el intervenido', 'el detenido', 'el sujeto identificado como', 'el intervenido de nombre'],
      sospechoso: female
        ? ['una mujer identificada como', 'la sospechosa']
        : ['un sujeto identificado como', 'el sospechoso', 'un sujeto conocido como alias'],
    }[role];
    const c = this.pick(cue);
    this.t(`${c} `);
    if (c.endsWith('alias')) {
      return this.chance(0.6)
        ? this.pii('name', `"${this.pick(NICKNAMES)}"`)
        : this.pii('name', this.pick(NICKNAMES));
    }
    return this.pii('name', this.fullName(female));
  }
  fullName(female: boolean): string {
    const first = this.pick(female ? FEMALE : MALE);
    const second = this.chance(0.3) ? ` ${this.pick(female ? FEMALE : MALE)}` : '';
    return `${first}${second} ${this.pick(SURNAMES)}${this.chance(0.85) ? ` ${this.pick(SURNAMES)}` : ''}`;
  }
  dni(): this {
    const d = String(this.int(0, 79_999_999)).padStart(8, '0');
    const value = this.chance(NARRATIVE_NOISE_RATES.dniDots)
      ? `${d.slice(0, 2)}.${d.slice(2, 5)}.${d.slice(5)}`
      : d;
    const cue = this.pick([
      ', identificado con DNI N.° ',
      ', con DNI ',
      ' (D.N.I. N° ',
      ', DNI ',
      ', DNI: ',
      ' DNI Nro. ',
      ', documento de identidad N° ',
      ' (',
    ]);
    this.t(cue).pii('dni', value);
    return this.t(cue.includes('(') ? ')' : '');
  }
  phoneNumber(): string {
    const n = `9${String(this.int(0, 99_999_999)).padStart(8, '0')}`;
    const form = this.int(0, 7);
    return form === 0
      ? n
      : form === 1
        ? `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`
        : form === 2
          ? `${n.slice(0, 3)}-${n.slice(3, 6)}-${n.slice(6)}`
          : form === 3
            ? `+51 ${n}`
            : form === 4
              ? `(01) ${this.int(2, 7)}${String(this.int(0, 99)).padStart(2, '0')}-${String(this.int(0, 9999)).padStart(4, '0')}`
              : form === 5
                ? `+51 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`
                : form === 6
                  ? `${n.slice(0, 3)}.${n.slice(3, 6)}.${n.slice(6)}`
                  : `${n.slice(0, 3)} ${n.slice(3, 5)} ${n.slice(5, 7)} ${n.slice(7)}`;
  }
  phone(): this {
    const cue = this.pick([
      ', con celular N° ',
      ', cel. ',
      ', teléfono ',
      ', número de contacto ',
      ' (cel. ',
      ' - cel: ',
      ', WhatsApp ',
      ' (',
    ]);
    this.t(cue).pii('phone', this.phoneNumber());
    return this.t(cue.includes('(') ? ')' : '');
  }
  email(name: string): this {
    const user = name
      .toLowerCase()
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .split(' ')
      .slice(0, 2)
      .join(this.pick(['.', '_', '']));
    return this.t(', correo ').pii('email', `${user}${this.int(1, 99)}@${this.pick(MAIL_DOMAINS)}`);
  }
  plate(moto: boolean): string {
    const L = () => this.pick(PLATE_LETTERS);
    const D = () => String(this.int(0, 9));
    let p: string;
    if (moto) {
      const digits = `${D()}${D()}${D()}${D()}`;
      p = `${digits}${this.chance(0.85) ? '-' : ''}${this.chance(0.5) ? `${L()}${L()}` : `${D()}${L()}`}`;
    } else {
      const head = this.chance(0.7) ? `${L()}${L()}${L()}` : `${L()}${D()}${L()}`;
      if (/^(?:DNI|RUC|PNP|SIS|DIR)$/.test(head)) return this.plate(moto);
      p = `${head}${this.chance(0.85) ? '-' : ''}${D()}${D()}${D()}`;
    }
    return this.chance(NARRATIVE_NOISE_RATES.plateLower) ? p.toLowerCase() : p;
  }
  /** "de placa ABC-123" or nothing. */
  plateClause(moto: boolean): this {
    if (!this.chance(NARRATIVE_PII_RATES.plate)) return this;
    return this.t(this.pick([' de placa ', ' con placa de rodaje ', ' de placa N° ', ' ', ' placa '])).pii(
      'plate',
      this.plate(moto),
    );
  }
  /** An exact address (always personal data), or a street without a number (only in protected kinds). */
  place(): this {
    const u = this.r();
    const type = () => this.pick(['Av.', 'Av.', 'AV', 'Av', 'Jr.', 'JR', 'Calle', 'Ca.', 'Psje.', 'Pje.']);
    if (u < 0.45) {
      const num = this.int(1, 3200);
      return this.pii(
        'address',
        `${type()} ${this.pick(STREETS)} ${this.pick(['', '', 'N° ', 'Nro. ', 'N.° '])}${num}`,
      );
    }
    if (u < 0.7) {
      this.pii(
        'address',
        `${this.pick(['Mz.', 'Mz', 'MZ.', 'Mza.'])} ${this.pick(PLATE_LETTERS)}${this.chance(0.2) ? this.int(1, 9) : ''} ${this.pick(['Lt.', 'Lt', 'LT.', 'Lote'])} ${this.int(1, 40)}`,
      );
      return this.t(
        ` del ${this.pick(['AA.HH.', 'Asentamiento Humano', 'Urb.', 'Asoc.'])} ${this.pick(SETTLEMENTS)}`,
      );
    }
    const street = `${type()} ${this.pick(STREETS)}`;
    const v = this.r();
    if (v < 0.3) {
      // "Av. Grau s/n": no house number — a street mention.
      return (this.protected ? this.pii('address', street) : this.t(street)).t(' s/n');
    }
    const mention = v < 0.55 ? `${street} cdra. ${this.int(1, 30)}` : street;
    return this.protected ? this.pii('address', mention) : this.t(mention);
  }
  /** " en la Av. X 123" or " en inmediaciones de …" without personal data. */
  where(): this {
    if (this.chance(NARRATIVE_PII_RATES.address))
      return this.t(
        this.pick([' en ', ' a la altura de ', ' en inmediaciones de ', ' en la intersección de ']),
      ).place();
    return this.t(
      this.pick([
        ` en el distrito de ${title(this.ctx.district)}`,
        ' en la vía pública',
        ' cerca del mercado',
        ' en el paradero',
        ' por el sector',
        ' en la zona',
      ]),
    );
  }
  /** The victim's or complainant's details: name, DNI, phone, e-mail at their rates. */
  victim(role: 'agraviado' | 'denunciante', female: boolean): this {
    if (!this.chance(NARRATIVE_PII_RATES.victimName))
      return this.t(
        role === 'agraviado'
          ? female
            ? 'la agraviada'
            : 'el agraviado'
          : female
            ? 'la denunciante'
            : 'el denunciante',
      );
    const start = this.spans.length;
    this.person(role, female);
    const name =
      this.spans.length > start
        ? this.text.slice((this.spans[start] as PiiSpan).start, (this.spans[start] as PiiSpan).end)
        : '';
    if (this.chance(NARRATIVE_PII_RATES.dni)) this.dni();
    if (this.chance(NARRATIVE_PII_RATES.phone)) this.phone();
    if (name && this.chance(NARRATIVE_PII_RATES.email)) this.email(name);
    return this;
  }
  /** The date, sometimes, in one of the formats records mix. */
  date(): string {
    const d = this.ctx.date;
    if (!d || !this.chance(NARRATIVE_NOISE_RATES.date)) return '';
    const dd = String(d.day).padStart(2, '0');
    const mm = String(d.month).padStart(2, '0');
    const yy = String(d.year % 100).padStart(2, '0');
    return this.pick([
      `el ${dd}/${mm}/${d.year} `,
      `el día ${dd}-${mm}-${yy} `,
      `con fecha ${d.year}-${mm}-${dd}, `,
      `el ${dd}${MONTH_ABBREVIATIONS[d.month - 1]}${d.year} `,
      `el ${d.day} de ${monthName(d.month)} `,
      `el ${dd}.${mm}.${d.year} `,
    ]);
  }
  time(): string {
    const h = this.ctx.hour;
    const m = this.pick(['00', '15', '20', '30', '45', String(this.int(0, 59)).padStart(2, '0')]);
    const h12 = h % 12 === 0 ? 12 : h % 12;
    const clock = this.pick([
      `a las ${String(h).padStart(2, '0')}:${m} horas`,
      `aprox. a las ${h}:${m} h`,
      `a horas ${String(h).padStart(2, '0')}:${m}`,
      `a las ${h12}:${m} ${h < 12 ? 'a.m.' : 'p.m.'}`,
      `a las ${h12} ${h < 12 ? 'am' : 'pm'}`,
      `a las ${String(h).padStart(2, '0')}.${m} hrs`,
      `${String(h).padStart(2, '0')}H${m}`,
      h < 12 ? 'en horas de la mañana' : h < 19 ? 'en horas de la tarde' : 'en horas de la noche',
    ]);
    return `${this.date()}${clock}`;
  }
  amount(): string {
    const v = this.pick([80, 150, 300, 450, 600, 1200, 1500, 2500, 3800]);
    const form = this.int(0, 3);
    if (form === 1) return `S/. ${v.toLocaleString('en-US')}.00`;
    if (form === 2) return `${v} soles`;
    return v >= 1000 ? `S/ ${Math.floor(v / 1000)} ${String(v % 1000).padStart(3, '0')}` : `S/ ${v}`;
  }
  /** Shared closing lines of any record. */
  closing(): this {
    if (!this.chance(0.5)) return this;
    return this.t(
      this.pick([
        ' Se realizan las diligencias de ley.',
        ' Se solicitó apoyo de serenazgo para revisar las cámaras de videovigilancia.',
        ' Personal policial realizó el patrullaje por la zona con resultado negativo.',
        ' Se dio cuenta al Ministerio Público.',
        ' Se le extendió oficio para el reconocimiento médico legal.',
        ' Se continúa con las investigaciones.',
      ]),
    );
  }
}

function title(s: string): string {
  return s.toLowerCase().replace(/(^|\s)\p{L}/gu, (c) => c.toUpperCase());
}

type Template = (b: Builder) => void;
const female = (b: Builder) => b.chance(0.5);

/** Clauses shared by related kinds: what makes them hard to tell apart. */
const SHARED = {
  /** Thefts that mention a weapon or violence only to deny it. */
  noViolence: [
    ', el sujeto no portaba arma',
    ', sin mediar violencia ni amenaza',
    ', sin que la agraviada se percatara',
    ', no se registraron lesiones',
  ],
  /** Robberies whose force is told in the words of a theft. */
  theftWords: [', aprovechando un descuido', ', le sustrajeron sus pertenencias', ', se dio a la fuga'],
  /** Threats that read like extortion, and extortion that reads like threats. */
  threats: [
    ' viene recibiendo mensajes amenazantes por WhatsApp',
    ' recibió llamadas amenazándolo de muerte',
    ' le dejaron un mensaje intimidatorio',
  ],
  /** Injuries that read like family violence, and the other way around. */
  aggression: [
    ' fue agredido físicamente con puñetes y patadas',
    ' resultó con lesiones en el rostro',
    ' fue golpeado con un objeto contundente',
  ],
  vehicle: [
    ' dejó estacionado su vehículo',
    ' se encontraba en su vehículo',
    ' estacionó su auto frente a su domicilio',
  ],
} as const;

const TERSE: readonly Template[] = [
  (b) => {
    b.t('Se registra la denuncia por el hecho ocurrido').where().t(', se realizan las diligencias de ley.');
  },
  (b) => {
    b.t('Denuncia registrada conforme a lo manifestado por ').victim('denunciante', female(b));
    b.t('. Se dio cuenta al comisario de turno.');
  },
  (b) => {
    b.t('Se recibió la denuncia de ').victim('agraviado', female(b)).t(` por el hecho ocurrido ${b.time()}`);
    b.t('; se procede conforme a ley.');
  },
  (b) => {
    b.t('Hecho registrado').where().t('. Pendiente de ampliación de la declaración de la parte agraviada.');
  },
  (b) => {
    b.victim('denunciante', female(b)).t(
      ' se apersonó a esta dependencia policial a fin de denunciar el hecho',
    );
    b.t(` suscitado ${b.time()}. Se realizan las diligencias del caso.`);
  },
];

const TEMPLATES: Readonly<Record<CrimeCategory, readonly Template[]>> = {
  hurto: [
    (b) => {
      const f = female(b);
      b.t('Se presentó ');
      b.victim('denunciante', f).t(' refiriendo que ').t(b.time()).t(', ').where();
      b.t(
        `, un sujeto desconocido le sustrajo su ${b.pick(['celular', 'billetera', 'mochila', 'cartera'])} ${b.pick(['mediante la modalidad de arrebato', 'aprovechando un descuido', 'de su bolsillo'])}`,
      );
      b.mislead(SHARED.noViolence);
      if (b.chance(0.4)) b.t(' y se dio a la fuga a bordo de una mototaxi').plateClause(true);
      b.t(`. Avaluado en ${b.amount()}.`);
    },
    (b) => {
      b.t(
        `Hurto de ${b.pick(['autopartes', 'espejos retrovisores', 'vehículo', 'llantas', 'faros'])}: `,
      ).victim('agraviado', female(b));
      b.t(b.pick(SHARED.vehicle)).plateClause(false).where();
      b.t(` y al retornar ${b.time()} constató la sustracción`);
      b.mislead([', sin que nadie lo amenazara', ', los vecinos no vieron armas']);
      b.t('.').closing();
    },
    (b) => {
      b.t('Mediante la modalidad de carterista, ').victim('agraviado', female(b));
      b.t(` denuncia que en el interior de un bus de transporte público ${b.time()}`).t(
        ' le sustrajeron su celular',
      );
      if (b.chance(0.5)) b.t(', hecho ocurrido').where();
      b.t('. Se dio cuenta a la comisaría.');
    },
    (b) => {
      b.victim('agraviado', female(b)).t(` refiere que ${b.time()}`).where();
      b.t(', dejó su bicicleta y al regresar ya no se encontraba');
      b.mislead(SHARED.noViolence);
      b.t('.').closing();
    },
    (b) => {
      b.t('Hurto en domicilio: ').victim('denunciante', female(b));
      b.t(' refiere que desconocidos ingresaron a su vivienda');
      if (b.chance(0.6)) b.t(' ubicada en ').place();
      b.t(` en su ausencia ${b.time()} y sustrajeron ${b.pick(['un televisor', 'joyas', 'una laptop'])}`);
      b.mislead([', sin forzar la puerta ni usar arma', ', no hubo violencia']);
      b.t('.').closing();
    },
  ],
  robo: [
    (b) => {
      b.victim('agraviado', female(b)).t(` denuncia que ${b.time()}, `).where();
      b.t(
        `, fue interceptado por ${b.pick(['dos sujetos', 'tres sujetos', 'un sujeto'])} que ${b.pick(['bajo amenaza con arma de fuego', 'premunidos de arma blanca', 'mediante la modalidad de cogotero', 'a empujones'])} le despojaron de sus pertenencias`,
      );
      if (b.chance(0.5)) b.t(', huyendo en una motocicleta lineal').plateClause(true);
      b.t('.').closing();
    },
    (b) => {
      b.t('Robo bajo la modalidad de raqueteo: ');
      b.victim('agraviado', female(b))
        .t(' refiere que al descender de un taxi')
        .plateClause(false)
        .t(',')
        .where();
      b.t(`, fue reducido y le sustrajeron ${b.amount()} en efectivo y su celular.`);
      if (b.chance(0.4)) b.t(' Personal PNP realizó el patrullaje por la zona con resultado negativo.');
    },
    (b) => {
      b.t(`Personal de serenazgo de ${title(b.ctx.district)} comunicó que `).where();
      b.t(' se produjo un asalto a ');
      b.t(b.pick(['una bodega', 'un mototaxista', 'un cambista', 'una farmacia'])).t('; ');
      b.victim('agraviado', female(b)).t(` indicó que los delincuentes huyeron ${b.time()}`);
      if (b.chance(0.4)) b.t(' en un vehículo').plateClause(false);
      b.t('.');
    },
    (b) => {
      // Robo de vehículo: the same words as a hurto de autopartes, plus the threat.
      b.victim('agraviado', female(b)).t(b.pick(SHARED.vehicle)).plateClause(false).where();
      b.t(
        `, cuando ${b.pick(['dos sujetos', 'sujetos desconocidos'])} ${b.pick(['lo amenazaron', 'lo encañonaron', 'lo obligaron a bajar'])} y se llevaron el vehículo ${b.time()}`,
      );
      b.t('.').closing();
    },
    (b) => {
      b.t(`${b.time()}, `).victim('agraviado', female(b)).t(' caminaba').where();
      b.t(', cuando un sujeto le arrebató su celular jaloneándola');
      b.mislead(SHARED.theftWords);
      b.t(', causándole una caída.').closing();
    },
  ],
  extorsion: [
    (b) => {
      b.victim('denunciante', female(b)).t(', propietario de un negocio').where();
      b.t(
        `, denuncia que viene recibiendo mensajes por WhatsApp exigiéndole el pago de ${b.amount()} semanales como cobro de cupos`,
      );
      if (b.chance(0.5)) b.t(', desde el número ').pii('phone', b.phoneNumber());
      b.t('.');
    },
    (b) => {
      b.t('Se recibió la denuncia de ').victim('denunciante', female(b));
      b.t(
        `, quien refiere que dejaron una carta extorsiva y un artefacto explosivo en su domicilio ${b.time()}`,
      );
      if (b.chance(0.5)) b.t(', ubicado en ').place();
      b.t('. Se dio cuenta a la DIVINCRI.');
    },
    (b) => {
      b.t('Mototaxista ').victim('agraviado', female(b)).t(' de la empresa de mototaxis ');
      b.t(b.pick(['Los Chalacos', 'Virgen de Fátima', 'San Judas']))
        .t(' refiere cobro de cupos de S/ 10 diarios por ')
        .person('sospechoso', false);
      b.t('.');
    },
    (b) => {
      b.victim('denunciante', female(b)).t(b.pick(SHARED.threats));
      if (b.chance(0.6)) b.t(' del número ').pii('phone', b.phoneNumber());
      b.t(
        `, donde le piden ${b.pick(['dinero', 'una colaboración', 'pagar por su seguridad'])} para no atentar contra su familia.`,
      );
      b.closing();
    },
  ],
  estafa: [
    (b) => {
      b.victim('denunciante', female(b)).t(' refiere que recibió una llamada de un supuesto familiar');
      b.t(` y depositó ${b.amount()} mediante Yape al número `).pii('phone', b.phoneNumber()).t('.');
    },
    (b) => {
      b.t('Estafa por venta en línea: ').victim('agraviado', female(b));
      b.t(` pagó ${b.amount()} por un celular ofertado en redes sociales y no recibió el producto.`);
      if (b.chance(0.3)) b.t(' El vendedor se identificó como ').pii('name', b.fullName(false)).t('.');
    },
    (b) => {
      b.victim('agraviado', female(b)).t(' refiere que ').where();
      b.t(', un sujeto le entregó billetes falsos al venderle');
      b.t(` ${b.pick(['un celular', 'su moto', 'mercadería'])} y se dio a la fuga`);
      b.mislead(SHARED.noViolence);
      b.t('.').closing();
    },
  ],
  homicidio: [
    (b) => {
      b.t(`${b.time()}, `).where();
      b.t(', sujetos a bordo de una motocicleta').plateClause(true);
      b.t(' efectuaron disparos contra ')
        .person('agraviado', false)
        .t(
          `, quien falleció en el ${b.pick(['Hospital Daniel Alcides Carrión', 'Hospital Alberto Sabogal', 'lugar'])}.`,
        );
      if (b.chance(0.5)) b.t(' Se presume sicariato. Intervino la DEPINCRI.');
    },
    (b) => {
      b.t('Durante una riña ').where();
      b.t(', ')
        .person('sospechoso', false)
        .t(' agredió con arma blanca a ')
        .person('agraviado', false)
        .t(', quien falleció.');
    },
  ],
  lesiones: [
    (b) => {
      b.victim('denunciante', female(b))
        .t(` refiere que ${b.time()} fue agredido físicamente por `)
        .person('sospechoso', false);
      b.where().t(', causándole lesiones. Se le extendió oficio para el reconocimiento médico legal.');
    },
    (b) => {
      b.t('Personal PNP intervino una gresca ').where().t(', resultando herido ').person('agraviado', false);
      if (b.chance(0.4)) b.t(', quien fue trasladado en la ambulancia').plateClause(false);
      b.t('.');
    },
    (b) => {
      // The words of a family-violence record, between neighbours.
      b.victim('agraviado', female(b)).t(' refiere que su vecino').t(b.pick(SHARED.aggression)).where();
      b.t(` ${b.time()}, por problemas de linderos`);
      b.mislead([' en presencia de su familia', ', frente a su domicilio', ' mientras discutían']);
      b.t('.').closing();
    },
  ],
  violencia_familiar: [
    (b) => {
      b.victim('denunciante', true)
        .t(` denuncia que ${b.time()} su conviviente `)
        .pii('name', b.fullName(false));
      b.t(` la agredió ${b.pick(['física', 'psicológica', 'física y psicológicamente'])}`);
      b.t(' en su domicilio');
      if (b.chance(0.8)) b.t(' ubicado en ').place();
      b.t('. Se solicitaron medidas de protección (Ley 30364).');
    },
    (b) => {
      b.t('Violencia familiar: ')
        .victim('agraviado', true)
        .t(' refiere que su ex pareja ')
        .pii('name', b.fullName(false));
      b.t(' la amenaza por teléfono');
      if (b.chance(0.5)) b.t(' desde el número ').pii('phone', b.phoneNumber());
      b.t(' y la espera cerca de su vivienda').t(b.chance(0.6) ? ', en ' : '');
      if (b.text.endsWith(', en ')) b.place();
      b.t('.');
    },
    (b) => {
      // The words of an injury record, in the family.
      b.victim('agraviado', true)
        .t(` refiere que ${b.time()}`)
        .t(b.pick(SHARED.aggression).replace('agredido', 'agredida').replace('golpeado', 'golpeada'));
      b.t(` por ${b.pick(['su pareja', 'su cuñado', 'su hijo', 'el padre de sus hijos'])}`);
      b.mislead([
        ' durante una discusión en la vía pública',
        ', quien también amenazó con quitarle su celular',
      ]);
      b.t('.').closing();
    },
  ],
  sexual: [
    (b) => {
      b.victim('denunciante', true)
        .t(` refiere que ${b.time()}, en el interior de una combi`)
        .plateClause(false);
      b.t(', un sujeto le realizó tocamientos indebidos. El conductor se detuvo').where().t('.');
    },
    (b) => {
      b.t('Acoso sexual: ')
        .victim('agraviado', true)
        .t(' denuncia que ')
        .person('sospechoso', false)
        .t(' la hostiga cerca de su domicilio');
      if (b.chance(0.7)) b.t(' en ').place();
      b.t('.');
    },
  ],
  drogas: [
    (b) => {
      b.t(`Durante el patrullaje ${b.time()}, personal PNP intervino `)
        .where()
        .t(' a ')
        .person('intervenido', b.chance(0.2));
      if (b.chance(NARRATIVE_PII_RATES.dni)) b.dni();
      b.t(
        `, a quien se le encontró ${b.int(5, 80)} ketes de PBC y ${b.int(2, 30)} envoltorios de marihuana. Fue conducido a la ${title(b.ctx.comisaria) || 'comisaría'}.`,
      );
    },
    (b) => {
      b.t('Serenazgo alertó sobre microcomercialización de drogas');
      b.where()
        .t('; se intervino a ')
        .person('intervenido', false)
        .t(' y a ')
        .person('intervenido', true)
        .t('.');
    },
    (b) => {
      b.t('En un operativo ').where().t(', se intervino a ').person('intervenido', false);
      b.t(', a quien en el registro personal se le halló una bolsa con sustancia blanquecina');
      b.mislead([', no se le encontró arma', ' y un celular de dudosa procedencia']);
      b.t('.').closing();
    },
  ],
  armas: [
    (b) => {
      b.t('En un operativo ').where().t(', se intervino a ').person('intervenido', false);
      if (b.chance(NARRATIVE_PII_RATES.dni)) b.dni();
      b.t(', quien portaba un arma de fuego sin licencia de SUCAMEC');
      if (b.chance(0.5)) b.t(', a bordo del vehículo').plateClause(false);
      b.t('.');
    },
  ],
  secuestro: [
    (b) => {
      b.victim('denunciante', female(b))
        .t(' denuncia la privación de libertad de su familiar ')
        .pii('name', b.fullName(b.chance(0.5)));
      b.t(', por quienes exigen un rescate.');
    },
  ],
  otros: [
    (b) => {
      b.victim('denunciante', female(b)).t(' denuncia daños a la fachada de su vivienda').where().t('.');
    },
    (b) => {
      b.t('Usurpación: ')
        .victim('agraviado', female(b))
        .t(' refiere que terceros invadieron su terreno')
        .where()
        .t('.');
    },
    (b) => {
      // Amenazas: the words of an extortion record, without a demand for money.
      b.t('Amenazas: ').victim('denunciante', female(b)).t(b.pick(SHARED.threats));
      if (b.chance(0.5)) b.t(' del número ').pii('phone', b.phoneNumber());
      b.t(
        ` por parte de ${b.pick(['un vecino', 'su excompañero de trabajo', 'un familiar'])} con quien tuvo una discusión`,
      );
      b.mislead([', sin exigirle dinero', ', no le pidieron cupos']);
      b.t('.').closing();
    },
  ],
};

/** One narrative for an incident of `ctx.kind`, drawn with `rand`, with its personal data labelled. */
export function syntheticNarrative(ctx: NarrativeContext, rand: Rand): SyntheticNarrative {
  const b = new Builder(rand, ctx);
  b.abbreviated = rand() < NARRATIVE_NOISE_RATES.abbreviated;
  b.noAccents = rand() < NARRATIVE_NOISE_RATES.noAccents;
  const terse = rand() < NARRATIVE_NOISE_RATES.terse;
  b.pick(terse ? TERSE : TEMPLATES[ctx.kind])(b);
  // Capitalise the first letter; some stations write everything in capitals (offsets unchanged:
  // the upper case of every letter used here is one UTF-16 unit).
  let text = `${b.text[0]?.toUpperCase() ?? ''}${b.text.slice(1)}`;
  if (rand() < NARRATIVE_PII_RATES.upperCase) text = text.toUpperCase();
  return { text, spans: b.spans };
}

// ---------------------------------------------------------------------------------------------------
// Word lists (common Peruvian names and Callao streets; any likeness to a real person is chance)
// ---------------------------------------------------------------------------------------------------

const MALE = [
  'Juan',
  'José',
  'Luis',
  'Carlos',
  'Jorge',
  'Miguel',
  'Víctor',
  'César',
  'Ricardo',
  'Jhon',
  'Kevin',
  'Brayan',
  'Pedro',
  'Manuel',
  'Wilmer',
  'Edwin',
  'Raúl',
  'Alex',
  'Julio',
  'Segundo',
];
const FEMALE = [
  'María',
  'Rosa',
  'Ana',
  'Carmen',
  'Milagros',
  'Yolanda',
  'Elena',
  'Lucía',
  'Flor',
  'Gladys',
  'Sandra',
  'Karina',
  'Jessica',
  'Patricia',
  'Luz',
  'Nélida',
  'Rocío',
  'Janet',
];
const SURNAMES = [
  'Quispe',
  'Flores',
  'Sánchez',
  'Rodríguez',
  'García',
  'Huamán',
  'Mamani',
  'Chávez',
  'Rojas',
  'Ramírez',
  'Torres',
  'Vásquez',
  'Mendoza',
  'Castillo',
  'Díaz',
  'Espinoza',
  'Gutiérrez',
  'Condori',
  'Paredes',
  'Ñañez',
  'Ccori',
  'Yupanqui',
  'Salazar',
  'Cárdenas',
  'Villanueva',
  'Arévalo',
  'Tello',
  'Zavaleta',
];
const NICKNAMES = [
  'Chato',
  'Loco Pepe',
  'Cholo',
  'Gringo',
  'Chino',
  'Flaco',
  'Zambo',
  'Negro Lucho',
  'Cachetes',
  'Pelado',
];
const MAIL_DOMAINS = ['gmail.com', 'hotmail.com', 'outlook.com', 'yahoo.es'];
const STREETS = [
  'Sáenz Peña',
  'Guardia Chalaca',
  'Argentina',
  'Colonial',
  'Elmer Faucett',
  'Néstor Gambetta',
  'La Marina',
  'Buenos Aires',
  'Paz Soldán',
  'Miller',
  'Constitución',
  '2 de Mayo',
  'Grau',
  'Santa Rosa',
  'Los Pinos',
  'Venezuela',
  'Tomás Valle',
  'Oscar R. Benavides',
  'Manco Cápac',
  'Contralmirante Mora',
];
const SETTLEMENTS = [
  'Santa Rosa',
  'Bocanegra',
  'Los Cedros',
  'Angamos',
  'Pachacútec',
  'Villa Los Reyes',
  'Sarita Colonia',
  'Juan Pablo II',
];
/** Plate letters (no I, O, Q: easily confused with digits). */
const PLATE_LETTERS = [
  'A',
  'B',
  'C',
  'D',
  'E',
  'F',
  'G',
  'H',
  'J',
  'K',
  'L',
  'M',
  'N',
  'P',
  'R',
  'S',
  'T',
  'U',
  'V',
  'W',
  'X',
  'Y',
  'Z',
];
