/**
 * SIDPOL geo-referenced denuncias (MININTER ArcGIS layer "UBICACION HECHO DELICTIVO"), as CSV or
 * ArcGIS JSON. Columns: docs/domain-callao.md §5.2. Handles the layer's traps: ubigeo without its
 * leading zero, points forced to the comisaría centroid (kept, flagged `station`), rows without
 * coordinates (kept, `missing`), date-only times at local midnight, Ley 30364 categories
 * (restricted). Address columns (direccion_hecho, tipo_via_hecho, cuadra_hecho) are never read.
 */
import { CHANNEL_VALUE_HINT, classifySidpol, foldLabel, parseChannel } from '../../core/taxonomy.ts';
import { parseTurno } from '../../core/time.ts';
import { LIMITS } from '../limits.ts';
import {
  checkInstant,
  normaliseUbigeo,
  Problems,
  parseNumber,
  parseSidpolTime,
  placeIncident,
  turnoOf,
} from '../normalize.ts';
import {
  type AdapterContext,
  Columns,
  cell,
  type RowMapper,
  rowWidthReject,
  type SourceAdapter,
} from './adapter.ts';

const FORCED = 'GEO FORZADA AL CENTROIDE DE COMISARIA';
/** Rows whose `fuente` starts like this are Vigía's synthetic data and are stored under source "synthetic". */
const SYNTHETIC_MARK = 'SINTETICO';

