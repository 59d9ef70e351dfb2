/** `vigia train`: fit a model on the data known before a day and store it as a versioned artifact. */
import type { Command } from 'commander';
import { CRIME_GROUPS } from '../../core/taxonomy.ts';
import { PREDICTOR_KINDS } from '../../services/backtest.ts';
import { addDays, chooseForecastDay, dataAge, dmy } from '../../services/data-age.ts';
import { describeCorrection } from '../../services/feedback-correction.ts';
import { train } from '../../services/training.ts';
import { withStore } from '../context.ts';
import { settingsForModel } from '../model-options.ts';
import { cliAuditContext } from '../secret.ts';

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('entrena un modelo y lo guarda como artefacto versionado (vigia forecast --trained lo usa)')
    .requiredOption('--model <kind>', `modelo: ${PREDICTOR_KINDS.join(', ')}`)
    .requiredOption('--group <g>', `grupo de delitos: ${Object.keys(CRIME_GROUPS).join(' | ')}`)
    .option('-a, --area <id>', 'área de estudio (por defecto VIGIA_STUDY_AREA)')
    .option(
      '--until <AAAA-MM-DD>',
      'usa solo lo conocido antes del inicio de este día local (por defecto, el día siguiente a la última denuncia)',
    )
    .option(
      '--set <opción=valor>',
      'ajuste del modelo (repetible), ej. trainingWindowDays=180',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--seed <n>', 'semilla', '1')
    .option('--horizon <h>', 'ventanas que pronosticará: turno | day | week', 'turno')
    .option('--cell-size <m>', 'lado de celda en metros', '150')
    .option(
      '--no-feedback-correction',
      'no corrige los incidentes descubiertos por patrullaje según la exposición de los registros de patrullaje',
    )
    .option('--json', 'salida JSON')
    .addHelpText(
      'after',
      '\nEjemplo: vigia train --model sepp-grid --group property --until 2026-01-01 --seed 7',
    )
    .action(
      async (o: {
        model: string;
        group: string;
        area?: string;
        until?: string;
        set?: string[];
        seed: string;
        horizon: string;
        cellSize: string;
        feedbackCorrection: boolean;
        json?: boolean;
      }) => {
        const settings = settingsForModel(o.model, o.set);
        await withStore(async (db, config) => {
          const area = o.area ?? config.studyArea;
          const until =
            o.until ??
            chooseForecastDay(await dataAge(db, area, { staleAfterDays: config.staleDataDays }), {
              allowFar: true,
            });
          const r = await train(db, {
            area,
            group: o.group,
            model: o.model,
            until,
            settings,
            seed: Number(o.seed),
            horizon: o.horizon as 'turno' | 'day' | 'week',
            cellSize: Number(o.cellSize),
            feedbackCorrection: o.feedbackCorrection,
            audit: cliAuditContext(),
          });
          if (o.json) {
            process.stdout.write(
              `${JSON.stringify({ ...r.model, duplicate: r.duplicate, seconds: r.seconds, feedbackCorrection: r.feedbackCorrection })}\n`,
            );
            return;
          }
          const m = r.model;
          process.stdout.write(
            `${
              r.duplicate
                ? `Idéntico a la versión ${m.version} (modelo entrenado ${m.id}): mismo artefacto, no se guardó de nuevo.`
                : `Modelo entrenado ${m.id} guardado: ${m.kind} v${m.version}, área ${m.area}, grupo ${m.group}.`
            }\n` +
              `  datos hasta: ${m.dataCutoff.toISOString()} (antes del ${dmy(until)}; último día usado ${dmy(addDays(until, -1))})\n` +
              `  eventos: ${m.eventsUsed}, hash de datos ${m.dataSha256}\n` +
              `  artefacto: ${m.artifactSize} bytes (${m.storedSize} comprimido), SHA-256 ${m.artifactSha256}\n` +
              `  semilla ${m.seed}, código ${m.codeVersion}, ajuste en ${r.seconds.toFixed(1)} s\n` +
              `  ${o.feedbackCorrection ? describeCorrection(r.feedbackCorrection) : 'Corrección por retroalimentación: desactivada (--no-feedback-correction).'}\n`,
          );
        });
      },
    );
}
