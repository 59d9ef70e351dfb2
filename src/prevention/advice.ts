/**
 * Prevention advice for residents per crime category (issue 13, the community leaders' "Mi
 * distrito"), in plain Spanish: what a neighbour can do, not what the police do (that is
 * tactics.ts). The defaults below can be replaced category by category from a JSON file
 * (VIGIA_ADVICE_FILE, read by services/advice.ts): `{ "<category>": ["consejo", …] }`.
 * Pure: the caller reads the file; this module validates it (zod) and merges it over the defaults.
 * See docs/prevention.md, "Advice for residents".
 */
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { CATEGORY_CODES, type CrimeCategory } from '../core/taxonomy.ts';

/** Advice of every crime category (the type makes the defaults cover every category). */
export type AdviceTable = Readonly<Record<CrimeCategory, readonly string[]>>;

const REPORT =
  'Denuncie en la comisaría o en la web de denuncias de la PNP: cada denuncia ayuda a poner patrullaje donde hace falta';

/** The default table. */
export const DEFAULT_ADVICE: AdviceTable = {
  hurto: [
    'Lleve el celular y la billetera en bolsillos delanteros o en un bolso cerrado por delante, sobre todo en paraderos y mercados',
    'No deje objetos a la vista dentro del auto ni en la ventana',
    REPORT,
  ],
  robo: [
    'Evite usar el celular en la calle en paraderos y esquinas; si necesita hacerlo, entre a un local',
    'Prefiera calles iluminadas y con gente; de noche, avise a alguien de su ruta',
    'Si le asaltan, no se resista: lo primero es su vida; luego llame al 105',
    REPORT,
  ],
  extorsion: [
    'No responda ni pague ante mensajes o llamadas de cobro de cupos: guarde los mensajes y denuncie',
    'La extorsión se puede denunciar de forma reservada en la comisaría o en la DIVINCRI',
    'Coordine con otros comerciantes de su cuadra y con la junta vecinal: no está solo',
  ],
  estafa: [
    'Desconfíe de llamadas o mensajes que piden claves, códigos o depósitos urgentes: cuelgue y llame usted a su banco',
    'Antes de pagar una compra por internet, verifique al vendedor y no adelante dinero a desconocidos',
    REPORT,
  ],
  secuestro: [
    'Acuerde con su familia una palabra clave para confirmar llamadas de emergencia',
    'Ante un supuesto secuestro por teléfono, cuelgue y llame directamente a su familiar; luego al 105',
  ],
  homicidio: [
    'Si presencia una balacera o una pelea con armas, aléjese y llame al 105; no se acerque a mirar',
    'Participe en la junta vecinal y pida iluminación y vigilancia en los puntos que preocupan al barrio',
  ],
  lesiones: [
    'Evite discusiones en la calle o a la salida de locales nocturnos; si la situación escala, aléjese y llame al 105',
    'Ante un herido, llame al 106 (SAMU) o al 116 (bomberos)',
  ],
  violencia_familiar: [
    'Si usted o alguien cercano sufre violencia en casa, llame gratis a la Línea 100 (las 24 horas) o acuda al Centro Emergencia Mujer',
    'Ante un peligro inmediato, llame al 105',
  ],
  sexual: [
    'Ante una agresión sexual, acuda a la comisaría, al Centro Emergencia Mujer o llame a la Línea 100; busque atención médica en las primeras 72 horas',
  ],
  drogas: [
    'Informe de puntos de venta de drogas a la comisaría o a la junta vecinal; la denuncia puede ser reservada',
    'Hable con los jóvenes de su familia y acérquelos a los programas deportivos y culturales de la municipalidad',
  ],
  armas: ['Si ve a alguien armado, aléjese y llame al 105; no intente intervenir'],
  otros: [REPORT, 'Participe en la junta vecinal de su zona y en las reuniones con su comisaría'],
};

/** Most pieces of advice per category, and the longest text: a resident reads them on a phone. */
export const ADVICE_LIMITS = { perCategory: 8, textChars: 300 } as const;

const listSchema = z
  .array(
    z
      .string()
      .trim()
      .min(1, 'texto vacío')
      .max(ADVICE_LIMITS.textChars, `a lo sumo ${ADVICE_LIMITS.textChars} caracteres`),
  )
  .min(1, 'se espera al menos un consejo')
  .max(ADVICE_LIMITS.perCategory, `a lo sumo ${ADVICE_LIMITS.perCategory} consejos por categoría`);
const fileSchema = z.partialRecord(z.enum(CATEGORY_CODES as [CrimeCategory, ...CrimeCategory[]]), listSchema);

/** A zod issue in Spanish (the messages set in the schema are Spanish already). */
function spanish(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type')
    return issue.expected === 'array'
      ? 'se esperaba una lista de textos'
      : issue.expected === 'string'
        ? 'se esperaba un texto'
        : 'se esperaba un objeto { "categoría": [consejos] }';
  if (issue.code === 'unrecognized_keys')
    return `categoría desconocida ${issue.keys.map((k) => `"${k}"`).join(', ')} (use ${CATEGORY_CODES.join(', ')})`;
  return issue.message;
}

/**
 * The advice table from a parsed JSON file: each category the file names replaces that category's
 * default list; categories it does not name keep the defaults.
 * @throws ConfigError naming the file and every bad field (e.g. `robo[1]`), unknown categories included
 */
export function parseAdvice(json: unknown, file: string): AdviceTable {
  const result = fileSchema.safeParse(json);
  if (!result.success)
    throw new ConfigError(
      result.error.issues.map((i) => {
        const path = i.path.map((k) => (typeof k === 'number' ? `[${k}]` : String(k))).join('');
        return `${file}: ${path || '(archivo)'}: ${spanish(i)}`;
      }),
    );
  return { ...DEFAULT_ADVICE, ...(result.data as Partial<AdviceTable>) };
}
