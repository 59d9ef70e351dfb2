/**
 * The labelled sets redaction is measured on (docs/text.md#redacción): synthetic narratives with
 * the spans the generator embedded, and hand-written adversarial cases (numbers that look like DNIs
 * but are amounts or file numbers, names without a cue, lower-case plates…). Scoring per kind: a
 * labelled span is found when a finding of the same kind covers it; a finding is correct when it
 * overlaps a labelled span of the same kind.
 */
import type { PiiKind, PiiSpan } from '../core/pii.ts';
import { mulberry32 } from '../core/random.ts';
import { CRIME_CATEGORIES, type CrimeCategory } from '../core/taxonomy.ts';
import { SYNTHETIC_KINDS } from '../synthetic/generator.ts';
import { syntheticNarrative } from '../synthetic/narratives.ts';
import { findPii, PII_KINDS } from '../text/redact.ts';

export interface LabelledText {
  text: string;
  protectedCategory: boolean;
  spans: PiiSpan[];
}

const KINDS: readonly CrimeCategory[] = SYNTHETIC_KINDS;
const DISTRICTS = ['CALLAO', 'BELLAVISTA', 'VENTANILLA', 'LA PERLA', 'CARMEN DE LA LEGUA REYNOSO', 'MI PERU'];

/** `n` synthetic narratives (crime kinds in turn), seeded. */
export function syntheticSet(n: number, seed: number): LabelledText[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const kind = KINDS[i % KINDS.length] as CrimeCategory;
    const { text, spans } = syntheticNarrative(
      {
        kind,
        district: DISTRICTS[i % DISTRICTS.length] as string,
        comisaria: 'CPNP SARITA COLONIA',
        hour: (i * 7) % 24,
      },
      rand,
    );
    return { text, spans, protectedCategory: CRIME_CATEGORIES[kind].restricted };
  });
}

/** A hand-written case: the personal data it holds, as [kind, exact text] in order. */
function labelled(text: string, pii: [PiiKind, string][], protectedCategory = false): LabelledText {
  let from = 0;
  const spans = pii.map(([kind, value]) => {
    const start = text.indexOf(value, from);
    if (start < 0) throw new Error(`"${value}" not in "${text}"`);
    from = start + value.length;
    return { kind, start, end: start + value.length };
  });
  return { text, spans, protectedCategory };
}

