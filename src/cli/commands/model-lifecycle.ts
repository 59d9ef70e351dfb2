/**
 * `vigia models champion | promote ID | rollback ID`: the model lifecycle (services/model-lifecycle.ts)
 * — the champion of each area × group × horizon, its challengers and history, promotions with their
 * evidence, and rollback to an earlier champion.
 */
import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.ts';
import {
  type LifecycleEntry,
  modelLifecycle,
  type PromotionDecision,
  promoteChallenger,
  rollbackChampion,
} from '../../services/model-lifecycle.ts';
import { parseTrainedId } from '../../services/training.ts';
import { withStore } from '../context.ts';
import { table } from '../output.ts';
import { cliAuditContext } from '../secret.ts';

const CAUSE: Record<string, string> = { first: 'primero', promotion: 'promoción', rollback: 'reversión' };

/** Adds the lifecycle subcommands to `vigia models`. */
export function registerLifecycleCommands(models: Command): void {
  models
    .command('champion')
    .description(
      'campeón de cada área × grupo × horizonte, sus retadores, su historial y las últimas decisiones',
    )
    .option('-a, --area <id>', 'área de estudio (por defecto VIGIA_STUDY_AREA)')
    .option('--group <g>', 'solo este grupo de delitos')
    .option('--json', 'salida JSON')
    .action(async (o: { area?: string; group?: string }, cmd: Command) => {
      await withStore(async (db, config) => {
        const life = await modelLifecycle(db, {
          area: o.area ?? config.studyArea,
          ...(o.group ? { group: o.group } : {}),
        });
        if (cmd.optsWithGlobals<{ json?: boolean }>().json) {
          process.stdout.write(`${JSON.stringify(life)}\n`);
          return;
        }
        if (life.length === 0) {
          process.stdout.write('Sin campeones todavía: nombre uno con "vigia models promote ID".\n');
          return;
        }
        process.stdout.write(`${life.map(describeEntry).join('\n\n')}\n`);
      });
    });
  models
    .command('promote <id>')
    .description(
      'propone un modelo entrenado como campeón: sin campeón, lo es; si no, ambos se prueban en un periodo posterior a sus datos y pasa solo si acierta más con p < VIGIA_PROMOTION_ALPHA',
    )
    .option(
      '--period <DESDE..HASTA>',
      'periodo de prueba AAAA-MM-DD..AAAA-MM-DD (hasta exclusivo); por defecto desde el corte de datos más tardío, VIGIA_PROMOTION_DAYS días',
    )
    .option('--json', 'salida JSON')
    .action(async (raw: string, o: { period?: string }, cmd: Command) => {
      const id = parseTrainedId(raw);
      const period = o.period === undefined ? {} : parsePeriod(o.period);
      await withStore(async (db, config) => {
        const r = await promoteChallenger(db, {
          challenger: id,
          ...period,
          audit: cliAuditContext(),
          settings: config.lifecycle,
        });
        if (cmd.optsWithGlobals<{ json?: boolean }>().json) {
          process.stdout.write(`${JSON.stringify(r)}\n`);
          return;
        }
        process.stdout.write(
          r.decision
            ? `${describeDecision(r.decision)}\nCampeón de ${r.champion.area} / ${r.champion.group} / ${r.champion.horizon}: modelo entrenado ${r.champion.trainedModelId}.\n`
            : `Modelo entrenado ${id}: primer campeón de ${r.champion.area} / ${r.champion.group} / ${r.champion.horizon}.\n`,
        );
      });
    });
  models
    .command('rollback <id>')
    .description(
      'vuelve a un campeón anterior (de su historial): los próximos pronósticos lo usan; los ya guardados no se reescriben',
    )
    .option('--json', 'salida JSON')
    .action(async (raw: string, _o: unknown, cmd: Command) => {
      const id = parseTrainedId(raw);
      await withStore(async (db) => {
        const c = await rollbackChampion(db, { to: id, audit: cliAuditContext() });
        if (cmd.optsWithGlobals<{ json?: boolean }>().json) {
          process.stdout.write(`${JSON.stringify(c)}\n`);
          return;
        }
        process.stdout.write(
          `Campeón de ${c.area} / ${c.group} / ${c.horizon}: de nuevo el modelo entrenado ${id}. Los próximos pronósticos lo usan; los ya guardados no cambian.\n`,
        );
      });
    });
}

const pct = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(1).replace('.', ',')} %`);

function describeDecision(d: PromotionDecision): string {
  return [
    `Decisión ${d.id}: ${d.decision === 'promoted' ? 'PROMOVIDO' : 'se conserva el campeón'} — ${d.reason}`,
    `  retador ${d.challengerId} vs campeón ${d.championId}, ${d.periodFrom} → ${d.periodTo}, ${d.windows} ventanas con delitos, ${d.metric}`,
    `  acierto medio por ventana: campeón ${pct(d.championValue)}, retador ${pct(d.challengerValue)}; diferencia ${pct(d.difference)} (IC 95 % ${pct(d.intervalLow)} a ${pct(d.intervalHigh)}), p = ${d.pValue === null ? '—' : d.pValue.toFixed(4).replace('.', ',')}`,
  ].join('\n');
}

function describeEntry(e: LifecycleEntry): string {
  const c = e.champion;
  const lines = [
    `${e.area} / ${e.group} / ${e.horizon}: campeón modelo entrenado ${c.id} (${c.kind} v${c.version}, datos hasta ${c.dataCutoff.toISOString()}, hash ${c.dataSha256.slice(0, 12)}, código ${c.codeVersion}, por ${c.createdBy} vía ${c.trainedVia})`,
    `Retadores: ${e.challengers.length ? e.challengers.map((m) => `${m.id} (${m.kind} v${m.version})`).join(', ') : 'ninguno'}`,
    `Historial:\n${table(
      ['desde', 'modelo', 'causa', 'por'],
      e.history.map((h) => [
        h.createdAt.toISOString().slice(0, 19).replace('T', ' '),
        h.trainedModelId,
        CAUSE[h.cause] ?? h.cause,
        h.createdBy,
      ]),
    )}`,
  ];
  const last = e.decisions[0];
  if (last) lines.push(`Última decisión:\n${describeDecision(last)}`);
  return lines.join('\n');
}

/** "2024-10-01..2024-10-29" → { from, to }. @throws ValidationError naming --period */
function parsePeriod(v: string): { from: string; to: string } {
  const m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(v.trim());
  if (!m || (m[1] as string) >= (m[2] as string))
    throw new ValidationError(
      '--period',
      `"${v}" no tiene la forma DESDE..HASTA (ej. 2025-01-01..2025-01-29, DESDE antes de HASTA)`,
    );
  return { from: m[1] as string, to: m[2] as string };
}
