/**
 * Scenario-curve benchmark (issue 12, the officials' scenario tool): the Callao grid at 150 m, the
 * seven districts as sectors, the skewed seeded surface of bench/patrol.bench.ts, plans for
 * 0 … N units in every district. Compares one candidate enumeration reused for every unit count
 * (`patrolPlanner`, what services/patrol-accountability.ts does) with a fresh `planPatrols` per
 * unit count, checks both give the same coverage, and reports seconds and the machine.
 *
 *   node --import tsx bench/patrol-scenario.bench.ts [--max-units 30] [--max-cells 4]
 *
 * Results are recorded in bench/README.md ("Patrol scenarios").
 */
import { cpus, loadavg } from 'node:os';
import { mulberry32 } from '../src/core/random.ts';
import { gridForArea } from '../src/geo/area-grid.ts';
import { compileStudyArea } from '../src/geo/study-area.ts';
import { patrolPlanner, planPatrols } from '../src/prevention/patrol-plan.ts';
import { callaoStudyArea } from '../src/services/areas.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const maxUnits = arg('max-units', 30);
const maxCells = arg('max-cells', 4);

const area = compileStudyArea(callaoStudyArea());
const { grid, mask, validCells, districtOfCell } = gridForArea(area, { cellSize: 150 });
const { rows, cols } = grid;
const n = rows * cols;
const districts = area.def.districts.length;

// The surface of bench/patrol.bench.ts (seed 1000): every valid cell > 0, the slowest case.
const rand = mulberry32(1000);
const value = new Float64Array(n);
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
}
const input = { rows, cols, mask, value, sectorOfCell: districtOfCell, maxCells };
const all = (u: number) => Array.from({ length: districts }, () => u);

let t0 = performance.now();
const planner = patrolPlanner({ ...input, units: all(1) });
const enumerated = (performance.now() - t0) / 1000;
const reused: number[] = [];
for (let u = 0; u <= maxUnits; u++) reused.push(planner.plan(all(u)).expectedCovered);
const reusedSeconds = (performance.now() - t0) / 1000;

t0 = performance.now();
const fresh: number[] = [];
for (let u = 0; u <= maxUnits; u++) fresh.push(planPatrols({ ...input, units: all(u) }).expectedCovered);
const freshSeconds = (performance.now() - t0) / 1000;

const same = reused.every((v, i) => v === fresh[i]);
console.log(
  JSON.stringify(
    {
      rows,
      cols,
      validCells,
      districts,
      maxCells,
      unitCounts: maxUnits + 1,
      candidates: planner.candidates,
      reused: {
        seconds: Number(reusedSeconds.toFixed(2)),
        enumerationSeconds: Number(enumerated.toFixed(2)),
      },
      fresh: { seconds: Number(freshSeconds.toFixed(2)) },
      sameCoverage: same,
      shareAtMax: Number(((reused[maxUnits] as number) / value.reduce((a, b) => a + b, 0)).toFixed(4)),
      machine: {
        cpus: cpus().length,
        loadavg: loadavg().map((l) => Number(l.toFixed(2))),
        node: process.version,
      },
    },
    null,
    2,
  ),
);
