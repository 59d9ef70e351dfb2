/** `vigia narratives quality`: narratives whose text reads as another category than the recorded one. */
import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.ts';
import {
  DEFAULT_FLAG_LIMIT,
  DEFAULT_FLAG_THRESHOLD,
  DEFAULT_TRAIN_DAYS,
  type NarrativeQualityReport,
  narrativeQuality,
} from '../../services/narrative-quality.ts';
import { withStore } from '../context.ts';
import { table } from '../output.ts';
import { cliAuditContext } from '../secret.ts';

const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
/** Characters of a narrative in the table (the JSON has the whole redacted quote). */
const SHOWN = 90;

/** The Spanish report: scores, then the flagged narratives (redacted). */
export function narrativeQualityText(r: NarrativeQualityReport): string {
  const head =
    `${r.area}: relatos del ${r.period.from} al ${r.period.to} (sin incluir el último día); ` +
    `clasificador entrenado con ${r.train.rows} relatos del ${r.train.from} al ${r.train.to}.\n` +
    `Revisados: ${r.checked}${r.unchecked ? ` (${r.unchecked} sin revisar: categoría ausente en el entrenamiento)` : ''}. ` +
    `Coincidencia con la categoría registrada: macro-F1 ${pct(r.scores.macroF1)}, exactitud ${pct(r.scores.accuracy)}, ` +
    `log loss ${r.scores.logLoss.toFixed(3)} (previa de clases: ${r.scores.priorLogLoss.toFixed(3)}).\n` +
    `Marcados (la categoría predicha difiere con probabilidad ≥ ${r.threshold}): ${r.flagged}` +
    (r.flags.length < r.flagged ? `, se muestran ${r.flags.length}` : '') +
    '.\n';
  if (r.flags.length === 0) return head;
  const rows = r.flags.map((f) => [
    f.id,
    f.occurredAt.slice(0, 10),
    f.district,
    f.recorded,
    f.predicted,
    pct(f.probability),
    f.text.length > SHOWN ? `${f.text.slice(0, SHOWN)}…` : f.text,
  ]);
  return `${head}\n${table(['incidente', 'fecha', 'distrito', 'registrada', 'predicha', 'prob.', 'relato (redactado)'], rows)}\n`;
}

function numberOption(value: string, name: string, min: number, max: number, integer: boolean): number {
  const v = Number(value);
  if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v)))
    throw new ValidationError(name, `debe ser ${integer ? 'un entero' : 'un número'} entre ${min} y ${max}`);
  return v;
}

export function registerNarrativeCommands(program: Command): void {
  const narratives = program.command('narratives').description('relatos de los incidentes (texto libre)');
  narratives
    .command('quality')
    .description(
      'calidad de datos: relatos cuyo texto indica otra categoría que la registrada (solo texto redactado; queda en la auditoría)',
    )
    .requiredOption('--from <AAAA-MM-DD>', 'primer día revisado (hora local)')
    .requiredOption('--to <AAAA-MM-DD>', 'día siguiente al último revisado')
    .option('-a, --area <id>', 'área de estudio (por defecto VIGIA_STUDY_AREA)')
    .option(
      '--train-from <AAAA-MM-DD>',
      `primer día de entrenamiento (por defecto ${DEFAULT_TRAIN_DAYS} días antes de --from; termina en --from)`,
    )
    .option(
      '--threshold <p>',
      'probabilidad mínima de la categoría predicha para marcar',
      String(DEFAULT_FLAG_THRESHOLD),
    )
    .option('--limit <n>', 'relatos marcados que se listan como máximo', String(DEFAULT_FLAG_LIMIT))
    .option('--json', 'salida JSON (el reporte completo)')
    .addHelpText(
      'after',
      '\nEjemplo: vigia narratives quality --area callao --from 2025-03-01 --to 2025-04-01',
    )
    .action(
      async (o: {
        from: string;
        to: string;
        area?: string;
        trainFrom?: string;
        threshold: string;
        limit: string;
        json?: boolean;
      }) => {
        const threshold = numberOption(o.threshold, '--threshold', 0.01, 1, false);
        const limit = numberOption(o.limit, '--limit', 1, 100_000, true);
        await withStore(async (db, config) => {
          const report = await narrativeQuality(
            db,
            {
              area: o.area ?? config.studyArea,
              from: o.from,
              to: o.to,
              ...(o.trainFrom ? { trainFrom: o.trainFrom } : {}),
              threshold,
              limit,
            },
            cliAuditContext(),
          );
          process.stdout.write(o.json ? `${JSON.stringify(report)}\n` : narrativeQualityText(report));
        });
      },
    );
}
