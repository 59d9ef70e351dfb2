/**
 * Suggested non-enforcement tactics per crime group (issue 12), in Spanish: what a unit does in a
 * patrol area besides being there. The defaults below can be replaced group by group from a JSON
 * file (VIGIA_TACTICS_FILE, read by services/tactics.ts): `{ "<group>": [{ "code", "text" }, …] }`.
 * Pure: the caller reads the file; this module validates it (zod) and merges it over the defaults.
 * See docs/prevention.md, "Places and tactics".
 */
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { CRIME_GROUPS } from '../core/taxonomy.ts';

/** One tactic: a stable code (what a patrol report cites) and its Spanish text. */
export interface Tactic {
  readonly code: string;
  readonly text: string;
}

export type CrimeGroupName = keyof typeof CRIME_GROUPS;

/** Tactics of every crime group. */
export type TacticsTable = Readonly<Record<CrimeGroupName, readonly Tactic[]>>;

const VISIBLE: Tactic = {
  code: 'presencia-visible',
  text: 'Presencia visible a pie: recorrer el área sin prisa, hacerse ver y saludar a vecinos y comerciantes',
};
const SHOPS: Tactic = {
  code: 'visita-comercios',
  text: 'Visita a comercios y coordinación con el serenazgo: preguntar por hechos recientes y dejar el teléfono de la comisaría',
};
const LIGHTING: Tactic = {
  code: 'alumbrado-espacios',
  text: 'Reporte de alumbrado y espacios abandonados: anotar postes apagados, lotes baldíos y muros sin vigilancia para la municipalidad',
};
const NEIGHBOURS: Tactic = {
  code: 'juntas-vecinales',
  text: 'Contacto con la junta vecinal: informar del patrullaje y recoger las alertas del barrio',
};

/** The default table (every group of CRIME_GROUPS must have one: the type enforces it). */
export const DEFAULT_TACTICS: TacticsTable = {
  property: [
    VISIBLE,
    {
      code: 'paraderos-mercados',
      text: 'Presencia en paraderos y salidas de mercados en horas punta: advertir sobre arrebatos de celulares y carteras',
    },
    SHOPS,
    {
      code: 'prevencion-situacional',
      text: 'Recomendar a comercios y vecinos asegurar puertas, vehículos y mercadería, y revisar con ellos sus cámaras',
    },
    LIGHTING,
  ],
  extorsion: [
    {
      code: 'visita-extorsion',
      text: 'Visita a comercios, mototaxistas, transportistas y obras: explicar cómo denunciar la extorsión de forma reservada y dejar un contacto directo',
    },
    VISIBLE,
    NEIGHBOURS,
    {
      code: 'camaras-serenazgo',
      text: 'Coordinar con el serenazgo la revisión de cámaras en los puntos donde se cobran cupos',
    },
  ],
  violent: [
    {
      code: 'presencia-nocturna',
      text: 'Presencia visible a pie en esquinas y alrededores de bares y locales nocturnos, sobre todo al cierre',
    },
    {
      code: 'espacios-publicos',
      text: 'Conversación con jóvenes en parques y losas deportivas; derivación a programas municipales',
    },
    LIGHTING,
    NEIGHBOURS,
  ],
  all: [VISIBLE, SHOPS, LIGHTING, NEIGHBOURS],
} satisfies Record<CrimeGroupName, readonly Tactic[]>;

/** Most tactics per group, and the longest text: an officer reads them on a phone. */
export const TACTICS_LIMITS = { perGroup: 12, textChars: 300 } as const;

const tacticSchema = z.strictObject({
  code: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'código de 1 a 40 caracteres: minúsculas, dígitos y "-"'),
  text: z
    .string()
    .trim()
    .min(1, 'texto vacío')
    .max(TACTICS_LIMITS.textChars, `a lo sumo ${TACTICS_LIMITS.textChars} caracteres`),
});
const groupSchema = z
  .array(tacticSchema)
  .min(1, 'se espera al menos una táctica')
  .max(TACTICS_LIMITS.perGroup, `a lo sumo ${TACTICS_LIMITS.perGroup} tácticas por grupo`)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    for (const [i, t] of list.entries()) {
      if (seen.has(t.code))
        ctx.addIssue({ code: 'custom', path: [i, 'code'], message: `código repetido "${t.code}"` });
      seen.add(t.code);
    }
  });
const fileSchema = z.partialRecord(
  z.enum(Object.keys(CRIME_GROUPS) as [CrimeGroupName, ...CrimeGroupName[]]),
  groupSchema,
);

/** `["property", 1, "text"]` → `property[1].text`. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, k) => (typeof k === 'number' ? `${out}[${k}]` : out ? `${out}.${String(k)}` : String(k)),
    '',
  );
}

const EXPECTED: Readonly<Record<string, string>> = {
  array: 'una lista',
  object: 'un objeto',
  record: 'un objeto { "grupo": [tácticas] }',
  string: 'un texto',
};

/** A zod issue in Spanish (the messages set in the schema are Spanish already). */
function spanish(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `se esperaba ${EXPECTED[issue.expected] ?? issue.expected}`;
    case 'unrecognized_keys':
      return issue.path.length === 0
        ? `grupo desconocido ${issue.keys.map((k) => `"${k}"`).join(', ')} (use ${Object.keys(CRIME_GROUPS).join(', ')})`
        : `campo desconocido ${issue.keys.map((k) => `"${k}"`).join(', ')} (use code y text)`;
    default:
      return issue.message;
  }
}

/**
 * The tactics table from a parsed JSON file: each group the file names replaces that group's
 * default list; groups it does not name keep the defaults.
 * @throws ConfigError naming the file and every bad field (e.g. `property[1].text`), unknown groups included
 */
export function parseTactics(json: unknown, file: string): TacticsTable {
  const result = fileSchema.safeParse(json);
  if (!result.success)
    throw new ConfigError(
      result.error.issues.map((i) => `${file}: ${fieldPath(i.path) || '(archivo)'}: ${spanish(i)}`),
    );
  return { ...DEFAULT_TACTICS, ...(result.data as Partial<TacticsTable>) };
}

/** The tactics of a crime group. */
export function tacticsFor(table: TacticsTable, group: CrimeGroupName): readonly Tactic[] {
  return table[group];
}
