/** `vigia area list | add`. */
import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.ts';
import { addStudyArea, areaKm2, ensureDefaultArea, listStudyAreas } from '../../services/areas.ts';
import { withStore } from '../context.ts';
import { n, table } from '../output.ts';

export function registerAreaCommands(program: Command): void {
  const area = program.command('area').description('áreas de estudio / study areas');
  area
    .command('list')
    .description('lista las áreas registradas')
    .option('--json', 'salida JSON')
    .action(async (o: { json?: boolean }) => {
      await withStore(async (db) => {
        await ensureDefaultArea(db);
        const rows = await listStudyAreas(db);
        if (o.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
        else
          process.stdout.write(
            `${table(
              ['área', 'nombre', 'zona horaria', 'CRS', 'distritos', 'incidentes'],
              rows.map((r) => [r.id, r.name, r.timeZone, r.crs, r.districts, n(r.incidents)]),
            )}\n`,
          );
      });
    });
  area
    .command('add <id>')
    .description('registra (o reemplaza) un área desde una caja o un límite GeoJSON')
    .option('--bbox <minLon,minLat,maxLon,maxLat>', 'caja en grados WGS84')
    .option('--boundary <file.geojson>', 'FeatureCollection de polígonos (lon/lat)')
    .option('--from-events <área>', 'deriva el área de dónde están los incidentes ubicados de otra área')
    .option('--before <AAAA-MM-DD>', 'con --from-events: solo incidentes ocurridos antes de este día')
    .option('--buffer <m>', 'con --from-events: metros alrededor de cada celda con incidentes', '300')
    .option('--cell <m>', 'con --from-events: tamaño de celda en metros', '150')
    .option('--district-field <prop>', 'propiedad con el código de distrito de cada polígono')
    .option('--name-field <prop>', 'propiedad con el nombre del distrito', 'name')
    .option('--name <name>', 'nombre legible del área')
    .option('--time-zone <tz>', 'zona horaria IANA del área (por defecto VIGIA_TIME_ZONE)')
    .addHelpText(
      'after',
      '\nEjemplos: vigia area add chicago --bbox -87.94,41.64,-87.52,42.03 --time-zone America/Chicago\n' +
        '          vigia area add chicago-ciudad --from-events chicago --before 2019-01-01 --time-zone America/Chicago',
    )
    .action(async (id: string, o: Record<string, string | undefined>) => {
      await withStore(async (db, config) => {
        const def = await addStudyArea(db, {
          id,
          timeZone: o.timeZone ?? config.timeZone,
          ...(o.name ? { name: o.name } : {}),
          ...(o.bbox ? { bbox: o.bbox } : {}),
          ...(o.boundary ? { boundaryFile: o.boundary } : {}),
          ...(o.districtField ? { districtField: o.districtField } : {}),
          ...(o.nameField ? { nameField: o.nameField } : {}),
          ...(o.fromEvents
            ? {
                fromEvents: o.fromEvents,
                ...(o.before ? { before: o.before } : {}),
                bufferM: numberOption('--buffer', o.buffer),
                cellSize: numberOption('--cell', o.cell),
              }
            : {}),
        });
        process.stdout.write(
          `Área "${def.id}" registrada: ${n(Math.round(areaKm2(def)))} km², ${def.districts.length} distritos, proyección ${def.crs.code}, zona horaria ${def.timeZone}.\n`,
        );
      });
    });
}

function numberOption(name: string, value: string | undefined): number {
  const v = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isFinite(v) || v < 0)
    throw new ValidationError(name, `se espera un número de metros ≥ 0 (es "${value}")`);
  return v;
}
