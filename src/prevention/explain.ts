/**
 * Every patrol plan explains itself (issue 12, item 5): which forecast and model it came from, how
 * the areas were chosen, and why each area — its expected crimes, its share and rank in its sector,
 * and the expected crimes of each of its cells. Pure: the plan service and the views give it what
 * was stored; the text is Spanish (users read it), built in one place.
 */
import { modelName } from '../core/models.ts';

/** What the explanation needs of a stored plan (structurally a subset of the stored plan). */
export interface ExplainablePlan {
  turno: string;
  day: string;
  group: string;
  forecastId: number;
  forecastCreatedAt: Date | string;
  modelKind: string;
  modelConfig: unknown;
  settings: {
    unitsBySector: Record<string, number>;
    unitsFrom: 'spread' | 'given';
    maxCells: number;
    dosage: { minutesPerVisit: number; visits: number };
  };
  /** Cell size of the forecast's grid, metres. */
  cellSize: number;
  areas: readonly {
    order: number;
    code: string;
    name: string;
    cells: readonly number[];
    expected: number;
    /** Expected crimes of each cell, aligned with `cells` (absent in plans stored before it). */
    cellExpected?: readonly number[];
  }[];
  sectors: readonly {
    code: string;
    name: string;
    units: number;
    areas: number;
    expectedCovered: number;
    expectedTotal: number;
    share: number;
  }[];
}

/** Facts of the forecast read back from the store, when it is still the one the plan used. */
export interface ForecastFacts {
  dataCutoff: Date;
  eventsUsed: number;
}

export interface PlanExplanation {
  /** Which forecast and model, from which data. */
  forecast: string;
  /** How the areas were chosen. */
  method: string;
  /** Per sector: units, areas and the share of its expected crime covered. */
  sectors: { code: string; text: string }[];
  /** Per area, in plan order: why it is in the plan. */
  areas: { order: number; text: string }[];
}

const num = (x: number, digits = 2): string => x.toFixed(digits);
const pct = (share: number): string => `${(share * 100).toFixed(1)} %`;
const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

function isoMinute(d: Date | string): string {
  return `${new Date(d).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function trainedModelOf(config: unknown): number | null {
  if (config && typeof config === 'object' && 'trainedModelId' in config) {
    const id = (config as { trainedModelId: unknown }).trainedModelId;
    if (typeof id === 'number') return id;
  }
  return null;
}

/**
 * The explanation of a plan, restricted to the given sectors' areas when `sectorCodes` is set (an
 * officer's view never mentions another sector).
 * @param facts the forecast's data cutoff and events, or null when the forecast was re-made after
 *   the plan (the plan keeps its own copy of what it used; the text says so)
 */
export function explainPlan(
  plan: ExplainablePlan,
  facts: ForecastFacts | null,
  sectorCodes?: ReadonlySet<string>,
): PlanExplanation {
  const trained = trainedModelOf(plan.modelConfig);
  const model = `${modelName(plan.modelKind, { withKind: true })}${trained === null ? '' : ` (modelo entrenado ${trained}, sin reajustar)`}`;
  const forecast =
    `Pronóstico ${plan.forecastId} del turno ${plan.turno} del ${plan.day} (grupo ${plan.group}), ` +
    `hecho con el modelo ${model} el ${isoMinute(plan.forecastCreatedAt)}` +
    (facts
      ? `, con ${facts.eventsUsed} incidentes conocidos antes de ${isoMinute(facts.dataCutoff)} (nada posterior se usó).`
      : '; ese pronóstico se rehízo después, el plan conserva las cifras que usó.');
  const unitsText =
    plan.settings.unitsFrom === 'spread'
      ? 'las unidades se repartieron entre los distritos en proporción a sus delitos esperados en el turno'
      : 'las unidades por distrito las indicó quien hizo el plan';
  const method =
    `Se eligieron áreas contiguas de hasta ${plan.settings.maxCells} celdas de ${plan.cellSize} m, una por unidad, ` +
    `sin compartir celdas, que juntas cubren la mayor cantidad posible de delitos esperados del turno en cada distrito; ` +
    `${unitsText}. Cada área se visita ${plan.settings.dosage.visits} veces, ${plan.settings.dosage.minutesPerVisit} minutos cada vez.`;
  const keep = (code: string): boolean => !sectorCodes || sectorCodes.has(code);
  const sectors = plan.sectors
    .filter((s) => keep(s.code))
    .map((s) => ({
      code: s.code,
      text:
        s.units === 0
          ? `${s.name}: sin unidades en este turno (${num(s.expectedTotal)} delitos esperados en el distrito).`
          : `${s.name}: ${count(s.units, 'unidad', 'unidades')}, ${count(s.areas, 'área que cubre', 'áreas que cubren')} ${num(s.expectedCovered)} de ${num(s.expectedTotal)} delitos esperados del distrito (${pct(s.share)}).`,
    }));
  const totals = new Map(plan.sectors.map((s) => [s.code, s.expectedTotal]));
  const rank = new Map<string, number>();
  const areas = [];
  for (const a of plan.areas) {
    const r = (rank.get(a.code) ?? 0) + 1;
    rank.set(a.code, r);
    if (!keep(a.code)) continue;
    const total = totals.get(a.code) ?? 0;
    const cells =
      a.cellExpected && a.cellExpected.length === a.cells.length
        ? `; sus celdas: ${a.cells.map((c, i) => `${c} (${num(a.cellExpected?.[i] as number)})`).join(', ')}`
        : '';
    areas.push({
      order: a.order,
      text:
        `Área ${a.order}: ${num(a.expected)} delitos esperados en el turno, ` +
        `${total > 0 ? `el ${pct(a.expected / total)} de los de ${a.name}` : `en ${a.name}`}; ` +
        `${r === 1 ? 'es la de más riesgo' : `es la ${r}.ª de más riesgo`} del distrito en este plan ` +
        `(${count(a.cells.length, 'celda', 'celdas contiguas')}${cells}).`,
    });
  }
  return { forecast, method, sectors, areas };
}
