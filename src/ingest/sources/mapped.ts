/**
 * Any city's incident export (CSV, or GeoJSON with point geometries) through a column-mapping file:
 * which column is the id, the time (format and zone), the coordinates (and their CRS), the crime
 * type and how types map to Vigía's categories. Example: mappings/chicago.json loads the City of
 * Chicago crime export with no code. The mapping is validated with zod; errors name the JSON path.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '../../core/errors.ts';
import { CATEGORY_CODES, CRIME_CATEGORIES, type CrimeCategory, foldLabel } from '../../core/taxonomy.ts';
import { assertTimeZone } from '../../core/time.ts';
import { createProjection, type Projection } from '../../geo/projection.ts';
import { LIMITS } from '../limits.ts';
import { checkInstant, Problems, parseNumber, placeIncident, turnoOf } from '../normalize.ts';
import { compileTimeFormat } from '../time-format.ts';
import {
  type AdapterContext,
  Columns,
  cell,
  type RowMapper,
  rowWidthReject,
  type SourceAdapter,
} from './adapter.ts';

const category = z.enum(CATEGORY_CODES as [CrimeCategory, ...CrimeCategory[]]);

/** The mapping-file schema. */
export const mappingSchema = z
  .object({
    source: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'minúsculas, dígitos y "-" (ej. chicago-cpd)'),
    description: z.string().optional(),
    /** A column, or `{ "rowNumber": true }`: the row's position in the file is its identity. */
    id: z.union([z.string().min(1), z.object({ rowNumber: z.literal(true) }).strict()]).optional(),
    time: z.object({
      column: z.string().min(1),
      format: z.string().min(1),
      timeZone: z.string().optional(),
    }),
    reportedTime: z.object({ column: z.string().min(1), format: z.string().min(1) }).optional(),
    coordinates: z.union([
      z.object({
        x: z.string().min(1),
        y: z.string().min(1),
        crs: z.string().default('EPSG:4326'),
        proj4: z.string().optional(),
      }),
      z.object({ geometry: z.literal(true) }),
    ]),
    geoQuality: z.enum(['exact', 'street']).default('exact'),
    type: z.object({
      column: z.string().min(1),
      subtype: z.string().optional(),
      modality: z.string().optional(),
      categories: z.record(z.string(), category).default({}),
      default: category.default('otros'),
    }),
    restricted: z
      .object({
        types: z.array(z.string()).default([]),
        column: z.string().optional(),
        values: z.array(z.string()).default([]),
      })
      .optional(),
    discovered: z.object({ types: z.array(z.string()).default([]) }).optional(),
    district: z.string().optional(),
    narrative: z.string().optional(),
  })
  .strict();

export type Mapping = z.infer<typeof mappingSchema>;

/**
 * Validates a parsed mapping file.
 * @throws ValidationError listing every problem by JSON path
 */
export function parseMapping(value: unknown, fileName: string): Mapping {
  const r = mappingSchema.safeParse(value);
  if (!r.success)
    throw new ValidationError(
      fileName,
      `archivo de mapeo inválido:\n${r.error.issues.map((i) => `  - ${i.path.join('.') || '(raíz)'}: ${i.message}`).join('\n')}`,
    );
  if (r.data.time.timeZone) assertTimeZone(r.data.time.timeZone);
  return r.data;
}

/** Virtual columns a GeoJSON reader adds for point geometries. */
export const GEOMETRY_LON = '__geometry_lon';
export const GEOMETRY_LAT = '__geometry_lat';

