/** `vigia classify`: crime-type classification (SVM, boosted trees, forest, neural net vs the class prior). */
import { join } from 'node:path';
import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.ts';
import {
  type CrimeTypeReport,
  DEFAULT_CLASSIFIERS,
  DEFAULT_MIN_CLASS_COUNT,
  evaluateCrimeTypes,
  writeCrimeTypeReport,
} from '../../services/crime-type.ts';
import { list, withStore } from '../context.ts';
import { table } from '../output.ts';

function intOption(value: string, name: string, min: number, max: number): number {
  const v = Number(value);
  if (!Number.isInteger(v) || v < min || v > max)
    throw new ValidationError(name, `debe ser un entero entre ${min} y ${max}`);
  return v;
}

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;

/** The Spanish summary table of a report. */
export function crimeTypeSummary(report: CrimeTypeReport): string {
  return `${report.area}: entrenamiento ${report.train.from}–${report.train.to} (${report.train.rows} incidentes), prueba ${report.test.from}–${report.test.to} (${report.test.rows}), ${report.classes.length} clases\n\n${table(
    [
      'modelo',
      'log loss',
      'IC 95 %',
      'Δ vs previa',
      'IC 95 % pareado',
      'macro-F1',
      'exactitud',
      'ECE',
      'filas',
      'tiempo',
    ],
    report.models.map((m) => [
      m.name,
      m.scores.logLoss.toFixed(3),
      `${m.scores.logLossInterval95[0].toFixed(3)}–${m.scores.logLossInterval95[1].toFixed(3)}`,
      m.scores.vsReference ? m.scores.vsReference.difference.toFixed(3) : '—',
      m.scores.vsReference
        ? `${m.scores.vsReference.interval95[0].toFixed(3)}–${m.scores.vsReference.interval95[1].toFixed(3)}`
        : '—',
      pct(m.scores.macroF1),
      pct(m.scores.accuracy),
      m.scores.calibrationError.toFixed(3),
      m.trainRows,
      `${m.seconds.toFixed(1)} s`,
    ]),
  )}\n`;
}

export function registerClassifyCommands(program: Command): void {
  const classify = program
    .command('classify')
    .description('clasificación del tipo de delito: probabilidad de cada tipo según lugar, hora y contexto');
  classify
    .command('evaluate')
    .description(
      'entrena en un periodo y evalúa en otro posterior: log loss, macro-F1 y confiabilidad frente a la previa',
    )
    .requiredOption('--train-from <AAAA-MM-DD>', 'primer día de entrenamiento (hora local)')
    .requiredOption('--train-to <AAAA-MM-DD>', 'día siguiente al último de entrenamiento')
    .requiredOption('--test-from <AAAA-MM-DD>', 'primer día de prueba')
    .requiredOption('--test-to <AAAA-MM-DD>', 'día siguiente al último de prueba')
    .option('-a, --area <id>', 'área de estudio (por defecto VIGIA_STUDY_AREA)')
    .option(
      '--models <lista>',
      'clasificadores: svm, gbt, forest, mlp (la previa siempre se incluye)',
      DEFAULT_CLASSIFIERS.join(','),
    )
    .option(
      '--min-count <n>',
      'casos de entrenamiento para que un tipo sea su propia clase (el resto: "otros")',
      String(DEFAULT_MIN_CLASS_COUNT),
    )
    .option('--svm-rows <n>', 'filas de entrenamiento del SVM (submuestra con semilla)', '5000')
    .option('--threads <n>', 'hilos de los árboles', '1')
    .option('--seed <n>', 'semilla', '1')
    .option('--out <archivo>', 'reporte .json y .html (por defecto <datos>/reports/clasificacion-…)')
    .option('--json', 'salida JSON (el reporte completo)')
    .addHelpText(
      'after',
      '\nEjemplo: vigia classify evaluate --area vancouver --train-from 2020-01-01 --train-to 2020-10-01 --test-from 2020-10-01 --test-to 2021-01-01',
    )
    .action(
      async (o: {
        trainFrom: string;
        trainTo: string;
        testFrom: string;
        testTo: string;
        area?: string;
        models: string;
        minCount: string;
        svmRows: string;
        threads: string;
        seed: string;
        out?: string;
        json?: boolean;
      }) => {
        const settings = {
          minClassCount: intOption(o.minCount, '--min-count', 1, 1_000_000),
          svmMaxRows: intOption(o.svmRows, '--svm-rows', 10, 1_000_000),
          threads: intOption(o.threads, '--threads', 1, 64),
          seed: intOption(o.seed, '--seed', 0, 2 ** 31 - 1),
        };
        await withStore(async (db, config) => {
          const area = o.area ?? config.studyArea;
          const report = await evaluateCrimeTypes(db, {
            area,
            trainFrom: o.trainFrom,
            trainTo: o.trainTo,
            testFrom: o.testFrom,
            testTo: o.testTo,
            models: list(o.models) ?? [],
            ...settings,
            onProgress: (m) => {
              if (!o.json) process.stderr.write(`${m}…\n`);
            },
          });
          const out =
            o.out ?? join(config.dataDir, 'reports', `clasificacion-${area}-${o.testFrom}_${o.testTo}`);
          const paths = writeCrimeTypeReport(report, out);
          if (o.json) {
            process.stdout.write(`${JSON.stringify(report)}\n`);
            return;
          }
          process.stdout.write(
            `${crimeTypeSummary(report)}\nReporte: ${paths.html}\n         ${paths.json}\n`,
          );
        });
      },
    );
}
