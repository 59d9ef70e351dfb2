/** `vigia population load | list`: district populations with their source (rates per 1,000). */
import type { Command } from 'commander';
import { checkSource, loadPopulations, populations, readPopulationFile } from '../../services/populations.ts';
import { withStore } from '../context.ts';
import { n, table } from '../output.ts';
import { cliAuditContext } from '../secret.ts';

export function registerPopulationCommands(program: Command): void {
  const pop = program
    .command('population')
    .description('población por distrito y año (tasas por 1 000 habitantes) / population table');
  pop
    .command('load <file.csv>')
    .description(
      'carga un CSV distrito,año,población con su fuente (todo o nada; recargar el mismo archivo no cambia nada)',
    )
    .option('-a, --area <id>', 'área de estudio (por defecto VIGIA_STUDY_AREA)')
    .requiredOption('--source <texto>', 'fuente de las cifras (ej. "INEI, estimaciones de población 2024")')
    .option('--json', 'salida JSON')
    .addHelpText(
      'after',
      '\nEl distrito puede ir como código (ubigeo) o como nombre. Ejemplo:\n' +
        '  vigia population load poblacion.csv --area callao --source "INEI, estimaciones 2024"',
    )
    .action(async (file: string, o: { area?: string; source: string; json?: boolean }) => {
      const source = checkSource(o.source, '--source');
      const { bytes, fileName } = await readPopulationFile(file);
      await withStore(async (db, config) => {
        const r = await loadPopulations(db, {
          area: o.area ?? config.studyArea,
          bytes,
          fileName,
          source,
          actor: cliAuditContext(),
        });
        if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`);
        else
          process.stdout.write(
            r.added + r.replaced === 0
              ? `Población sin cambios en "${r.area}": las ${n(r.rows)} filas ya estaban cargadas.\n`
              : `Población cargada en "${r.area}": ${n(r.added)} nuevas, ${n(r.replaced)} reemplazadas, ${n(r.unchanged)} sin cambios (auditoría #${r.auditSeq}).\n`,
          );
      });
    });
  pop
    .command('list')
    .description('lista las poblaciones cargadas')
    .option('-a, --area <id>', 'área de estudio (por defecto VIGIA_STUDY_AREA)')
    .option('--json', 'salida JSON')
    .action(async (o: { area?: string; json?: boolean }) => {
      await withStore(async (db, config) => {
        const rows = await populations(db, o.area ?? config.studyArea);
        if (o.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
        else if (rows.length === 0)
          process.stdout.write('No hay poblaciones cargadas (use "vigia population load").\n');
        else
          process.stdout.write(
            `${table(
              ['distrito', 'año', 'población', 'fuente', 'cargado por'],
              rows.map((r) => [r.districtCode, r.year, n(r.population), r.source, r.loadedBy]),
            )}\n`,
          );
      });
    });
}
