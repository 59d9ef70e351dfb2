/**
 * Any city's incident export (CSV, or GeoJSON with point geometries) through a column-mapping file:
 * which column is the id, the time (format and zone), the coordinates (and their CRS), the crime
 * type and how types map to Vigía's categories, which rows to keep (`filter`). The time is one
 * column with a format or several columns (`parts`); coordinates are WGS84 or projected (an EPSG
 * code, or any CRS with its proj4 definition). Examples: mappings/chicago.json,
 * mappings/chicago-aggravated-assaults.json, mappings/vancouver.json load those exports with no code.
 * The mapping is validated with zod; errors name the JSON path.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '../../core/errors.ts';
import {
  CATEGORY_CODES,
  CHANNEL_VALUE_HINT,
  CRIME_CATEGORIES,
  type CrimeCategory,
  foldLabel,
  parseChannel,
} from '../../core/taxonomy.ts';
import { assertTimeZone, type TimePrecision } from '../../core/time.ts';
import { createProjection, knownCrsDefinition, type Projection } from '../../geo/projection.ts';
import { LIMITS } from '../limits.ts';
import { checkInstant, Problems, parseNumber, placeIncident, turnoOf } from '../normalize.ts';
import { compileTimeFormat, compileTimeParts, isLocalMidnight } from '../time-format.ts';
import {
  type AdapterContext,
  Columns,
  cell,
  type MappedRow,
  type RowMapper,
  rowWidthReject,
  type SourceAdapter,
} from './adapter.ts';

const category = z.enum(CATEGORY_CODES as [CrimeCategory, ...CrimeCategory[]]);

/**
 * A condition on one column's value, compared folded (case, accents and spacing do not count):
 * exactly one of `equals`, `in`, `notIn`.
 */
const rowCondition = z
  .object({
    column: z.string().min(1),
    equals: z.string().optional(),
    in: z.array(z.string()).min(1).optional(),
    notIn: z.array(z.string()).min(1).optional(),
  })
  .strict()
  .refine((f) => [f.equals, f.in, f.notIn].filter((v) => v !== undefined).length === 1, {
    message: 'use exactamente una condición: "equals", "in" o "notIn"',
  });

/** The event time: one column with a format, or one column per part (`parts`). */
const timeSchema = z
  .object({
    column: z.string().min(1).optional(),
    format: z.string().min(1).optional(),
    parts: z
      .object({
        year: z.string().min(1),
        month: z.string().min(1),
        day: z.string().min(1),
        hour: z.string().min(1).optional(),
        minute: z.string().min(1).optional(),
        second: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    timeZone: z.string().optional(),
    /** The export writes an unknown time of day as 00:00: such rows are date-only. */
    dateOnlyAtMidnight: z.boolean().optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.parts) {
      if (t.column !== undefined || t.format !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['parts'],
          message: 'use "column" con "format", o bien "parts", no ambos',
        });
      return;
    }
    if (t.column === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['column'],
        message: 'falta la columna de la fecha (o "parts": una columna por año, mes, día, hora, minuto)',
      });
    if (t.format === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['format'],
        message: 'falta el formato (ej. "YYYY-MM-DD HH:mm")',
      });
  });

