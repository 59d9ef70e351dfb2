/**
 * Populations per district and year (issue 13): a CSV with its source, loaded atomically by
 * `vigia population load` or POST /api/v1/populations. No figure ships: every population in the
 * store came from a file someone loaded and named the source of. Re-loading the same file changes
 * nothing; a later figure for the same district and year replaces the stored one, and the audit
 * entry (`population.load`) keeps the figure it replaced.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { InputFileError, ValidationError } from '../core/errors.ts';
import type { StudyArea } from '../geo/study-area.ts';
import { guessDelimiter, parseCsvChunk } from '../ingest/csv.ts';
import type { Db } from '../storage/db.ts';
import {
  listPopulations,
  type PopulationChanges,
  type PopulationRow,
  type StoredPopulation,
  savePopulations,
} from '../storage/populations.ts';
import { getStudyArea } from './areas.ts';
import { type AuditContext, audit } from './audit.ts';

/** Audit action of every load that changed something. */
export const POPULATION_AUDIT_ACTION = 'population.load';

/** Largest population file accepted (a district table is a few kilobytes). */
const MAX_BYTES = 1_000_000;

/** Accepted column names (lower case, without accents). */
const COLUMNS = {
  district: ['distrito', 'district', 'ubigeo', 'codigo', 'district_code', 'codigo_distrito'],
  year: ['ano', 'anio', 'year'],
  population: ['poblacion', 'population', 'habitantes'],
} as const;

const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').trim().toLowerCase();

/**
 * Parses a population CSV (header: distrito, año, población — or district, year, population; the
 * district as its code or its name in the study area).
 * @throws InputFileError naming the file, and the row and field at fault
 */
export function parsePopulationCsv(
  bytes: Buffer,
  fileName: string,
  area: StudyArea,
  source: string,
): PopulationRow[] {
  const fail = (message: string): never => {
    throw new InputFileError(fileName, message);
  };
  if (bytes.length > MAX_BYTES)
    fail(`el archivo supera ${MAX_BYTES / 1_000_000} MB: no parece una tabla de población`);
  if (bytes.includes(0)) fail('no es un archivo de texto CSV');
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  if (!firstLine.trim()) fail('el archivo está vacío (se espera el encabezado distrito,año,población)');
  const { rows, errors } = parseCsvChunk(text, guessDelimiter(firstLine), true);
  const [header = [], ...data] = rows;
  const names = header.map(fold);
  const col = {} as Record<keyof typeof COLUMNS, number>;
  for (const [key, aliases] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, readonly string[]][]) {
    const i = names.findIndex((n) => aliases.includes(n));
    if (i < 0)
      fail(
        `falta la columna "${aliases[0]}" (acepta: ${aliases.join(', ')}); encabezado: ${header.join(', ')}`,
      );
    col[key] = i;
  }
  const byCode = new Map(area.def.districts.map((d) => [d.code, d.code]));
  const byName = new Map(area.def.districts.map((d) => [fold(d.name), d.code]));
  const seen = new Map<string, number>();
  const out: PopulationRow[] = [];
  for (const [i, fields] of data.entries()) {
    const rowNo = i + 2;
    if (fields.every((f) => f.trim() === '')) continue;
    if (errors.has(i + 1)) fail(`fila ${rowNo}: ${errors.get(i + 1)}`);
    const at = (field: keyof typeof COLUMNS, message: string): never =>
      fail(`fila ${rowNo}, campo "${header[col[field]]}": ${message}`);
    const rawDistrict = (fields[col.district] ?? '').trim();
    const code5 = /^\d{5}$/.test(rawDistrict) ? `0${rawDistrict}` : rawDistrict;
    const districtCode = byCode.get(code5) ?? byName.get(fold(rawDistrict));
    if (!districtCode)
      at(
        'district',
        `distrito "${rawDistrict.slice(0, 60)}" no existe en el área ${area.def.id} (use el código o el nombre: ${area.def.districts.map((d) => `${d.code} ${d.name}`).join(', ')})`,
      );
    const rawYear = (fields[col.year] ?? '').trim();
    const year = Number(rawYear);
    if (!/^\d{4}$/.test(rawYear) || year < 1900 || year > 2200)
      at('year', `año "${rawYear.slice(0, 20)}" inválido (se espera AAAA, entre 1900 y 2200)`);
    const rawPop = (fields[col.population] ?? '').trim().replace(/[\s_]/g, '');
    const population = Number(rawPop);
    if (!/^\d+$/.test(rawPop) || population < 1 || population > 100_000_000)
      at(
        'population',
        `población "${rawPop.slice(0, 20)}" inválida (se espera un entero positivo, sin separadores de miles)`,
      );
    const key = `${districtCode}|${year}`;
    const dup = seen.get(key);
    if (dup !== undefined)
      at('district', `el distrito ${districtCode} y el año ${year} ya figuran en la fila ${dup}`);
    seen.set(key, rowNo);
    out.push({ districtCode: districtCode as string, year, population, source });
  }
  if (out.length === 0) fail('no hay filas de datos debajo del encabezado');
  return out;
}