/** Builds the adapter for one mapping. */
export function mappedAdapter(mapping: Mapping): SourceAdapter {
  return {
    id: 'mapped',
    description: `exportación mapeada "${mapping.source}"`,
    compile(header: readonly string[], ctx: AdapterContext): RowMapper {
      const cols = new Columns(header);
      const tz = mapping.time.timeZone ?? ctx.area.def.timeZone;
      const coords = mapping.coordinates;
      const xName = 'geometry' in coords ? GEOMETRY_LON : coords.x;
      const yName = 'geometry' in coords ? GEOMETRY_LAT : coords.y;
      const required = [mapping.time.column, xName, yName, mapping.type.column];
      const idColumn = typeof mapping.id === 'string' ? mapping.id : undefined;
      // Row-number identity: the file's own hash scopes it, so one file re-read gets the same ids
      // (idempotent) while another file of the same source never collides with it.
      const rowIdPrefix = typeof mapping.id === 'object' ? `${ctx.fileSha256.slice(0, 16)}:` : null;
      for (const opt of [
        idColumn,
        mapping.reportedTime?.column,
        mapping.type.subtype,
        mapping.type.modality,
        mapping.district,
        mapping.narrative,
        mapping.restricted?.column,
      ])
        if (opt) required.push(opt);
      cols.require(required, ctx.fileName, `del mapeo "${mapping.source}"`);

      const time = compileTimeFormat(mapping.time.format, tz, 'time.format');
      const reported = mapping.reportedTime
        ? compileTimeFormat(mapping.reportedTime.format, tz, 'reportedTime.format')
        : null;
      let toWgs84: Projection | null = null;
      if (!('geometry' in coords) && coords.crs !== 'EPSG:4326') {
        if (!coords.proj4)
          throw new ValidationError(
            'coordinates.proj4',
            `el CRS ${coords.crs} necesita su definición proj4 en "coordinates.proj4"`,
          );
        toWgs84 = createProjection(coords.crs, coords.proj4);
      }
      const cats = new Map(Object.entries(mapping.type.categories).map(([k, v]) => [foldLabel(k), v]));
      const restrictedTypes = new Set((mapping.restricted?.types ?? []).map(foldLabel));
      const restrictedValues = new Set((mapping.restricted?.values ?? []).map(foldLabel));
      const discoveredTypes = new Set((mapping.discovered?.types ?? []).map(foldLabel));
      const c = {
        id: idColumn ? cols.find(idColumn) : -1,
        time: cols.find(mapping.time.column),
        reported: mapping.reportedTime ? cols.find(mapping.reportedTime.column) : -1,
        x: cols.find(xName),
        y: cols.find(yName),
        type: cols.find(mapping.type.column),
        subtype: mapping.type.subtype ? cols.find(mapping.type.subtype) : -1,
        modality: mapping.type.modality ? cols.find(mapping.type.modality) : -1,
        district: mapping.district ? cols.find(mapping.district) : -1,
        narrative: mapping.narrative ? cols.find(mapping.narrative) : -1,
        restricted: mapping.restricted?.column ? cols.find(mapping.restricted.column) : -1,
      };
      const width = header.length;

      return (values, rowNumber) => {
        const misaligned = rowWidthReject(values, width);
        if (misaligned) return misaligned;
        const p = new Problems();
        const externalId =
          rowIdPrefix !== null
            ? `${rowIdPrefix}${rowNumber}`
            : idColumn
              ? cell(values, c.id)
              : createHash('sha1').update(values.join('\u0001')).digest('hex');
        if (externalId === '') p.add(idColumn ?? 'id', 'falta el identificador', null);
        const rawTime = cell(values, c.time);
        const occurredAt = time.parse(rawTime);
        if (rawTime === '') p.add(mapping.time.column, 'falta la fecha', null);
        else if (Number.isNaN(occurredAt))
          p.add(mapping.time.column, `fecha inválida o imposible (formato ${mapping.time.format})`, rawTime);
        else checkInstant(occurredAt, mapping.time.column, rawTime, p, ctx.now);
        let reportedAt: number | null = null;
        if (reported && mapping.reportedTime) {
          const raw = cell(values, c.reported);
          if (raw !== '') {
            reportedAt = reported.parse(raw);
            if (Number.isNaN(reportedAt))
              p.add(
                mapping.reportedTime.column,
                `fecha inválida (formato ${mapping.reportedTime.format})`,
                raw,
              );
            else checkInstant(reportedAt, mapping.reportedTime.column, raw, p, ctx.now);
          }
        }
        const rawX = cell(values, c.x);
        const rawY = cell(values, c.y);
        let lon = parseNumber(rawX);
        let lat = parseNumber(rawY);
        if (Number.isNaN(lon)) p.add(xName, 'coordenada no numérica', rawX);
        if (Number.isNaN(lat)) p.add(yName, 'coordenada no numérica', rawY);
        const type = cell(values, c.type);
        if (type === '') p.add(mapping.type.column, 'falta el tipo de delito', null);
        const subtype = cell(values, c.subtype);
        const modality = cell(values, c.modality);
        const narrative = cell(values, c.narrative);
        p.tooLong(idColumn ?? 'id', externalId, LIMITS.idChars);
        p.tooLong(mapping.type.column, type, LIMITS.labelChars);
        if (mapping.type.subtype) p.tooLong(mapping.type.subtype, subtype, LIMITS.labelChars);
        if (mapping.type.modality) p.tooLong(mapping.type.modality, modality, LIMITS.labelChars);
        if (mapping.narrative) p.tooLong(mapping.narrative, narrative, LIMITS.textChars, false);
        if (p.any) return { kind: 'reject', problems: p.list };
        if (toWgs84 && lon !== null && lat !== null) [lon, lat] = toWgs84.inverse(lon, lat);
        const place = placeIncident(
          ctx.area,
          {
            lat,
            lon,
            latField: yName,
            lonField: xName,
            districtHint: c.district >= 0 ? cell(values, c.district) || null : null,
            districtField: mapping.district ?? null,
            station: false,
          },
          p,
        );
        if (!place) return { kind: 'reject', problems: p.list };
        const folded = foldLabel(type);
        const cat = cats.get(folded) ?? mapping.type.default;
        const restricted =
          CRIME_CATEGORIES[cat].restricted ||
          restrictedTypes.has(folded) ||
          (c.restricted >= 0 && restrictedValues.has(foldLabel(cell(values, c.restricted))));
        return {
          kind: 'incident',
          row: {
            rowNumber,
            source: mapping.source,
            externalId,
            occurredAt,
            timePrecision: time.precision,
            reportedAt,
            ...place,
            geoQuality: place.lat === null ? 'missing' : mapping.geoQuality,
            category: cat,
            tipo: type,
            subtipo: subtype || null,
            modalidad: modality || null,
            turno: turnoOf({ ms: occurredAt, precision: time.precision }, tz),
            channel: discoveredTypes.has(folded) ? 'discovered' : CRIME_CATEGORIES[cat].channel,
            restricted,
            narrative: narrative || null,
          },
        };
      };
    },
  };
}
