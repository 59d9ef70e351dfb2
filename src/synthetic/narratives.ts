/**
 * Synthetic Spanish incident narratives ("relato") with the personal data they embed labelled
 * (issue 14). Each crime kind has several templates with optional clauses, in the style of a PNP
 * complaint or intervention record in Callao (arrebato, cogotero, raqueteo, mototaxi, agraviado,
 * denunciante, serenazgo…); names, DNI numbers, phones, plates, e-mails and addresses are embedded at
 * realistic rates and returned as spans, so that redaction (src/text/redact.ts) can be measured
 * (docs/text.md#redacción). Pure: every draw comes from the caller's random function.
 */
import type { PiiKind, PiiSpan } from '../core/pii.ts';
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

type Rand = () => number;

/** Builds a text and the spans of the personal data appended to it. */
class Builder {
  text = '';
  spans: PiiSpan[] = [];
  constructor(
    readonly r: Rand,
    readonly ctx: NarrativeContext,
  ) {}
  get protected(): boolean {
    return CRIME_CATEGORIES[this.ctx.kind].restricted;
  }
  t(s: string): this {
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

  // --- personal data ------------------------------------------------------------------------------
  /** "el agraviado Juan Pérez Quispe", with or without a DNI after it. */
  person(role: 'agraviado' | 'denunciante' | 'intervenido' | 'sospechoso', female: boolean): this {
    const cue = {
      agraviado: female
        ? ['la agraviada', 'la víctima', 'la ciudadana']
        : ['el agraviado', 'la víctima', 'el ciudadano'],
      denunciante: female
        ? ['la denunciante', 'la Sra.', 'la recurrente de nombre']
        : ['el denunciante', 'el Sr.', 'el recurrente de nombre'],
      intervenido: female
        ? ['la intervenida', 'la detenida', 'la persona identificada como']
        : ['el intervenido', 'el detenido', 'el sujeto identificado como'],
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
    const digits = String(this.int(0, 79_999_999)).padStart(8, '0');
    const cue = this.pick([
      ', identificado con DNI N.° ',
      ', con DNI ',
      ' (D.N.I. N° ',
      ', DNI ',
      ', documento de identidad N° ',
    ]);
    this.t(cue).pii('dni', digits);
    return this.t(cue.includes('(') ? ')' : '');
  }
  phone(): this {
    const n = `9${String(this.int(0, 99_999_999)).padStart(8, '0')}`;
    const form = this.int(0, 5);
    const value =
      form === 0
        ? n
        : form === 1
          ? `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`
          : form === 2
            ? `${n.slice(0, 3)}-${n.slice(3, 6)}-${n.slice(6)}`
            : form === 3
              ? `+51 ${n}`
              : form === 4
                ? `(01) ${this.int(2, 7)}${String(this.int(0, 99)).padStart(2, '0')}-${String(this.int(0, 9999)).padStart(4, '0')}`
                : `+51 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
    const cue = this.pick([
      ', con celular N° ',
      ', cel. ',
      ', teléfono ',
      ', número de contacto ',
      ' (cel. ',
    ]);
    this.t(cue).pii('phone', value);
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
    if (moto) {
      const digits = `${D()}${D()}${D()}${D()}`;
      return `${digits}${this.chance(0.85) ? '-' : ''}${this.chance(0.5) ? `${L()}${L()}` : `${D()}${L()}`}`;
    }
    const head = this.chance(0.7) ? `${L()}${L()}${L()}` : `${L()}${D()}${L()}`;
    if (/^(?:DNI|RUC|PNP|SIS|DIR)$/.test(head)) return this.plate(moto);
    return `${head}${this.chance(0.85) ? '-' : ''}${D()}${D()}${D()}`;
  }
  /** "de placa ABC-123" or nothing. */
  plateClause(moto: boolean): this {
    if (!this.chance(NARRATIVE_PII_RATES.plate)) return this;
    return this.t(this.pick([' de placa ', ' con placa de rodaje ', ' de placa N° ', ' '])).pii(
      'plate',
      this.plate(moto),
    );
  }
  /** An exact address (always personal data), or a street without a number (only in protected kinds). */
  place(): this {
    const u = this.r();
    if (u < 0.45) {
      const type = this.pick(['Av.', 'Av.', 'Jr.', 'Calle', 'Psje.']);
      const street = this.pick(STREETS);
      const num = this.int(1, 3200);
      return this.pii('address', `${type} ${street} ${this.chance(0.3) ? 'N° ' : ''}${num}`);
    }
    if (u < 0.7) {
      this.pii(
        'address',
        `Mz. ${this.pick(PLATE_LETTERS)}${this.chance(0.2) ? this.int(1, 9) : ''} Lt. ${this.int(1, 40)}`,
      );
      return this.t(
        ` del ${this.pick(['AA.HH.', 'Asentamiento Humano', 'Urb.', 'Asoc.'])} ${this.pick(SETTLEMENTS)}`,
      );
    }
    const street = `${this.pick(['Av.', 'Jr.', 'Calle'])} ${this.pick(STREETS)}`;
    const mention = this.chance(0.4) ? `${street} cdra. ${this.int(1, 30)}` : street;
    return this.protected ? this.pii('address', mention) : this.t(mention);
  }
  /** " en la Av. X 123" or " en inmediaciones de …" without personal data. */
  where(): this {
    if (this.chance(NARRATIVE_PII_RATES.address))
      return this.t(this.pick([' en ', ' a la altura de ', ' en inmediaciones de '])).place();
    return this.t(
      this.pick([
        ` en el distrito de ${title(this.ctx.district)}`,
        ' en la vía pública',
        ' cerca del mercado',
        ' en el paradero',
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
  time(): string {
    const h = this.ctx.hour;
    return this.pick([
      `a las ${String(h).padStart(2, '0')}:${String(this.int(0, 59)).padStart(2, '0')} horas`,
      `aprox. a las ${h}:${this.pick(['00', '15', '30', '45'])} h`,
      h < 12 ? 'en horas de la mañana' : h < 19 ? 'en horas de la tarde' : 'en horas de la noche',
    ]);
  }
  amount(): string {
    const v = this.pick([80, 150, 300, 450, 600, 1200, 1500, 2500, 3800]);
    return v >= 1000 ? `S/ ${Math.floor(v / 1000)} ${String(v % 1000).padStart(3, '0')}` : `S/ ${v}`;
  }
}

function title(s: string): string {
  return s.toLowerCase().replace(/(^|\s)\p{L}/gu, (c) => c.toUpperCase());
}

type Template = (b: Builder) => void;
const female = (b: Builder) => b.chance(0.5);

const TEMPLATES: Readonly<Record<CrimeCategory, readonly Template[]>> = {
  hurto: [
    (b) => {
      const f = female(b);
      b.t('Se presentó ');
      b.victim('denunciante', f).t(' refiriendo que ').t(b.time()).t(', ').where();
      b.t(
        `, un sujeto desconocido le sustrajo su ${b.pick(['celular', 'billetera', 'mochila', 'cartera'])} mediante la modalidad de arrebato`,
      );
      if (b.chance(0.4)) b.t(' y se dio a la fuga a bordo de una mototaxi').plateClause(true);
      b.t(`. Avaluado en ${b.amount()}.`);
    },
    (b) => {
      b.t(`Hurto de ${b.pick(['autopartes', 'espejos retrovisores', 'vehículo', 'bicicleta'])}: `).victim(
        'agraviado',
        female(b),
      );
      b.t(' dejó estacionado su vehículo').plateClause(false).where();
      b.t(` y al retornar ${b.time()} constató la sustracción.`);
      if (b.chance(0.3)) b.t(' Se solicitó apoyo de serenazgo para revisar las cámaras.');
    },
    (b) => {
      b.t('Mediante la modalidad de carterista, ').victim('agraviado', female(b));
      b.t(` denuncia que en el interior de un bus de transporte público ${b.time()}`).t(
        ' le sustrajeron su celular',
      );
      if (b.chance(0.5)) b.t(', hecho ocurrido').where();
      b.t('. Se dio cuenta a la comisaría.');
    },
  ],
  robo: [
    (b) => {
      b.victim('agraviado', female(b)).t(` denuncia que ${b.time()}, `).where();
      b.t(
        `, fue interceptado por ${b.pick(['dos sujetos', 'tres sujetos', 'un sujeto'])} que ${b.pick(['bajo amenaza con arma de fuego', 'premunidos de arma blanca', 'mediante la modalidad de cogotero'])} le despojaron de sus pertenencias`,
      );
      if (b.chance(0.5)) b.t(', huyendo en una motocicleta lineal').plateClause(true);
      b.t('.');
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
  ],
  extorsion: [
    (b) => {
      b.victim('denunciante', female(b)).t(', propietario de un negocio').where();
      b.t(
        `, denuncia que viene recibiendo mensajes por WhatsApp exigiéndole el pago de ${b.amount()} semanales como cobro de cupos`,
      );
      if (b.chance(0.5))
        b.t(', desde el número ').pii('phone', `9${String(b.int(0, 99_999_999)).padStart(8, '0')}`);
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
  ],
  estafa: [
    (b) => {
      b.victim('denunciante', female(b)).t(' refiere que recibió una llamada de un supuesto familiar');
      b.t(` y depositó ${b.amount()} mediante Yape al número `)
        .pii('phone', `9${String(b.int(0, 99_999_999)).padStart(8, '0')}`)
        .t('.');
    },
    (b) => {
      b.t('Estafa por venta en línea: ').victim('agraviado', female(b));
      b.t(` pagó ${b.amount()} por un celular ofertado en redes sociales y no recibió el producto.`);
      if (b.chance(0.3)) b.t(' El vendedor se identificó como ').pii('name', b.fullName(false)).t('.');
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
      if (b.chance(0.5))
        b.t(' desde el número ').pii('phone', `9${String(b.int(0, 99_999_999)).padStart(8, '0')}`);
      b.t(' y la espera cerca de su vivienda').t(b.chance(0.6) ? ', en ' : '');
      if (b.text.endsWith(', en ')) b.place();
      b.t('.');
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
  ],
};

/** One narrative for an incident of `ctx.kind`, drawn with `rand`, with its personal data labelled. */
export function syntheticNarrative(ctx: NarrativeContext, rand: Rand): SyntheticNarrative {
  const b = new Builder(rand, ctx);
  b.pick(TEMPLATES[ctx.kind])(b);
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
