/**
 * Patrol-plan benchmark (issue 12): the Callao grid at 150 m, sectors = the seven districts, a
 * skewed seeded surface per turno (a low background plus hotspots of random strength and width),
 * 100 units spread over the districts in proportion to expected crime (largest remainder), 4
 * turnos. Reports seconds per turno plan and in total, coverage, and the machine.
 *
 *   node --import tsx bench/patrol.bench.ts [--units 100] [--turnos 4] [--max-cells 4] [--crimes 20]
 *
 * Results are recorded in bench/README.md ("Patrol plans"); writes bench/out/patrol.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { mulberry32 } from '../src/core/random.ts';
import { gridForArea } from '../src/geo/area-grid.ts';
import { compileStudyArea } from '../src/geo/study-area.ts';
import { planPatrols } from '../src/prevention/patrol-plan.ts';
import { callaoStudyArea } from '../src/services/areas.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const totalUnits = arg('units', 100);
const turnos = arg('turnos', 4);
const maxCells = arg('max-cells', 4);
const perTurno = arg('crimes', 20);

const area = compileStudyArea(callaoStudyArea());
const { grid, mask, validCells, districtOfCell } = gridForArea(area, { cellSize: 150 });
const { rows, cols } = grid;
const n = rows * cols;
const districts = area.def.districts.length;

/**
 * A skewed surface: background 0.002 per cell plus 60 Gaussian hotspots (heavy-tailed strength,
 * 1–5 cells wide), scaled to `perTurno` expected crimes over the grid. Every valid cell is > 0, so
 * no candidate is pruned: the slowest case for the planner.
 */
function surface(seed: number): Float64Array {
  const rand = mulberry32(seed);
  const value = new Float64Array(n);
  let total = 0;
  const spots = Array.from({ length: 60 }, () => ({
    r: rand() * rows,
    c: rand() * cols,
    s: 0.02 / (1 - rand()) ** 0.5,
    w: 1 + rand() * 4,
  }));
  for (let c = 0; c < n; c++) {
    if (mask[c] !== 1) continue;
    const row = Math.floor(c / cols);
    const col = c % cols;
    let v = 0.002;
    for (const h of spots) {
      const d2 = (row - h.r) ** 2 + (col - h.c) ** 2;
      if (d2 < 36 * h.w * h.w) v += h.s * Math.exp(-d2 / (2 * h.w * h.w));
    }
    value[c] = v;
    total += v;
  }
  for (let c = 0; c < n; c++) value[c] = ((value[c] as number) * perTurno) / total;
  return value;
}

/** Units per district in proportion to expected crime (largest remainder), over all turnos. */
function spread(surfaces: Float64Array[]): number[] {
  const risk = new Float64Array(districts);
  for (const v of surfaces)
    for (let c = 0; c < n; c++) {
      const d = districtOfCell[c] as number;
      if (d >= 0) risk[d] = (risk[d] as number) + (v[c] as number);
    }
  const total = risk.reduce((a, b) => a + b, 0);
  const exact = Array.from(risk, (r) => (totalUnits * r) / total);
  const units = exact.map(Math.floor);
  const order = exact
    .map((e, d) => ({ d, rest: e - Math.floor(e) }))
    .sort((a, b) => b.rest - a.rest || a.d - b.d);
  let left = totalUnits - units.reduce((a, b) => a + b, 0);
  for (const { d } of order) {
    if (left-- <= 0) break;
    units[d] = (units[d] as number) + 1;
  }
  return units;
}

const surfaces = Array.from({ length: turnos }, (_, t) => surface(1000 + t));
const units = spread(surfaces);
console.log(
  `Callao 150 m: ${rows} × ${cols}, ${validCells} valid cells, ${districts} districts, units ${units.join('/')}, maxCells ${maxCells}`,
);

// One warm-up plan (JIT), not counted.
planPatrols({
  rows,
  cols,
  mask,
  value: surfaces[0] as Float64Array,
  sectorOfCell: districtOfCell,
  units,
  maxCells,
});

const plans: { seconds: number; areas: number; expectedCovered: number; shareOfGrid: number }[] = [];
const started = performance.now();
for (const value of surfaces) {
  const t0 = performance.now();
  const plan = planPatrols({ rows, cols, mask, value, sectorOfCell: districtOfCell, units, maxCells });
  plans.push({
    seconds: Number(((performance.now() - t0) / 1000).toFixed(3)),
    areas: plan.areas.length,
    expectedCovered: Number(plan.expectedCovered.toFixed(3)),
    shareOfGrid: Number(plan.shareOfGrid.toFixed(4)),
  });
}
const totalSeconds = Number(((performance.now() - started) / 1000).toFixed(3));
const result = {
  rows,
  cols,
  validCells,
  districts,
  units: Object.fromEntries(area.def.districts.map((d, i) => [d.name, units[i]])),
  maxCells,
  turnos,
  crimesPerTurno: perTurno,
  perTurno: plans,
  totalSeconds,
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    loadavg: loadavg().map((l) => Number(l.toFixed(2))),
    node: process.version,
  },
  date: new Date().toISOString(),
};
console.log(JSON.stringify(result, null, 2));
mkdirSync(new URL('out/', import.meta.url), { recursive: true });
writeFileSync(new URL('out/patrol.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
