/**
 * `vigia models` and `vigia models show NAME`: the registered models and every setting of one;
 * `vigia models trained [show ID]` and `vigia models compare ID ID …`: the stored trained models.
 */
import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.ts';
import { modelName } from '../../core/models.ts';
import { listModels, modelSettings } from '../../services/models.ts';
import {
  COMPARE_COVERAGES,
  compareTrained,
  parseTrainedId,
  type TrainedModelMeta,
  trainedModel,
  trainedModels,
} from '../../services/training.ts';
import { withStore } from '../context.ts';
import { table } from '../output.ts';
import { cliAuditContext } from '../secret.ts';
import { registerLifecycleCommands } from './model-lifecycle.ts';

/** A default as `--set` would take it (null, true, numbers, text). */
const shown = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

export function registerModelsCommands(program: Command): void {
  const models = program
    .command('models')
    .description('lista los modelos de pronóstico (nombre, tipo, descripción)')
    .option('--json', 'salida JSON')
    .action((o: { json?: boolean }) => {
      const all = listModels();
      if (o.json) {
        process.stdout.write(`${JSON.stringify(all)}\n`);
        return;
      }
      process.stdout.write(
        `${table(
          ['modelo', 'nombre', 'tipo', 'descripción'],
          all.map((m) => [
            m.name,
            modelName(m.name),
            m.kind === 'baseline' ? 'referencia' : 'modelo',
            m.description,
          ]),
        )}\n\nAjustes de un modelo: vigia models show NOMBRE\n`,
      );
    });
  models
    .command('show <nombre>')
    .description('todos los ajustes de un modelo: tipo, valores permitidos, unidad, defecto y descripción')
    .option('--json', 'salida JSON')
    .action((name: string, _o: unknown, cmd: Command) => {
      const settings = modelSettings(name);
      // `--json` after `show` may be taken by `models` itself: read both levels.
      if (cmd.optsWithGlobals<{ json?: boolean }>().json) {
        process.stdout.write(`${JSON.stringify(settings)}\n`);
        return;
      }
      const summary = listModels().find((m) => m.name === name);
      const first = settings[0];
      if (!first) {
        process.stdout.write(`${name}: ${summary?.description ?? ''}\n\nEste modelo no tiene ajustes.\n`);
        return;
      }
      process.stdout.write(
        `${name}: ${summary?.description ?? ''}\n\n${table(
          ['ajuste', 'tipo', 'permitido', 'unidad', 'defecto', 'descripción'],
          settings.map((s) => [s.name, s.type, s.allowed, s.unit, shown(s.default), s.description]),
        )}\n\nEj.: vigia backtest --set ${name}.${first.name}=${shown(first.default)}\n`,
      );
    });
  const trained = models
    .command('trained')
    .description('modelos entrenados guardados (vigia train): versión, datos, hash, tamaño')
    .option('-a, --area <id>', 'solo de esta área')
    .option('--group <g>', 'solo de este grupo de delitos')
    .option('--model <kind>', 'solo de este modelo')
    .option('--json', 'salida JSON')
    .action(async (o: { area?: string; group?: string; model?: string }, cmd: Command) => {
      const json = cmd.optsWithGlobals<{ json?: boolean }>().json;
      await withStore(async (db) => {
        const all = await trainedModels(db, o);
        if (json) {
          process.stdout.write(`${JSON.stringify(all)}\n`);
          return;
        }
        process.stdout.write(
          all.length === 0
            ? 'No hay modelos entrenados guardados (entrene uno con vigia train).\n'
            : `${table(
                ['id', 'área', 'grupo', 'modelo', 'versión', 'datos hasta', 'eventos', 'tamaño', 'creado'],
                all.map((m) => [
                  m.id,
                  m.area,
                  m.group,
                  m.kind,
                  m.version,
                  m.dataCutoff.toISOString(),
                  m.eventsUsed,
                  size(m.artifactSize),
                  m.createdAt.toISOString().slice(0, 19).replace('T', ' '),
                ]),
              )}\n\nDetalle: vigia models trained show ID\n`,
        );
      });
    });
  trained
    .command('show <id>')
    .description(
      'todo lo guardado de un modelo entrenado: ajustes, datos, hashes, código, métricas, esquema de variables',
    )
    .option('--json', 'salida JSON')
    .action(async (raw: string, _o: unknown, cmd: Command) => {
      const id = parseTrainedId(raw);
      await withStore(async (db) => {
        const m = await trainedModel(db, id);
        if (cmd.optsWithGlobals<{ json?: boolean }>().json) {
          process.stdout.write(`${JSON.stringify(m)}\n`);
          return;
        }
        process.stdout.write(`${describeTrained(m)}\n`);
      });
    });
  models
    .command('compare <ids...>')
    .description(
      'compara modelos entrenados lado a lado; con --backtest, sus aciertos en un periodo (sin reajuste)',
    )
    .option(
      '--backtest <DESDE..HASTA>',
      'periodo de prueba AAAA-MM-DD..AAAA-MM-DD (hasta exclusivo): cada modelo se condiciona a diario, no se reajusta',
    )
    .option('--json', 'salida JSON')
    .action(async (raw: string[], o: { backtest?: string }, cmd: Command) => {
      const ids = raw.map((r) => parseTrainedId(r));
      const period = o.backtest === undefined ? undefined : parsePeriod(o.backtest);
      await withStore(async (db) => {
        const c = await compareTrained(db, ids, {
          ...(period ? { backtest: period } : {}),
          audit: cliAuditContext(),
        });
        if (cmd.optsWithGlobals<{ json?: boolean }>().json) {
          process.stdout.write(`${JSON.stringify(c)}\n`);
          return;
        }
        const rows: [string, ...unknown[]][] = [
          ['modelo', ...c.models.map((m) => m.kind)],
          ['versión', ...c.models.map((m) => m.version)],
          ['área / grupo', ...c.models.map((m) => `${m.area} / ${m.group}`)],
          ['datos hasta', ...c.models.map((m) => m.dataCutoff.toISOString())],
          ['eventos', ...c.models.map((m) => m.eventsUsed)],
          ['hash de datos', ...c.models.map((m) => m.dataSha256.slice(0, 12))],
          ['semilla', ...c.models.map((m) => m.seed)],
          ['tamaño', ...c.models.map((m) => size(m.artifactSize))],
          ...Object.entries(c.configDiff).map(([k, v]): [string, ...unknown[]] => [
            `ajuste ${k}`,
            ...v.map((x) => JSON.stringify(x)),
          ]),
          ...[...new Set(c.models.flatMap((m) => Object.keys(m.metrics)))].map(
            (k): [string, ...unknown[]] => [`métrica ${k}`, ...c.models.map((m) => m.metrics[k] ?? '—')],
          ),
        ];
        let text = `${table(
          ['', ...c.models.map((m) => `#${m.id}`)],
          rows,
        )}\n\nMismos datos de entrenamiento: ${c.sameData ? 'sí (hash igual)' : 'no'}\n`;
        if (Object.keys(c.configDiff).length === 0) text += 'Ajustes: iguales\n';
        if (c.backtest) {
          const b = c.backtest;
          const pct = (v: number | null | undefined) =>
            v === null || v === undefined ? '—' : `${(100 * v).toFixed(1)} %`;
          text += `\nBacktest ${b.from} → ${b.to}: ${b.windows} ventanas, ${b.events} eventos (condicionados a diario, sin reajuste)\n${table(
            [
              'modelo',
              ...COMPARE_COVERAGES.flatMap((cv) => [`acierto ${cv * 100} %`, `media diaria ${cv * 100} %`]),
              ...COMPARE_COVERAGES.map((cv) => `p vs #${ids[0]} (${cv * 100} %)`),
            ],
            b.models.map((m) => [
              m.name,
              ...COMPARE_COVERAGES.flatMap((cv) => [
                pct(m.hitRate[String(cv)]),
                pct(m.meanHitRate[String(cv)]),
              ]),
              ...COMPARE_COVERAGES.map((cv) => m.pairedVsFirst[String(cv)]?.pValue.toPrecision(2) ?? '—'),
            ]),
          )}\np: prueba de rangos con signo de Wilcoxon, pareada por ventana, contra el primer modelo.\n`;
        }
        process.stdout.write(text);
      });
    });
  registerLifecycleCommands(models);
}

/** Bytes as kB / MB. */
function size(bytes: number): string {
  return bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(2)} MB`;
}

/** "2025-01-01..2025-02-01" → { from, to }. @throws ValidationError naming --backtest */
function parsePeriod(v: string): { from: string; to: string } {
  const m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(v.trim());
  if (!m || (m[1] as string) >= (m[2] as string))
    throw new ValidationError(
      '--backtest',
      `"${v}" no tiene la forma DESDE..HASTA (ej. 2025-01-01..2025-02-01, DESDE antes de HASTA)`,
    );
  return { from: m[1] as string, to: m[2] as string };
}

/** A trained model in full, for `vigia models trained show`. */
function describeTrained(m: TrainedModelMeta): string {
  const fs = m.featureSchema as { columns?: { name: string; kind: string }[] } | null;
  const kinds = new Map<string, number>();
  for (const c of fs?.columns ?? []) kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
  const features = fs?.columns
    ? `${fs.columns.length} variables (${[...kinds].map(([k, n]) => `${k}: ${n}`).join(', ')}); primeras: ${fs.columns
        .slice(0, 8)
        .map((c) => c.name)
        .join(', ')}${fs.columns.length > 8 ? ', …' : ''}`
    : 'ninguno (el modelo no usa variables construidas)';
  return [
    `Modelo entrenado ${m.id}: ${m.kind} v${m.version} (esquema ${m.schemaVersion})`,
    `  área ${m.area}, grupo ${m.group}, ventanas ${m.horizon}, celdas de ${m.grid.cellSize} m (${m.grid.cols} × ${m.grid.rows}, ${m.grid.crs})`,
    `  datos hasta: ${m.dataCutoff.toISOString()}, ${m.eventsUsed} eventos`,
    `  hash de los datos: ${m.dataSha256}`,
    `  artefacto: ${m.artifactSize} bytes (${m.storedSize} comprimido), SHA-256 ${m.artifactSha256}`,
    `  semilla ${m.seed}, código ${m.codeVersion}`,
    `  creado ${m.createdAt.toISOString()} por ${m.createdBy}`,
    `  ajustes: ${JSON.stringify(m.config)}`,
    `  métricas: ${JSON.stringify(m.metrics)}`,
    `  esquema de variables: ${features}`,
  ].join('\n');
}