/** What a load did. */
export interface PopulationLoad {
  area: string;
  file: string;
  rows: number;
  added: number;
  replaced: number;
  unchanged: number;
  /** The audit entry's sequence number, or null when nothing changed (a re-load). */
  auditSeq: number | null;
}

/** Checks the source text (required: every figure names where it comes from). */
export function checkSource(source: string | undefined, field: string): string {
  const s = (source ?? '').trim();
  if (!s) throw new ValidationError(field, 'indique la fuente de las cifras (ej. "INEI, estimaciones 2024")');
  if (s.length > 300) throw new ValidationError(field, 'la fuente admite hasta 300 caracteres');
  return s;
}

/**
 * Loads a population table: every row or none (one transaction), audited when something changed.
 * @throws InputFileError (file, row, field), ValidationError (source), NotFoundError (area)
 */
export async function loadPopulations(
  db: Db,
  o: { area: string; bytes: Buffer; fileName: string; source: string; actor: AuditContext },
): Promise<PopulationLoad> {
  const area = await getStudyArea(db, o.area);
  const rows = parsePopulationCsv(o.bytes, o.fileName, area, o.source);
  const sha = createHash('sha256').update(o.bytes).digest('hex');
  const changes: PopulationChanges = await savePopulations(db, area.def.id, rows, {
    fileSha256: sha,
    loadedBy: o.actor.actor,
  });
  const changed = changes.added.length + changes.replaced.length;
  const auditSeq = changed
    ? await audit(db, o.actor, POPULATION_AUDIT_ACTION, `area:${area.def.id}`, {
        file: o.fileName,
        sha256: sha,
        source: o.source,
        added: changes.added.map((r) => [r.districtCode, r.year, r.population]),
        replaced: changes.replaced.map((c) => ({
          district: c.after.districtCode,
          year: c.after.year,
          before: { population: c.before.population, source: c.before.source },
          after: c.after.population,
        })),
        unchanged: changes.unchanged,
      })
    : null;
  return {
    area: area.def.id,
    file: o.fileName,
    rows: rows.length,
    added: changes.added.length,
    replaced: changes.replaced.length,
    unchanged: changes.unchanged,
    auditSeq,
  };
}

/** Reads a population file from disk (the CLI). @throws InputFileError when it cannot be read */
export async function readPopulationFile(file: string): Promise<{ bytes: Buffer; fileName: string }> {
  try {
    return { bytes: await readFile(file), fileName: file };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputFileError(file, code === 'ENOENT' ? 'no existe' : `no se pudo leer (${code ?? 'error'})`);
  }
}

/** The populations of an area, optionally of some years. */
export async function populations(
  db: Db,
  areaId: string,
  years?: readonly number[],
): Promise<StoredPopulation[]> {
  const area = await getStudyArea(db, areaId);
  return listPopulations(db, area.def.id, years);
}