export const sidpolGeoAdapter: SourceAdapter = {
  id: 'sidpol-geo',
  description: 'capa SIDPOL georreferenciada de denuncias (CSV o JSON de ArcGIS)',
  compile(header: readonly string[], ctx: AdapterContext): RowMapper {
    const cols = new Columns(header);
    cols.require(
      [
        ['objectid', 'id_dgc'],
        'fecha_hora_hecho',
        ['ubigeo_hecho_delito', 'ubigeo_hecho'],
        'tipo_hecho',
        'subtipo_hecho',
        'modalidad_hecho',
        ['lat_hecho', 'lat'],
        ['long_hecho', 'lon'],
      ],
      ctx.fileName,
      'SIDPOL georreferenciado',
    );
    const c = {
      id: cols.first('objectid', 'id_dgc'),
      idName: header[cols.first('objectid', 'id_dgc')] ?? 'objectid',
      time: cols.find('fecha_hora_hecho'),
      registered: cols.find('fecha_hora_registro_hecho'),
      ubigeo: cols.first('ubigeo_hecho_delito', 'ubigeo_hecho'),
      ubigeoName: header[cols.first('ubigeo_hecho_delito', 'ubigeo_hecho')] ?? 'ubigeo_hecho_delito',
      tipo: cols.find('tipo_hecho'),
      subtipo: cols.find('subtipo_hecho'),
      modalidad: cols.find('modalidad_hecho'),
      esDelito: cols.find('es_delito_x'),
      turno: cols.find('turno_hecho'),
      lat: cols.first('lat_hecho', 'lat'),
      lon: cols.first('long_hecho', 'lon'),
      latName: header[cols.first('lat_hecho', 'lat')] ?? 'lat_hecho',
      lonName: header[cols.first('long_hecho', 'lon')] ?? 'long_hecho',
      observacion: cols.find('observacion'),
      estadoCoord: cols.find('estado_coord'),
      fuente: cols.find('fuente'),
      // Optional "how known" column (not in MININTER's layer; Vigía's synthetic data writes it).
      channel: cols.first('canal', 'channel', 'como_se_conocio'),
      channelName: header[cols.first('canal', 'channel', 'como_se_conocio')] ?? 'canal',
      // Optional free-text account (real exports lack it; Vigía's synthetic data writes it).
      narrative: cols.first('relato', 'narrativa', 'narrative'),
      narrativeName: header[cols.first('relato', 'narrativa', 'narrative')] ?? 'relato',
    };
    const tz = ctx.area.def.timeZone;
    const width = header.length;
    // observacion, estado_coord and fuente take a handful of values: fold each once.
    const foldCache = new Map<string, string>();
    const folded = (v: string): string => {
      let f = foldCache.get(v);
      if (f === undefined) {
        f = foldLabel(v);
        if (foldCache.size < 1000) foldCache.set(v, f);
      }
      return f;
    };

    return (values, rowNumber) => {
      const misaligned = rowWidthReject(values, width);
      if (misaligned) return misaligned;
      const p = new Problems();
      const externalId = cell(values, c.id);
      if (externalId === '') p.add(c.idName, 'falta el identificador', null);

      const rawTime = cell(values, c.time);
      const time = parseSidpolTime(rawTime, tz);
      if (time === null) p.add('fecha_hora_hecho', 'falta la fecha del hecho', null);
      else checkInstant(time.ms, 'fecha_hora_hecho', rawTime, p, ctx.now);

      const rawReg = cell(values, c.registered);
      const reg = parseSidpolTime(rawReg, tz);
      if (
        reg !== null &&
        checkInstant(reg.ms, 'fecha_hora_registro_hecho', rawReg, p, ctx.now) &&
        time &&
        reg.ms < time.ms - 86_400_000
      )
        p.add('fecha_hora_registro_hecho', 'registro anterior a la fecha del hecho', rawReg);

      const rawUbigeo = cell(values, c.ubigeo);
      const ubigeo = rawUbigeo === '' ? null : normaliseUbigeo(rawUbigeo);
      if (rawUbigeo !== '' && ubigeo === null)
        p.add(c.ubigeoName, 'ubigeo inválido (se esperan hasta 6 dígitos)', rawUbigeo);

      const rawTurno = cell(values, c.turno);
      const turnoGiven = rawTurno === '' ? null : parseTurno(rawTurno);
      if (rawTurno !== '' && turnoGiven === null)
        p.add('turno_hecho', 'turno desconocido (madrugada, mañana, tarde o noche)', rawTurno);

      const rawLat = cell(values, c.lat);
      const rawLon = cell(values, c.lon);
      const lat = parseNumber(rawLat);
      const lon = parseNumber(rawLon);
      const observacion = cell(values, c.observacion);
      const tipo = cell(values, c.tipo) || null;
      const subtipo = cell(values, c.subtipo) || null;
      const modalidad = cell(values, c.modalidad) || null;
      p.tooLong(c.idName, externalId, LIMITS.idChars);
      p.tooLong('tipo_hecho', tipo ?? '', LIMITS.labelChars);
      p.tooLong('subtipo_hecho', subtipo ?? '', LIMITS.labelChars);
      p.tooLong('modalidad_hecho', modalidad ?? '', LIMITS.labelChars);
      p.tooLong('observacion', observacion, LIMITS.textChars, false);
      const narrative = cell(values, c.narrative);
      p.tooLong(c.narrativeName, narrative, LIMITS.textChars, false);
      const rawChannel = cell(values, c.channel);
      const channelGiven = parseChannel(rawChannel);
      if (channelGiven === undefined)
        p.add(c.channelName, `cómo se conoció: valor desconocido (use ${CHANNEL_VALUE_HINT})`, rawChannel);
      const station = !p.any && folded(observacion).includes(FORCED);
      const noCoord = folded(cell(values, c.estadoCoord)) === 'SIN COORDENADA';
      if (p.any) return { kind: 'reject', problems: p.list };

      const place = placeIncident(
        ctx.area,
        {
          lat: noCoord ? null : lat,
          lon: noCoord ? null : lon,
          latField: c.latName,
          lonField: c.lonName,
          districtHint: ubigeo,
          districtField: c.ubigeoName,
          station,
        },
        p,
      );
      if (!place || !time) return { kind: 'reject', problems: p.list };

      const cls = classifySidpol({ tipo, subtipo, modalidad, esDelito: cell(values, c.esDelito) || null });
      const synthetic = folded(cell(values, c.fuente)).startsWith(SYNTHETIC_MARK);
      return {
        kind: 'incident',
        row: {
          rowNumber,
          source: synthetic ? 'synthetic' : 'sidpol-geo',
          externalId,
          occurredAt: time.ms,
          timePrecision: time.precision,
          reportedAt: reg?.ms ?? null,
          ...place,
          geoQuality: place.lat === null ? 'missing' : station ? 'station' : 'exact',
          category: cls.category,
          tipo,
          subtipo,
          modalidad,
          turno: turnoGiven ?? turnoOf(time, tz),
          channel: channelGiven ?? cls.channel,
          restricted: cls.restricted,
          narrative: narrative || null,
        },
      };
    };
  },
};
