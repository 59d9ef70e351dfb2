/** `vigia backtest`: rolling-origin evaluation of the model ladder against naive, random and the oracle. */
import { join } from 'node:path';
import type { Command } from 'commander';
import { CRIME_GROUPS } from '../../core/taxonomy.ts';
import {
  type BacktestReport,
  backtest,
  HORIZONS,
  type Horizon,
  PREDICTOR_KINDS,
  storeReport,
  writeReport,
} from '../../services/backtest.ts';
import { singleSettings } from '../../services/models.ts';
import { list, withStore } from '../context.ts';
import { evaluationGrid, evaluationGridOptions } from '../model-options.ts';
import { progressBar, table } from '../output.ts';
import { parseSets } from '../settings.ts';

/** The comparison at 5 % of the area, and where the report files are. */
export function printSummary(
  report: BacktestReport,
  paths: { json: string; csv: string; windowsCsv?: string; html: string },
): void {
  const at5 = (name: string) =>
    report.models.find((m) => m.name === name)?.curve.find((p) => Math.abs(p.coverage - 0.05) < 0.0025);
  process.stdout.write(
    `${report.title}: ${report.windows} ventanas, ${report.events.test} eventos de prueba, ${report.validCells} celdas de ${report.cellSize} m\n\n` +
      `${table(
        [
          'modelo',
          'acierto 5 %',
          'IC 95 %',
          'media diaria',
          'PAI',
          'PEI*',
          'P(>naive)',
          'p pareado',
          'devianza',
          'tiempo',
        ],
        report.models.map((m) => {
          const p = at5(m.name);
          return [
            m.name,
            p ? `${(100 * p.hitRate).toFixed(1)} %` : '—',
            p ? `${(100 * p.interval95[0]).toFixed(1)}–${(100 * p.interval95[1]).toFixed(1)} %` : '—',
            p?.meanHitRate === undefined || p.meanHitRate === null
              ? '—'
              : `${(100 * p.meanHitRate).toFixed(1)} %`,
            p?.pai.toFixed(2),
            p?.pei?.toFixed(2),
            p?.pBetterThanNaive?.toFixed(2),
            p?.pairedVsNaive ? p.pairedVsNaive.pValue.toPrecision(2) : undefined,
            // Mean Poisson deviance per cell and window: rate models only.
            m.devianceWindows === null ? '—' : m.devianceWindows.toFixed(5),
            `${m.seconds.toFixed(1)} s`,
          ];
        }),
      )}\n${turnoLines(report)}\nReporte: ${paths.html}\n        ${paths.json}\n        ${paths.csv}\n${paths.windowsCsv ? `        ${paths.windowsCsv}\n` : ''}`,
  );
}

/** Turno backtests: the hit rate at 5 % per turno and model (skill by time of day). */
function turnoLines(report: BacktestReport): string {
  if (!report.byTurno?.length) return '';
  const turnos = [...new Set(report.byTurno.map((t) => t.turno))];
  const models = [...new Set(report.byTurno.map((t) => t.model))];
  const rate = (turno: string, model: string): string => {
    const s = report.byTurno?.find((t) => t.turno === turno && t.model === model);
    const p = s?.coverages.find((c) => Math.abs(c.coverage - 0.05) < 0.0025);
    return p?.hitRate === null || p?.hitRate === undefined ? '—' : `${(100 * p.hitRate).toFixed(1)} %`;
  };
  return `\nAcierto al 5 % por turno:\n${table(
    ['modelo', ...turnos],
    models.map((m) => [m, ...turnos.map((t) => rate(t, m))]),
  )}\n`;
}

export function registerBacktestCommand(program: Command): void {
  evaluationGridOptions(program.command('backtest'))
    .description('evalúa modelos con origen móvil: el arnés corta los datos en cada pronóstico')
    .requiredOption('--from <AAAA-MM-DD>', 'primer día del periodo de prueba (hora local)')
    .requiredOption('--to <AAAA-MM-DD>', 'día siguiente al último del periodo de prueba')
    .option(
      '--models <lista>',
      `modelos: ${PREDICTOR_KINDS.join(', ')}; modelo:variante compara ajustes del mismo modelo (naive-counts y random siempre se incluyen)`,
      'retro-hotspot,pro-hotspot,stkde',
    )
    .option('--horizon <h>', `horizonte: ${HORIZONS.join(' | ')}`, 'day')
    .option('--group <g>', `grupo de delitos: ${Object.keys(CRIME_GROUPS).join(' | ')}`, 'property')
    .option('--cell-size <m>', 'lado de celda en metros (75–500)', '150')
    .option('-a, --area <id>', 'área de estudio (por defecto VIGIA_STUDY_AREA)')
    .option('--seed <n>', 'semilla', '1')
    .option(
      '--set <modelo.opción=valor>',
      'ajuste de un modelo (repetible), ej. pro-hotspot.bandwidth=150',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--grid-shift', 'repite con la grilla desplazada media celda (sensibilidad a la posición)')
    .option('--out <dir>', 'carpeta de los reportes (por defecto <datos>/reports)')
    .option('--json', 'salida JSON (el reporte completo)')
    .addHelpText(
      'after',
      '\nEjemplo: vigia backtest --from 2025-01-01 --to 2026-01-01 --models pro-hotspot,stkde --group property',
    )
    .action(
      async (o: {
        from: string;
        to: string;
        models: string;
        horizon: string;
        group: string;
        cellSize: string;
        area?: string;
        seed: string;
        out?: string;
        gridShift?: boolean;
        gridOrigin?: string;
        tieRule: string;
        set?: string[];
        json?: boolean;
      }) => {
        // One value per option here (a sweep tries several).
        const configs = o.set ? singleSettings(parseSets(o.set)) : {};
        const placement = evaluationGrid(o);
        await withStore(async (db, config) => {
          // The bar is made on the first report, when the number of windows is known.
          let bar = null as ReturnType<typeof progressBar> | null;
          const report = await backtest(db, {
            area: o.area ?? config.studyArea,
            group: o.group,
            from: o.from,
            to: o.to,
            horizon: o.horizon as Horizon,
            models: list(o.models) ?? [],
            cellSize: Number(o.cellSize),
            seed: Number(o.seed),
            gridShift: o.gridShift === true,
            ...placement,
            configs,
            onProgress: (done, total) => {
              if (o.json) return;
              bar ??= progressBar('backtest', total, 'ventanas');
              bar.update(done);
            },
          });
          bar?.stop();
          const paths = writeReport(report, o.out ?? join(config.dataDir, 'reports'));
          const id = await storeReport(db, report);
          if (o.json) {
            process.stdout.write(`${JSON.stringify(report)}\n`);
            return;
          }
          printSummary(report, paths);
          process.stdout.write(`Guardado como reporte #${id} (GET /api/v1/backtests/${id})\n`);
        });
      },
    );
}
