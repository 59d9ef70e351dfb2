/** `vigia demo-data`: synthetic Callao incidents (seeded, labelled synthetic). */
import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.ts';
import { getStudyArea } from '../../services/areas.ts';
import { DEFAULT_SYNTHETIC_OPTIONS, demoFilePath, writeDemoCsv } from '../../services/demo.ts';
import { ingestFile } from '../../services/ingest.ts';
import { withStore } from '../context.ts';
import { n, progressBar } from '../output.ts';
import { cliAuditContext } from '../secret.ts';

function intOption(value: string, name: string, min: number, max: number): number {
  const v = Number(value);
  if (!Number.isInteger(v) || v < min || v > max)
    throw new ValidationError(name, `debe ser un entero entre ${min} y ${max}`);
  return v;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo-data')
    .description(
      'genera incidentes sintéticos del Callao (proceso Hawkes con parámetros conocidos) y los carga',
    )
    .option('--seed <n>', 'semilla', String(DEFAULT_SYNTHETIC_OPTIONS.seed))
    .option('--years <n>', 'años', String(DEFAULT_SYNTHETIC_OPTIONS.years))
    .option('--volume <n>', 'incidentes por año (aprox.)', String(DEFAULT_SYNTHETIC_OPTIONS.annualVolume))
    .option('--start <AAAA-MM-DD>', 'primer día', DEFAULT_SYNTHETIC_OPTIONS.start)
    .option('-o, --out <file.csv>', 'solo escribe el CSV (formato capa SIDPOL) sin cargarlo')
    .option('--json', 'salida JSON')
    .addHelpText('after', '\nEl proceso y sus parámetros: docs/synthetic-data.md')
    .action(
      async (o: {
        seed: string;
        years: string;
        volume: string;
        start: string;
        out?: string;
        json?: boolean;
      }) => {
        const options = {
          seed: intOption(o.seed, '--seed', 0, 2 ** 31 - 1),
          years: intOption(o.years, '--years', 1, 20),
          annualVolume: intOption(o.volume, '--volume', 100, 1_000_000),
          start: o.start,
        };
        if (!/^\d{4}-\d{2}-\d{2}$/.test(o.start)) throw new ValidationError('--start', 'formato AAAA-MM-DD');
        await withStore(async (db, config) => {
          const area = await getStudyArea(db, 'callao');
          const file = o.out ?? demoFilePath(config.dataDir, options);
          const t0 = performance.now();
          const written = await writeDemoCsv(area, options, file);
          const genSeconds = (performance.now() - t0) / 1000;
          if (o.out) {
            const msg = { file, rows: written.rows, seconds: genSeconds, truth: written.truth };
            process.stdout.write(
              o.json
                ? `${JSON.stringify(msg)}\n`
                : `Escrito ${file}: ${n(written.rows)} filas sintéticas en ${genSeconds.toFixed(1)} s\n`,
            );
            return;
          }
          const bar = o.json ? null : progressBar('demo', 100, '%');
          const report = await ingestFile(db, {
            audit: cliAuditContext(),
            file,
            adapter: 'sidpol-geo',
            area: 'callao',
            onProgress: (read, total) => bar?.update(Math.round((100 * read) / total)),
          });
          bar?.stop();
          if (o.json)
            process.stdout.write(
              `${JSON.stringify({ file, generated: written.rows, truth: written.truth, ingest: report })}\n`,
            );
          else
            process.stdout.write(
              `Generadas ${n(written.rows)} filas sintéticas (${genSeconds.toFixed(1)} s) → ${file}\n` +
                (report.alreadyIngested
                  ? `Ya estaban cargadas (lote #${report.alreadyIngested.batchId}).\n`
                  : `Cargadas: ${n(report.accepted)} nuevas, ${n(report.existing)} existentes, ${n(report.rejected)} rechazadas (lote #${report.batchId}, ${report.seconds.toFixed(1)} s).\n`),
            );
        });
      },
    );
}
