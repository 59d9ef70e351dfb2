/**
 * Builders for small synthetic input files (never real victim data): SIDPOL geo-layer rows with
 * sensible defaults that a test overrides field by field, and temporary files.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The SIDPOL geo-layer columns these fixtures write (a subset of the documented schema). */
export const GEO_HEADER = [
  'objectid',
  'fecha_hora_hecho',
  'fecha_hora_registro_hecho',
  'distrito_hecho',
  'ubigeo_hecho_delito',
  'tipo_hecho',
  'subtipo_hecho',
  'modalidad_hecho',
  'es_delito_x',
  'turno_hecho',
  'lat_hecho',
  'long_hecho',
  'estado_coord',
  'observacion',
  'direccion_hecho',
  'fuente',
] as const;
export type GeoColumn = (typeof GEO_HEADER)[number];

/** Epoch ms of a Lima local time (UTC−5, no DST). */
export function limaMs(y: number, m: number, d: number, h = 0, min = 0): number {
  return Date.UTC(y, m - 1, d, h + 5, min);
}

/** A valid robbery in Callao (Cercado) on 2024-03-05 21:30 local; override any field. */
export function geoRow(id: number, over: Partial<Record<GeoColumn, string>> = {}): Record<GeoColumn, string> {
  return {
    objectid: String(id),
    fecha_hora_hecho: String(limaMs(2024, 3, 5, 21, 30)),
    fecha_hora_registro_hecho: String(limaMs(2024, 3, 6, 9, 0)),
    distrito_hecho: 'CALLAO',
    ubigeo_hecho_delito: '70101',
    tipo_hecho: 'PATRIMONIO (DELITO)',
    subtipo_hecho: 'ROBO',
    modalidad_hecho: 'ROBO AGRAVADO',
    es_delito_x: '1.Delitos',
    turno_hecho: 'noche',
    lat_hecho: '-12.056',
    long_hecho: '-77.144',
    estado_coord: 'CON COORDENADA',
    observacion: '',
    direccion_hecho: '',
    fuente: 'PRUEBA',
    ...over,
  };
}

function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** CSV text for rows with the given header. */
export function toCsv(
  rows: readonly Record<string, string>[],
  header: readonly string[] = GEO_HEADER,
): string {
  return `${[header.join(','), ...rows.map((r) => header.map((h) => csvField(r[h] ?? '')).join(','))].join('\n')}\n`;
}

let dir: string | undefined;
/** Writes a file into a per-process temporary folder and returns its path. */
export function tempFile(name: string, content: string | Buffer): string {
  dir ??= mkdtempSync(join(tmpdir(), 'vigia-fixtures-'));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