/** Traps for precision and recall that the generator does not write. */
export const ADVERSARIAL: readonly LabelledText[] = [
  labelled('El 15/03/2024 a las 22:30 horas le sustrajeron S/ 1 200 y US$ 300 en la Av. Colonial.', []),
  labelled('Monto reclamado: 20000000 soles; expediente N° 20240012; oficio N° 45678912-2024-PNP.', []),
  labelled('Denuncia registrada con RUC 20123456789 del negocio, código 123456789, periodo 2023-II.', []),
  labelled('Se dio cuenta al Sr. Comisario de la Comisaría Sarita Colonia, distrito de Bellavista.', []),
  labelled('Ocurrió en la cuadra 5 de la Av. Grau, frente al mercado Central, a la altura del paradero.', []),
  labelled('Juan Pérez Quispe denunció el robo de su celular.', [['name', 'Juan Pérez Quispe']]),
  labelled('Los vecinos señalaron a Rosa Huamán como testigo.', [['name', 'Rosa Huamán']]),
  labelled('Huyeron en el auto de placa abc-123 y en la moto 1234-ab.', [
    ['plate', 'abc-123'],
    ['plate', '1234-ab'],
  ]),
  labelled('Vehículo b7x456 abandonado; la combi C5Z 901 fue intervenida.', [
    ['plate', 'b7x456'],
    ['plate', 'C5Z 901'],
  ]),
  labelled('Llamar al 987654321, al 01-4253344 o al +51 (1) 425 3344; telf. 4253344.', [
    ['phone', '987654321'],
    ['phone', '01-4253344'],
    ['phone', '+51 (1) 425 3344'],
    ['phone', '4253344'],
  ]),
  labelled('Su celular es 9 8765 4321 y el de su hijo 98-765-4321.', [
    ['phone', '9 8765 4321'],
    ['phone', '98-765-4321'],
  ]),
  labelled('Identificado con DNI: 4567-8912, D.N.I. 07 654 321 y DNI N.º45678912.', [
    ['dni', '4567-8912'],
    ['dni', '07 654 321'],
    ['dni', '45678912'],
  ]),
  labelled(
    'identificado como JOSÉ LUIS RAMOS PÉREZ (35), con domicilio en Mz. B Lt. 12 del AA.HH. Los Cedros.',
    [
      ['name', 'JOSÉ LUIS RAMOS PÉREZ'],
      ['address', 'Mz. B Lt. 12'],
    ],
  ),
  labelled('Escribió desde JUAN.PEREZ@GMAIL.COM y luego desde rosa_h-2@correo.pe.', [
    ['email', 'JUAN.PEREZ@GMAIL.COM'],
    ['email', 'rosa_h-2@correo.pe'],
  ]),
  labelled('La agraviada María refiere que su ex pareja la espera en la Av. 28 de Julio 1024.', [
    ['name', 'María'],
    ['address', 'Av. 28 de Julio 1024'],
  ]),
  labelled(
    'La víctima refiere que el agresor vive en Jr. Paz Soldán, cerca de la Calle Constitución cdra. 3.',
    [
      ['address', 'Jr. Paz Soldán'],
      ['address', 'Calle Constitución cdra. 3'],
    ],
    true,
  ),
  labelled('un sujeto conocido como alias "Chato" y otro alias cholo huyeron.', [
    ['name', '"Chato"'],
    ['name', 'cholo'],
  ]),
  labelled('The victim John Smith (phone 555-0100) was robbed on Main Street.', []),
  // Police-record shapes (abbreviations, dots, lower case, capitals without accents).
  labelled(
    'La agraviad@ Rosa Tello (45.678.912), cel 987.654.321, refiere q huyeron en el auto abc123 y la moto 4521xy.',
    [
      ['name', 'Rosa Tello'],
      ['dni', '45.678.912'],
      ['phone', '987.654.321'],
      ['plate', 'abc123'],
      ['plate', '4521xy'],
    ],
  ),
  labelled('SE INTERVINO EN PJE. MILLER N° 315 Y EN CA. GRAU 120 AL SUJETO.', [
    ['address', 'PJE. MILLER N° 315'],
    ['address', 'CA. GRAU 120'],
  ]),
  labelled('El 15.03.2024 a las 10:30 p.m., 22H30, terreno de 1500m2 avaluado en S/. 45.678.912.', []),
];

export interface KindScore {
  labelled: number;
  found: number;
  findings: number;
  correct: number;
  recall: number;
  precision: number;
}

/** Recall and precision per kind of `findPii` on a labelled set. */
export function scoreRedaction(set: readonly LabelledText[]): Record<PiiKind, KindScore> {
  const s = Object.fromEntries(
    PII_KINDS.map((k) => [k, { labelled: 0, found: 0, findings: 0, correct: 0, recall: 1, precision: 1 }]),
  ) as Record<PiiKind, KindScore>;
  for (const t of set) {
    const found = findPii(t.text, { protectedCategory: t.protectedCategory });
    for (const l of t.spans) {
      s[l.kind].labelled++;
      if (found.some((f) => f.kind === l.kind && f.start <= l.start && f.end >= l.end)) s[l.kind].found++;
    }
    for (const f of found) {
      s[f.kind].findings++;
      if (t.spans.some((l) => l.kind === f.kind && l.start < f.end && f.start < l.end)) s[f.kind].correct++;
    }
  }
  for (const k of PII_KINDS) {
    const v = s[k];
    v.recall = v.labelled ? v.found / v.labelled : 1;
    v.precision = v.findings ? v.correct / v.findings : 1;
  }
  return s;
}