/** The mapping-file schema. */
export const mappingSchema = z
  .object({
    source: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'minúsculas, dígitos y "-" (ej. chicago-cpd)'),
    description: z.string().optional(),
    /** A column, or `{ "rowNumber": true }`: the row's position in the file is its identity. */
    id: z.union([z.string().min(1), z.object({ rowNumber: z.literal(true) }).strict()]).optional(),
    /** Rows that meet every condition are read; the others are skipped (counted, not rejected). */
    filter: z.array(rowCondition).min(1).optional(),
    time: timeSchema,
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
    type: z
      .object({
        /** The column of the crime type, or `constant`: one type for every row (a one-offence export). */
        column: z.string().min(1).optional(),
        constant: z.string().min(1).optional(),
        subtype: z.string().optional(),
        modality: z.string().optional(),
        categories: z.record(z.string(), category).default({}),
        default: category.default('otros'),
      })
      .refine((t) => (t.column === undefined) !== (t.constant === undefined), {
        message:
          'use "column" (la columna del tipo de delito) o "constant" (un tipo para todas las filas), uno de los dos',
      }),
    restricted: z
      .object({
        types: z.array(z.string()).default([]),
        column: z.string().optional(),
        values: z.array(z.string()).default([]),
      })
      .optional(),
    discovered: z.object({ types: z.array(z.string()).default([]) }).optional(),
    /** The column saying how the police learnt of each incident; overrides the type rules. */
    channel: z.string().min(1).optional(),
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

const SKIP: MappedRow = { kind: 'skip' };

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
      const t = mapping.time;
      const partNames = t.parts
        ? [t.parts.year, t.parts.month, t.parts.day, t.parts.hour, t.parts.minute, t.parts.second]
        : [];
      const timeColumns = t.parts
        ? partNames.filter((n): n is string => n !== undefined)
        : [t.column as string];
      const typeField = mapping.type.column ?? 'type.constant';
      const required = [...timeColumns, xName, yName];
      const idColumn = typeof mapping.id === 'string' ? mapping.id : undefined;
      // Row-number identity: the file's own hash scopes it, so one file re-read gets the same ids
      // (idempotent) while another file of the same source never collides with it.
      const rowIdPrefix = typeof mapping.id === 'object' ? `${ctx.fileSha256.slice(0, 16)}:` : null;
      for (const opt of [
        mapping.type.column,
        idColumn,
        mapping.reportedTime?.column,
        mapping.type.subtype,
        mapping.type.modality,
        mapping.district,
        mapping.narrative,
        mapping.restricted?.column,
        mapping.channel,
        ...(mapping.filter ?? []).map((f) => f.column),
      ])
        if (opt) required.push(opt);
      cols.require(required, ctx.fileName, `del mapeo "${mapping.source}"`);

      const timeField = t.column ?? timeColumns.join(',');
      const format = t.parts ? null : compileTimeFormat(t.format as string, tz, 'time.format');
      const parts = t.parts ? compileTimeParts(t.parts, tz) : null;
      const partIndex = partNames.map((n) => (n === undefined ? -1 : cols.find(n)));
      const filters = (mapping.filter ?? []).map((f) => ({
        index: cols.find(f.column),
        values: new Set((f.equals !== undefined ? [f.equals] : (f.in ?? f.notIn ?? [])).map(foldLabel)),
        keep: f.notIn === undefined,
      }));
      const reported = mapping.reportedTime
        ? compileTimeFormat(mapping.reportedTime.format, tz, 'reportedTime.format')
        : null;
      let toWgs84: Projection | null = null;
      if (!('geometry' in coords) && coords.crs !== 'EPSG:4326') {
        const definition = coords.proj4 ?? knownCrsDefinition(coords.crs);
        if (!definition)
          throw new ValidationError(
            'coordinates.proj4',
            `el CRS ${coords.crs} necesita su definición proj4 en "coordinates.proj4" (se conocen por su código EPSG:4326, las zonas UTM WGS84 EPSG:326zz/327zz y NAD83 EPSG:269zz)`,
          );
        toWgs84 = createProjection(coords.crs, definition);
      }
      const cats = new Map(Object.entries(mapping.type.categories).map(([k, v]) => [foldLabel(k), v]));
      const restrictedTypes = new Set((mapping.restricted?.types ?? []).map(foldLabel));
      const restrictedValues = new Set((mapping.restricted?.values ?? []).map(foldLabel));
      const discoveredTypes = new Set((mapping.discovered?.types ?? []).map(foldLabel));
      const c = {
        id: idColumn ? cols.find(idColumn) : -1,
        time: t.column ? cols.find(t.column) : -1,
        reported: mapping.reportedTime ? cols.find(mapping.reportedTime.column) : -1,
        x: cols.find(xName),
        y: cols.find(yName),
        type: mapping.type.column ? cols.find(mapping.type.column) : -1,
        subtype: mapping.type.subtype ? cols.find(mapping.type.subtype) : -1,
        modality: mapping.type.modality ? cols.find(mapping.type.modality) : -1,
        district: mapping.district ? cols.find(mapping.district) : -1,
        narrative: mapping.narrative ? cols.find(mapping.narrative) : -1,
        restricted: mapping.restricted?.column ? cols.find(mapping.restricted.column) : -1,
        channel: mapping.channel ? cols.find(mapping.channel) : -1,
      };
      const width = header.length;

      return (values, rowNumber) => {
        const misaligned = rowWidthReject(values, width);
        if (misaligned) return misaligned;
        for (const f of filters) if (f.values.has(foldLabel(cell(values, f.index))) !== f.keep) return SKIP;
        const p = new Problems();
        const externalId =
          rowIdPrefix !== null
            ? `${rowIdPrefix}${rowNumber}`
            : idColumn
              ? cell(values, c.id)
              : createHash('sha1').update(values.join('\u0001')).digest('hex');
        if (externalId === '') p.add(idColumn ?? 'id', 'falta el identificador', null);
        let occurredAt = Number.NaN;
        let precision: TimePrecision = 'exact';
        let rawTime = '';
        if (parts) {
          const cells = partIndex.map((i) => cell(values, i)) as [
            string,
            string,
            string,
            string,
            string,
            string,
          ];
          rawTime = cells.filter((_, i) => partIndex[i] !== -1).join(' ');
          const r = parts(cells);
          if (r.ok) ({ ms: occurredAt, precision } = r);
          else p.add(r.field, r.reason, r.value);
        } else if (format) {
          rawTime = cell(values, c.time);
          occurredAt = format.parse(rawTime);
          precision = format.precision;
          if (rawTime === '') p.add(timeField, 'falta la fecha', null);
          else if (Number.isNaN(occurredAt))
            p.add(timeField, `fecha inválida o imposible (formato ${t.format})`, rawTime);
        }
        if (!Number.isNaN(occurredAt)) checkInstant(occurredAt, timeField, rawTime, p, ctx.now);
        if (t.dateOnlyAtMidnight && precision === 'exact' && isLocalMidnight(occurredAt, tz))
          precision = 'date';
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
        // 0,0 means "no coordinates" in any CRS: test it before a projected pair is converted.
        if (lon === 0 && lat === 0) lon = lat = null;
        if (Number.isNaN(lon)) p.add(xName, 'coordenada no numérica', rawX);
        if (Number.isNaN(lat)) p.add(yName, 'coordenada no numérica', rawY);
        const type = mapping.type.constant ?? cell(values, c.type);
        if (type === '') p.add(typeField, 'falta el tipo de delito', null);
        const subtype = cell(values, c.subtype);
        const modality = cell(values, c.modality);
        const narrative = cell(values, c.narrative);
        const rawChannel = cell(values, c.channel);
        const channelGiven = parseChannel(rawChannel);
        if (channelGiven === undefined)
          p.add(
            mapping.channel ?? 'channel',
            `cómo se conoció: valor desconocido (use ${CHANNEL_VALUE_HINT})`,
            rawChannel,
          );
        p.tooLong(idColumn ?? 'id', externalId, LIMITS.idChars);
        p.tooLong(typeField, type, LIMITS.labelChars);
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
            timePrecision: precision,
            reportedAt,
            ...place,
            geoQuality: place.lat === null ? 'missing' : mapping.geoQuality,
            category: cat,
            tipo: type,
            subtipo: subtype || null,
            modalidad: modality || null,
            turno: turnoOf({ ms: occurredAt, precision }, tz),
            channel:
              channelGiven ?? (discoveredTypes.has(folded) ? 'discovered' : CRIME_CATEGORIES[cat].channel),
            restricted,
            narrative: narrative || null,
          },
        };
      };
    },
  };
}
