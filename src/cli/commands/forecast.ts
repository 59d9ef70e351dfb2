/** `vigia forecast`: produce and store the forecasts for a day, per crime group and turno. */
import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.ts';
import { modelName } from '../../core/models.ts';
import { CRIME_GROUPS } from '../../core/taxonomy.ts';
import { PREDICTOR_KINDS } from '../../services/backtest.ts';
import { chooseForecastDay, dataAge, dmy, staleNotice } from '../../services/data-age.ts';
import { describeCorrection } from '../../services/feedback-correction.ts';
import { forecast } from '../../services/forecast.ts';
import { parseTrainedId } from '../../services/training.ts';
import { list, withStore } from '../context.ts';
import { settingsForModel } from '../model-options.ts';
import { table } from '../output.ts';
import { cliAuditContext } from '../secret.ts';

export function registerForecastCommand(program: Command): void {
  program
    .command('forecast')
    .description('genera y guarda los pronósticos de un día por grupo de delitos y turno')
    .option(
      '--day <AAAA-MM-DD>',
      'día local pronosticado (por defecto, el día siguiente a la última denuncia)',
    )
    .option(
      '--allow-far',
      'permite pronosticar más de VIGIA_STALE_DATA_DAYS días después de la última denuncia',
    )
    .option('--horizon <h>', 'turno | day', 'turno')
    .option(
      '--model <kind>',
      `modelo: ${PREDICTOR_KINDS.join(', ')} (por defecto, el campeón de cada grupo —vigia models champion— o, sin campeón, sepp-grid)`,
    )
    .option(
      '--set <opción=valor>',
      'ajuste del modelo (repetible), ej. bandwidth=150 o sepp-grid.trainingWindowDays=180',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option(
      '--trained <id>',
      'usa un modelo entrenado guardado (vigia train) sin reajustarlo: lo condiciona en los datos del día',
    )
    .option('--groups <lista>', `grupos: ${Object.keys(CRIME_GROUPS).join(', ')} (por defecto, todos)`)
    .option('--cell-size <m>', 'lado de celda en metros (por defecto 150, o la del modelo entrenado)')
    .option('-a, --area <id>', 'área de estudio (por defecto VIGIA_STUDY_AREA)')
    .option(
      '--no-feedback-correction',
      'no corrige los incidentes descubiertos por patrullaje según la exposición de los registros de patrullaje',
    )
    .option('--json', 'salida JSON')
    .addHelpText(
      'after',
      '\nEjemplos: vigia forecast --day 2026-01-01 --model sepp-grid --groups property,extorsion\n          vigia forecast --trained 3 (un modelo de vigia train; su área y grupo)',
    )
    .action(
      async (o: {
        day?: string;
        allowFar?: boolean;
        horizon: string;
        model?: string;
        set?: string[];
        trained?: string;
        groups?: string;
        cellSize?: string;
        area?: string;
        feedbackCorrection: boolean;
        json?: boolean;
      }) => {
        if (o.trained !== undefined && (o.model !== undefined || o.set))
          throw new ValidationError(
            '--trained',
            'un modelo entrenado ya trae su modelo y sus ajustes: no use --model ni --set con él',
          );
        const trained = o.trained === undefined ? undefined : parseTrainedId(o.trained, '--trained');
        const model = o.model ?? 'sepp-grid';
        const settings = settingsForModel(model, o.set);
        await withStore(async (db, config) => {
          const groups = list(o.groups);
          const area = o.area ?? config.studyArea;
          const age = await dataAge(db, area, { staleAfterDays: config.staleDataDays });
          const day = chooseForecastDay(age, {
            ...(o.day ? { day: o.day } : {}),
            allowFar: o.allowFar === true,
          });
          const notice = staleNotice(age);
          if (notice) process.stderr.write(`Aviso: ${notice}\n`);
          const stored = await forecast(db, {
            audit: cliAuditContext(),
            area,
            day,
            horizon: o.horizon === 'day' ? 'day' : 'turno',
            model,
            config: settings,
            ...(trained === undefined ? {} : { trained }),
            // No model named: each group's champion where it has one (vigia models champion).
            ...(trained === undefined && o.model === undefined && !o.set ? { champions: true } : {}),
            ...(o.cellSize === undefined
              ? trained === undefined
                ? { cellSize: 150 }
                : {}
              : { cellSize: Number(o.cellSize) }),
            ...(groups ? { groups } : {}),
            ...(trained === undefined
              ? { feedbackCorrection: o.feedbackCorrection, exclude: config.patrolExclude }
              : {}),
          });
          if (o.json) {
            process.stdout.write(`${JSON.stringify(stored)}\n`);
            return;
          }
          process.stdout.write(
            `${table(
              ['grupo', 'turno', 'inicio (UTC)', 'eventos de entrenamiento', 'eventos esperados', 'id'],
              stored.map((f) => [
                f.group,
                f.turno ?? 'día',
                f.windowStart,
                f.eventsUsed,
                f.totalRisk.toFixed(1),
                f.id,
              ]),
            )}\n${stored.length} pronósticos guardados para el ${dmy(day)} (modelo ${trained !== undefined ? `entrenado ${trained}` : o.model === undefined && !o.set ? `campeón de cada grupo donde lo hay; si no, ${modelName(model, { withKind: true })}` : modelName(model, { withKind: true })}).\n`,
          );
          if (trained === undefined)
            process.stdout.write(
              `${o.feedbackCorrection ? describeCorrection(stored[0]?.feedbackCorrection ?? null) : 'Corrección por retroalimentación: desactivada (--no-feedback-correction).'}\n`,
            );
          const excluded = [...new Set(stored.flatMap((f) => f.excludedCategories))];
          if (excluded.length > 0)
            process.stdout.write(
              `Excluidos por depender de la actividad policial: ${excluded.join(', ')} (VIGIA_PATROL_EXCLUDE).\n`,
            );
        });
      },
    );
}
