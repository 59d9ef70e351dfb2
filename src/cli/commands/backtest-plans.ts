/**
 * `vigia backtest-plans`: patrol plans per turno through the backtest harness — share of each
 * turno's crimes inside the model's plan, inside its top-k cells of the same size (the price of
 * contiguity) and inside the naive-counts plan.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { CRIME_GROUPS } from '../../core/taxonomy.ts';
import { PREDICTOR_KINDS } from '../../services/backtest.ts';
import { singleSettings } from '../../services/models.ts';
import {
  backtestPlans,
  type PatrolBacktestReport,
  PLAN_BASELINE,
  writePatrolBacktest,
} from '../../services/patrol-backtest.ts';
import { withStore } from '../context.ts';
import { parseOrigin } from '../model-options.ts';
import { progressBar, table } from '../output.ts';
import { parseSets } from '../settings.ts';

const pct = (v: number | null): string => (v === null ? '—' : `${(100 * v).toFixed(1)} %`);
const pp = (v: number | null): string => (v === null ? '—' : `${(100 * v).toFixed(1)} pp`);

/** The pooled comparison, in Spanish. */
export function printPlanSummary(r: PatrolBacktestReport, path: string): void {
  const p = r.pooled;
  const sum = (pick: (w: PatrolBacktestReport['windows'][number]) => number): string =>
    r.windows.reduce((s, w) => s + pick(w), 0).toFixed(1);
  process.stdout.write(
    `${r.title}\n${r.windows.length} turnos, ${p.events} delitos de prueba, ${r.validCells} celdas de ${r.cellSize} m, ` +
      `${r.units} unidades por turno en ${r.sectors.length} sector(es), áreas de hasta ${r.maxCells} celdas; ` +
      `${p.meanCells.toFixed(1)} celdas por plan en promedio (${pct(p.meanAreaShare)} del área)\n\n` +
      `${table(
        ['selección', 'delitos dentro', 'proporción', 'esperado (pronóstico)'],
        [
          [
            `plan ${r.model} (áreas contiguas)`,
            sum((w) => w.plan.hits),
            pct(p.planShare),
            pct(p.planExpectedShare),
          ],
          [
            `top-k ${r.model} (mismas celdas, sin contigüidad)`,
            sum((w) => w.topK.hits),
            pct(p.topKShare),
            pct(p.topKExpectedShare),
          ],
          [`plan ${r.baseline}`, sum((w) => w.naivePlan.hits), pct(p.naivePlanShare), '—'],
        ],
      )}\n\n` +
      `Precio de la contigüidad (top-k − plan): ${pp(p.priceOfContiguity)} ` +
      `(Wilcoxon pareado por turno: p = ${p.topKVsPlan.pValue.toPrecision(2)}, ${p.topKVsPlan.nonZero} turnos con diferencia)\n` +
      `Plan ${r.model} frente a plan ${r.baseline}: ${pp(p.planVsNaive.meanDifference)} de diferencia media por turno ` +
      `(Wilcoxon pareado: p = ${p.planVsNaive.pValue.toPrecision(2)}, ${p.planVsNaive.windows} turnos con delitos)\n` +
      `Reporte: ${path}\n`,
  );
}

export function registerBacktestPlansCommand(program: Command): void {
  program
    .command('backtest-plans')
    .description(
      'evalúa planes de patrullaje por turno con el arnés de backtest: delitos dentro del plan, del top-k sin contigüidad y del plan naive',
    )
    .requiredOption('--from <AAAA-MM-DD>', 'primer día del periodo de prueba (hora local)')
    .requiredOption('--to <AAAA-MM-DD>', 'día siguiente al último del periodo de prueba')
    .option(
      '--model <m>',
      `modelo del plan: ${PREDICTOR_KINDS.join(', ')} (se compara con ${PLAN_BASELINE})`,
      'sepp-grid',
    )
    .option(
      '--units <n>',
      'unidades por turno en toda el área (se reparten por sector según el delito esperado)',
      '100',
    )
    .option('--max-cells <n>', 'celdas por área de patrullaje (1–9)', '4')
    .option('--group <g>', `grupo de delitos: ${Object.keys(CRIME_GROUPS).join(' | ')}`, 'property')
    .option('--cell-size <m>', 'lado de celda en metros (75–500)', '150')
    .option('--grid-origin <x,y>', 'ancla la grilla en este punto (metros en el CRS de la grilla)')
    .option('-a, --area <id>', 'área de estudio (por defecto VIGIA_STUDY_AREA)')
    .option('--seed <n>', 'semilla', '1')
    .option(
      '--set <modelo.opción=valor>',
      'ajuste de un modelo (repetible), ej. sepp-grid.refitEveryDays=7',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--out <dir>', 'carpeta del reporte JSON (por defecto <datos>/reports)')
    .option('--json', 'salida JSON (el reporte completo)')
    .addHelpText(
      'after',
      '\nEjemplo: vigia backtest-plans --from 2024-11-01 --to 2024-11-29 --model sepp-grid --units 100 --max-cells 4',
    )
    .action(
      async (o: {
        from: string;
        to: string;
        model: string;
        units: string;
        maxCells: string;
        group: string;
        cellSize: string;
        gridOrigin?: string;
        area?: string;
        seed: string;
        set?: string[];
        out?: string;
        json?: boolean;
      }) => {
        const configs = o.set ? singleSettings(parseSets(o.set)) : {};
        await withStore(async (db, config) => {
          let bar = null as ReturnType<typeof progressBar> | null;
          const report = await backtestPlans(db, {
            area: o.area ?? config.studyArea,
            group: o.group,
            from: o.from,
            to: o.to,
            model: o.model,
            configs,
            units: Number(o.units),
            maxCells: Number(o.maxCells),
            cellSize: Number(o.cellSize),
            ...(o.gridOrigin === undefined ? {} : { gridOrigin: parseOrigin(o.gridOrigin) }),
            seed: Number(o.seed),
            onProgress: (done, total) => {
              if (o.json) return;
              bar ??= progressBar('planes', total, 'turnos');
              bar.update(done);
            },
          });
          bar?.stop();
          const path = writePatrolBacktest(report, o.out ?? join(config.dataDir, 'reports'));
          if (o.json) {
            process.stdout.write(`${JSON.stringify(report)}\n`);
            return;
          }
          printPlanSummary(report, path);
        });
      },
    );
}
