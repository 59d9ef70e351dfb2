/**
 * Settings chosen on an earlier period: scores several settings of learned models (and naive) on
 * validation windows through the real harness, in one run, with refits every 28 days, and prints
 * pooled hit rates at 1, 2 and 5 % with the paired Wilcoxon p against naive. Used to choose the
 * Chicago settings on September–October 2018 (bench/README.md, "Learned models on Chicago").
 *
 *   VIGIA_DATA_DIR=… node --import tsx bench/learned-validation.bench.ts 2018-09-01 2018-11-01 \
 *     'gbt-grid={"trainDays":730,"trainStrideDays":6,"targetDays":14}' 'forest-grid={}'
 *
 * The area is `chicago` (or `area=ID` as the first argument, e.g. `area=chicago-ciudad`), the group
 * `violent` (edit for other data). Settings with `placeTypes` get the incidents' place types
 * (`modalidad`: Chicago's `loc_cat`), cut by the harness at each window.
 */
import { withStore } from '../src/cli/context.ts';
import { BacktestAccumulator } from '../src/evaluation/backtest/accumulate.ts';
import { type BacktestModel, runBacktest } from '../src/evaluation/backtest/runner.ts';
import { rollingWindows } from '../src/evaluation/backtest/windows.ts';
import { gridForArea } from '../src/geo/area-grid.ts';
import { getPredictor } from '../src/models/registry.ts';
import { areaFacts, getStudyArea } from '../src/services/areas.ts';
import { groupCategories } from '../src/services/backtest.ts';
import { loadEvents } from '../src/storage/events.ts';
import { loadPlaceTypes } from '../src/storage/place-types.ts';

const args = process.argv.slice(2);
const areaId = args[0]?.startsWith('area=') ? (args.shift() as string).slice(5) : 'chicago';
const [from, to, ...specs] = args;
await withStore(async (db) => {
  const area = await getStudyArea(db, areaId);
  const ag = gridForArea(area);
  const windows = rollingWindows(from!, to!, 'day', area.def.timeZone);
  const end = windows[windows.length - 1]!.end;
  const ev = (await loadEvents(db, { area: areaId, categories: groupCategories('violent'), to: end })).events;
  const all = (await loadEvents(db, { area: areaId, to: end })).events;
  const models: BacktestModel[] = [
    { name: 'naive-counts', module: getPredictor('naive-counts' as string), config: {} },
  ];
  for (const [i, spec] of specs.entries()) {
    const [kind, json] = spec.split('=');
    const module = getPredictor(kind!);
    models.push({
      name: `${kind}#${i}`,
      module,
      config: module.parseConfig(JSON.parse(json ?? '{}')),
      refitEveryDays: 28,
    } as never);
  }
  const placeTypes = models.some((m) => m.module.usesInputs?.(m.config).includes('placeTypes'))
    ? await loadPlaceTypes(db, { area: areaId, before: end })
    : undefined;
  const acc = new BacktestAccumulator(undefined, 1);
  const t0 = performance.now();
  await runBacktest(
    {
      events: ev,
      allEvents: all,
      area: areaFacts(area, ag),
      horizon: 'day',
      ...(placeTypes ? { placeTypes } : {}),
      grid: ag.grid,
      mask: ag.mask,
      windows,
      models,
      seed: 1,
    },
    (m, wi, s, o, ms) => acc.add(m, s, o, ms, wi),
  );
  const res = acc.results(
    models.map((m) => ({ name: m.name, kind: m.module.kind, config: m.config })),
    'naive-counts',
  );
  for (const r of res) {
    const pts = [0.01, 0.02, 0.05].map((c) =>
      r.curve.reduce((b, p) => (Math.abs(p.coverage - c) < Math.abs(b.coverage - c) ? p : b)),
    );
    console.log(
      r.name,
      pts
        .map((p) => `${(100 * p.hitRate).toFixed(1)}% (p=${p.pairedVsNaive?.pValue?.toFixed(4) ?? '-'})`)
        .join('  '),
      `${r.seconds.toFixed(0)} s`,
    );
  }
  console.log('specs', specs, 'seconds', ((performance.now() - t0) / 1000).toFixed(0));
});
