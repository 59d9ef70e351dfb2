/** `vigia start` (npm start): brings Vigía up on the configured store and loads the demo data on first run. */
import type { Command } from 'commander';
import { CRIME_CATEGORIES, isCategory } from '../../core/taxonomy.ts';
import { getStudyArea } from '../../services/areas.ts';
import { DEFAULT_SYNTHETIC_OPTIONS, demoFilePath, writeDemoCsv } from '../../services/demo.ts';
import { ingestFile } from '../../services/ingest.ts';
import { summarizeArea } from '../../services/queries.ts';
import { withStore } from '../context.ts';
import { n, progressBar, table } from '../output.ts';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('inicia Vigía: base de datos, migraciones y datos de demostración en el primer uso')
    .action(async () => {
      await withStore(async (db, config) => {
        const out = process.stdout;
        out.write(`Vigía — base de datos: ${db.description}\n`);
        const area = await getStudyArea(db, config.studyArea);
        let { summary } = await summarizeArea(db, area.def.id);
        if (summary.incidents === 0 && area.def.id === 'callao') {
          out.write(
            `Primer inicio: generando ${DEFAULT_SYNTHETIC_OPTIONS.years} años de incidentes SINTÉTICOS del Callao (semilla ${DEFAULT_SYNTHETIC_OPTIONS.seed})…\n`,
          );
          const file = demoFilePath(config.dataDir, {});
          const written = await writeDemoCsv(area, {}, file);
          const bar = progressBar('carga', 100, '%');
          const report = await ingestFile(db, {
            file,
            adapter: 'sidpol-geo',
            area: 'callao',
            onProgress: (read, total) => bar.update(Math.round((100 * read) / total)),
          });
          bar.stop();
          out.write(
            `Cargadas ${n(report.accepted)} de ${n(written.rows)} filas (${n(report.rejected)} rechazadas) en ${report.seconds.toFixed(1)} s — ${file}\n`,
          );
          ({ summary } = await summarizeArea(db, area.def.id));
        }
        const day = new Intl.DateTimeFormat('sv-SE', { timeZone: area.def.timeZone, dateStyle: 'short' });
        const fmt = (d: Date | null): string => (d ? day.format(d) : '—');
        out.write(
          `\nÁrea de estudio: ${area.def.name} (${area.def.id}, ${area.def.timeZone}, ${area.projection.code})\n` +
            `Incidentes: ${n(summary.incidents)} del ${fmt(summary.first)} al ${fmt(summary.last)}` +
            ` — con coordenadas ${n(summary.located)}, forzados a comisaría ${n(summary.station)}, sin coordenadas ${n(summary.missing)},` +
            ` solo fecha ${n(summary.dateOnly)}, protegidos ${n(summary.restricted)}, descubiertos por la policía ${n(summary.discovered)}\n\n`,
        );
        out.write(
          `${table(
            ['distrito', 'ubigeo', 'incidentes'],
            summary.byDistrict.map((d) => [d.name ?? '(sin distrito)', d.code, n(d.count)]),
          )}\n\n`,
        );
        const cats = Object.keys(CRIME_CATEGORIES).filter(isCategory).join(', ');
        out.write(
          `Siguientes pasos / next steps:\n` +
            `  npx vigia incidents --from 2025-12-01 -d 070102 -c robo     consultar incidentes\n` +
            `  npx vigia stats --from 2025-01-01 --to 2025-03-31           conteos distrito × mes × categoría\n` +
            `  npx vigia ingest archivo.csv -f sidpol-geo                  cargar datos reales\n` +
            `  npx vigia --help                                            todos los comandos\n` +
            `Categorías: ${cats}\n` +
            `Datos en ${config.dataDir} (detener la base embebida si quedó activa: npx vigia db stop)\n`,
        );
      });
    });
}
