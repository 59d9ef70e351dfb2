/**
 * Builds the feature matrix of valid cells × forecast windows from an EventSet, without look-ahead:
 * every feature of a window is computed from `knownBefore(events, window.start)` — the harness cut —
 * so an event registered at or after the window start never changes it, even if it occurred before.
 *
 * Per window, one pass over the cut's events of the last `HORIZON_DAYS` days fills a grid-sized
 * count block per crime group and age bucket (the lags, nested, become running sums over buckets)
 * and a decayed-intensity block per half-life; spatial lags and near-repeat counts are box sums of
 * a summed-area table. No per-cell or per-event objects.
 */
import { ValidationError } from '../core/errors.ts';
import { type EventSet, knownBefore, lowerBound, occurredIn } from '../core/events.ts';
import { cellCount, cellOf, type GridSpec } from '../core/grid.ts';
import { CATEGORY_CODES, CRIME_GROUPS, type CrimeCategory } from '../core/taxonomy.ts';
import { assertTimeZone, localToUtc, utcToLocal } from '../core/time.ts';
import { assertHolidayCountry, type HolidayCountry, isHoliday } from './holidays.ts';
import type {
  CellFeatureBlock,
  FeatureColumnSpec,
  FeatureMatrix,
  FeatureSchema,
  FeatureSettings,
} from './matrix.ts';

const DAY_MS = 86_400_000;

/** Lags of the per-cell counts, days ending at the window start. */
export const LAGS_DAYS = [1, 7, 30, 90, 365] as const;
/** Lags whose counts also get spatial lags (the 8 neighbours, and the 16 cells of the ring two steps away). */
export const RING_LAGS_DAYS = [7, 30, 365] as const;
/** Near-repeat: events in this many days in the cell or its 8 neighbours. */
export const NEAR_REPEAT_DAYS = 3;
/** Half-lives of the exponentially decayed intensities, days. */
export const HALF_LIVES_DAYS = [7, 30] as const;
/** Lags beyond the horizon, days, counted with `allHistory` (the middle ground between a year and all of it). */
export const LONG_LAGS_DAYS = [730, 1825] as const;
/** Weight, in events, of the area's hour share in a cell's hour share (shrinkage of sparse cells). */
export const HOUR_PRIOR_EVENTS = 5;
/** The oldest events looked at (the longest lag); the decayed intensities are truncated there too. */
export const HORIZON_DAYS = 365;

export type CrimeGroup = keyof typeof CRIME_GROUPS;

/** A forecast window, [start, end) in ms since the epoch. */
export interface FeatureWindow {
  readonly start: number;
  readonly end: number;
  /**
   * The time the features are computed at (default `start`; at most `start`): only events known
   * before it count, and ages are measured from it. A turno forecast made at the start of its day
   * uses the day's start for all four turnos.
   */
  readonly asOf?: number;
}

/** Input of {@link buildFeatures}. */
export interface FeatureInput {
  readonly events: EventSet;
  readonly grid: GridSpec;
  /** 1 for the grid's valid cells (rows of the matrix), per grid cell. */
  readonly mask: ArrayLike<number>;
  readonly windows: readonly FeatureWindow[];
  /** The study area's IANA time zone (calendar features). */
  readonly timeZone: string;
  /** Holiday calendar of the area's country; without it there is no holiday column. */
  readonly country?: string;
  /** District index of each grid cell (−1 for none); adds a `district` column. */
  readonly districtOfCell?: ArrayLike<number>;
  /** Crime groups to count (default: every group of the taxonomy). */
  readonly groups?: readonly CrimeGroup[];
  /** Adds the target column: events of this group that occurred in each cell and window. */
  readonly target?: CrimeGroup;
  /** Per-cell columns appended after the window columns (see {@link CellFeatureBlock}). */
  readonly cellBlocks?: readonly CellFeatureBlock[];
  /** Rows for these grid cells only (ascending, each valid in `mask`); default every valid cell. */
  readonly cells?: Int32Array;
  /** Adds `count.<group>.all`: every earlier event of the group in the cell, no horizon (default false). */
  readonly allHistory?: boolean;
  /**
   * Time-of-day columns (default true): `calendar.hour`, `window.hours`, and, per cell, the share of
   * the past year's events (of the target group, else of every group) whose local hour falls in the
   * window's hours — in the cell's 3 × 3 block (`hour.cellShare`, shrunk towards the area's share
   * with the weight of 5 events) and over the whole area (`hour.areaShare`). False: none of them.
   */
  readonly hourFeatures?: boolean;
  /** The group whose hour profile the hour columns use (default the target, else every group). */
  readonly profileGroup?: CrimeGroup;
}

/**
 * The feature matrix of `input`. Deterministic: the same input gives the same bytes.
 * @throws ValidationError for a bad window, mask, district array, group, country or time zone
 */
export function buildFeatures(input: FeatureInput): FeatureMatrix {
  const { events, grid, mask, windows, timeZone } = input;
  const n = cellCount(grid);
  assertTimeZone(timeZone);
  if (mask.length !== n)
    throw new ValidationError('mask', `la máscara tiene ${mask.length} celdas, la grilla ${n}`);
  if (input.districtOfCell && input.districtOfCell.length !== n)
    throw new ValidationError(
      'districtOfCell',
      `el distrito por celda tiene ${input.districtOfCell.length} valores, la grilla ${n} celdas`,
    );
  windows.forEach((w, i) => {
    if (!(Number.isFinite(w.start) && Number.isFinite(w.end) && w.start < w.end))
      throw new ValidationError(`windows[${i}]`, 'ventana inválida: se espera inicio < fin (ms finitos)');
    if (w.asOf !== undefined && !(Number.isFinite(w.asOf) && w.asOf <= w.start))
      throw new ValidationError(
        `windows[${i}].asOf`,
        'el momento de cálculo debe ser finito y no posterior al inicio',
      );
  });
  const hourFeatures = input.hourFeatures ?? true;
  const allHistory = input.allHistory ?? false;
  const groups = input.groups ?? (Object.keys(CRIME_GROUPS) as CrimeGroup[]);
  for (const g of [
    ...groups,
    ...(input.target ? [input.target] : []),
    ...(input.profileGroup ? [input.profileGroup] : []),
  ])
    if (!Object.hasOwn(CRIME_GROUPS, g))
      throw new ValidationError(
        'group',
        `grupo de delitos desconocido "${g}" (use: ${Object.keys(CRIME_GROUPS).join(', ')})`,
      );
  let country: HolidayCountry | null = null;
  if (input.country !== undefined) {
    assertHolidayCountry(input.country);
    country = input.country;
  }

  const cells = input.cells ?? Int32Array.from({ length: n }, (_, c) => c).filter((c) => mask[c] === 1);
  cells.forEach((c, k) => {
    if (!(c >= 0 && c < n && mask[c] === 1 && (k === 0 || c > (cells[k - 1] as number))))
      throw new ValidationError(`cells[${k}]`, 'celda fuera de la máscara o lista no ascendente');
  });
  const K = cells.length;
  let schema = buildSchema({
    groups,
    lagsDays: LAGS_DAYS,
    ringLagsDays: RING_LAGS_DAYS,
    nearRepeatDays: NEAR_REPEAT_DAYS,
    halfLivesDays: HALF_LIVES_DAYS,
    horizonDays: HORIZON_DAYS,
    timeZone,
    country,
    district: input.districtOfCell !== undefined,
    allHistory,
    hourFeatures,
  });
  const blocks = input.cellBlocks ?? [];
  blocks.forEach((b, bi) => {
    if (b.columns.length !== b.values.length)
      throw new ValidationError(
        `cellBlocks[${bi}]`,
        `${b.columns.length} columnas descritas y ${b.values.length} arreglos de valores`,
      );
    b.values.forEach((v, vi) => {
      if (v.length !== n)
        throw new ValidationError(
          `cellBlocks[${bi}].values[${vi}]`,
          `${v.length} valores, la grilla tiene ${n} celdas`,
        );
    });
  });
  const blockValues = blocks.flatMap((b) => b.values);
  if (blocks.length > 0) {
    const all = [...schema.columns, ...blocks.flatMap((b) => b.columns)];
    const seen = new Set<string>();
    for (const c of all) {
      if (seen.has(c.name)) throw new ValidationError('cellBlocks', `columna repetida "${c.name}"`);
      seen.add(c.name);
    }
    schema = Object.freeze({ ...schema, columns: all });
  }
  const rows = K * windows.length;
  const columns = schema.columns.map(() => new Float32Array(rows));
  const target = input.target ? new Float32Array(rows) : null;

  // Category index → bit set of the groups it belongs to.
  const groupBits = new Uint32Array(CATEGORY_CODES.length);
  groups.forEach((g, gi) => {
    for (const cat of CRIME_GROUPS[g] as readonly CrimeCategory[])
      groupBits[CATEGORY_CODES.indexOf(cat)] = (groupBits[CATEGORY_CODES.indexOf(cat)] as number) | (1 << gi);
  });
  const targetBits = new Uint8Array(CATEGORY_CODES.length);
  if (input.target)
    for (const cat of CRIME_GROUPS[input.target] as readonly CrimeCategory[])
      targetBits[CATEGORY_CODES.indexOf(cat)] = 1;

  // Age buckets: the lags and the near-repeat span, ascending and distinct; bucket j holds events
  // with age in (edge[j-1], edge[j]] days, so a lag's count is the running sum up to its bucket.
  const edges = [...new Set([...LAGS_DAYS, ...RING_LAGS_DAYS, NEAR_REPEAT_DAYS])].sort((a, b) => a - b);
  const J = edges.length;
  const edgeMs = Float64Array.from(edges, (d) => d * DAY_MS);
  const G = groups.length;
  const H = HALF_LIVES_DAYS.length;
  const counts = new Int32Array(G * J * n);
  const decay = new Float64Array(G * H * n);
  const decayRate = Float64Array.from(HALF_LIVES_DAYS, (h) => Math.LN2 / (h * DAY_MS));
  const perCell = new Int32Array(input.target ? n : 0);
  const sat = new Float64Array((grid.rows + 1) * (grid.cols + 1));
  const box1 = boxCorners(grid, cells, 1);
  const box2 = boxCorners(grid, cells, 2);
  const weights = new Float64Array(H);

  // Hour profile: which categories it counts, the events per local hour and cell, and a cache of
  // local hours by UTC hour (time-zone offsets change rarely; Intl is slow).
  const profiled = input.profileGroup ?? input.target;
  const profileCats = new Set<string>(profiled ? (CRIME_GROUPS[profiled] as readonly string[]) : []);
  const profileBits = Uint8Array.from(CATEGORY_CODES, (code, ci) =>
    profiled ? (profileCats.has(code) ? 1 : 0) : (groupBits[ci] as number) !== 0 ? 1 : 0,
  );
  const hourCounts = new Int32Array(hourFeatures ? 24 * n : 0);
  const inHours = new Int32Array(hourFeatures ? n : 0);
  const totals = new Int32Array(hourFeatures ? n : 0);
  const sat2 = new Float64Array(hourFeatures ? (grid.rows + 1) * (grid.cols + 1) : 0);
  const localHourOf = localHourCache(timeZone);
  const older = new Int32Array(allHistory ? G * n : 0);
  // Events older than the horizon but within each long lag (nested: 730 d ⊂ 1825 d), per group.
  const olderLong = new Int32Array(allHistory ? G * LONG_LAGS_DAYS.length * n : 0);
  const longMs = Float64Array.from(LONG_LAGS_DAYS, (d) => d * DAY_MS);
  const allBlock = new Int32Array(allHistory ? n : 0);
  // With both: events per local hour and cell older than the horizon (the all-history hour counts).
  const hourAll = hourFeatures && allHistory;
  const hourCountsOld = new Int32Array(hourAll ? 24 * n : 0);
  const inHoursAll = new Int32Array(hourAll ? n : 0);

  windows.forEach((w, wi) => {
    const base = wi * K;
    const at = w.asOf ?? w.start;
    const cut = knownBefore(events, at);
    counts.fill(0);
    decay.fill(0);
    hourCounts.fill(0);
    const from = lowerBound(cut.t, at - HORIZON_DAYS * DAY_MS);
    if (allHistory) {
      older.fill(0);
      olderLong.fill(0);
      hourCountsOld.fill(0);
      const L = LONG_LAGS_DAYS.length;
      for (let i = 0; i < from; i++) {
        const bits = groupBits[cut.category[i] as number] as number;
        const profiled = hourAll && profileBits[cut.category[i] as number] === 1;
        if (bits === 0 && !profiled) continue;
        const c = cellOf(grid, cut.x[i] as number, cut.y[i] as number);
        if (c < 0) continue;
        if (profiled) {
          const slot = localHourOf(cut.t[i] as number) * n + c;
          hourCountsOld[slot] = (hourCountsOld[slot] as number) + 1;
        }
        const age = at - (cut.t[i] as number);
        for (let g = 0; g < G; g++) {
          if ((bits & (1 << g)) === 0) continue;
          older[g * n + c] = (older[g * n + c] as number) + 1;
          for (let l = 0; l < L; l++)
            if (age <= (longMs[l] as number))
              olderLong[(g * L + l) * n + c] = (olderLong[(g * L + l) * n + c] as number) + 1;
        }
      }
    }
    for (let i = from; i < cut.length; i++) {
      const bits = groupBits[cut.category[i] as number] as number;
      const profiled = hourFeatures && profileBits[cut.category[i] as number] === 1;
      if (bits === 0 && !profiled) continue;
      const c = cellOf(grid, cut.x[i] as number, cut.y[i] as number);
      if (c < 0) continue;
      if (profiled) {
        const slot = localHourOf(cut.t[i] as number) * n + c;
        hourCounts[slot] = (hourCounts[slot] as number) + 1;
      }
      if (bits === 0) continue;
      const age = at - (cut.t[i] as number);
      let j = 0;
      while ((edgeMs[j] as number) < age) j++;
      for (let h = 0; h < H; h++) weights[h] = Math.exp(-(decayRate[h] as number) * age);
      for (let g = 0; g < G; g++) {
        if ((bits & (1 << g)) === 0) continue;
        const at = (g * J + j) * n + c;
        counts[at] = (counts[at] as number) + 1;
        for (let h = 0; h < H; h++) {
          const d = (g * H + h) * n + c;
          decay[d] = (decay[d] as number) + (weights[h] as number);
        }
      }
    }
    // Running sums over buckets: bucket j becomes "age ≤ edge[j]".
    for (let g = 0; g < G; g++)
      for (let j = 1; j < J; j++) {
        const cur = (g * J + j) * n;
        const prev = cur - n;
        for (let c = 0; c < n; c++)
          counts[cur + c] = (counts[cur + c] as number) + (counts[prev + c] as number);
      }

    let col = 0;
    const next = (): Float32Array => columns[col++] as Float32Array;
    for (let g = 0; g < G; g++) {
      const countAt = (days: number): number => (g * J + edges.indexOf(days)) * n;
      for (const L of LAGS_DAYS) copyCells(next(), base, cells, counts, countAt(L));
      for (const L of RING_LAGS_DAYS) {
        const off = countAt(L);
        fillSat(sat, counts, off, grid);
        writeRings(next(), next(), base, cells, counts, off, sat, box1, box2);
      }
      fillSat(sat, counts, countAt(NEAR_REPEAT_DAYS), grid);
      writeBoxes(next(), base, sat, box1);
      for (let h = 0; h < H; h++) copyCellsF64(next(), base, cells, decay, (g * H + h) * n);
      if (allHistory) {
        const last = countAt(HORIZON_DAYS);
        LONG_LAGS_DAYS.forEach((_, l) => {
          const out = next();
          const off = (g * LONG_LAGS_DAYS.length + l) * n;
          for (let k = 0; k < K; k++) {
            const c = cells[k] as number;
            out[base + k] = (olderLong[off + c] as number) + (counts[last + c] as number);
          }
        });
        for (let c = 0; c < n; c++) allBlock[c] = (older[g * n + c] as number) + (counts[last + c] as number);
        copyCells(next(), base, cells, allBlock, 0);
        fillSat(sat, allBlock, 0, grid);
        writeRings(next(), next(), base, cells, allBlock, 0, sat, box1, box2);
      }
    }
    const local = utcToLocal(w.start, timeZone);
    next().fill(local.weekday, base, base + K);
    next().fill(local.month, base, base + K);
    if (hourFeatures) {
      const hours = Math.min(24, Math.max(1, Math.round((w.end - w.start) / 3_600_000)));
      next().fill(local.hour, base, base + K);
      next().fill((w.end - w.start) / 3_600_000, base, base + K);
      inHours.fill(0);
      totals.fill(0);
      for (let h = 0; h < 24; h++) {
        const inside = (h - local.hour + 24) % 24 < hours;
        const off = h * n;
        for (let c = 0; c < n; c++) {
          const v = hourCounts[off + c] as number;
          if (v === 0) continue;
          totals[c] = (totals[c] as number) + v;
          if (inside) inHours[c] = (inHours[c] as number) + v;
        }
      }
      let areaIn = 0;
      let areaTotal = 0;
      for (let c = 0; c < n; c++) {
        areaIn += inHours[c] as number;
        areaTotal += totals[c] as number;
      }
      const areaShare = areaTotal > 0 ? areaIn / areaTotal : hours / 24;
      fillSat(sat, inHours, 0, grid);
      fillSat(sat2, totals, 0, grid);
      const cellShare = next();
      for (let k = 0; k < K; k++)
        cellShare[base + k] =
          (boxSum(sat, box1, k) + HOUR_PRIOR_EVENTS * areaShare) /
          (boxSum(sat2, box1, k) + HOUR_PRIOR_EVENTS);
      next().fill(areaShare, base, base + K);
      if (hourAll) {
        // Naive in the window's hours: every earlier event of the profile in those local hours.
        inHoursAll.fill(0);
        for (let h = 0; h < 24; h++) {
          if ((h - local.hour + 24) % 24 >= hours) continue;
          const off = h * n;
          for (let c = 0; c < n; c++)
            inHoursAll[c] =
              (inHoursAll[c] as number) +
              (hourCounts[off + c] as number) +
              (hourCountsOld[off + c] as number);
        }
        copyCells(next(), base, cells, inHoursAll, 0);
        fillSat(sat, inHoursAll, 0, grid);
        writeBoxes(next(), base, sat, box1);
      }
    }
    if (country) next().fill(holidayDaysIn(w, local, country, timeZone), base, base + K);
    if (input.districtOfCell) {
      const district = input.districtOfCell;
      const out = next();
      for (let k = 0; k < K; k++) out[base + k] = district[cells[k] as number] as number;
    }
    for (const block of blockValues) {
      const out = next();
      for (let k = 0; k < K; k++) out[base + k] = block[cells[k] as number] as number;
    }

    if (target) {
      const outcome = occurredIn(events, w.start, w.end);
      perCell.fill(0);
      for (let i = 0; i < outcome.length; i++) {
        if (targetBits[outcome.category[i] as number] === 0) continue;
        const c = cellOf(grid, outcome.x[i] as number, outcome.y[i] as number);
        if (c >= 0) perCell[c] = (perCell[c] as number) + 1;
      }
      for (let k = 0; k < K; k++) target[base + k] = perCell[cells[k] as number] as number;
    }
  });
  return Object.freeze({ schema, cells, windowCount: windows.length, rows, columns, target });
}

/** The columns, in the order {@link buildFeatures} writes them. */
function buildSchema(settings: FeatureSettings): FeatureSchema {
  const columns: FeatureColumnSpec[] = [];
  for (const g of settings.groups) {
    for (const L of settings.lagsDays)
      columns.push({
        name: `count.${g}.${L}d`,
        kind: 'count',
        unit: 'events',
        description: `events of group ${g} in the cell that occurred in the ${L} days before the window start`,
      });
    for (const L of settings.ringLagsDays) {
      columns.push({
        name: `ring8.${g}.${L}d`,
        kind: 'ring',
        unit: 'events',
        description: `events of group ${g} in the 8 neighbouring cells, last ${L} days`,
      });
      columns.push({
        name: `ring16.${g}.${L}d`,
        kind: 'ring',
        unit: 'events',
        description: `events of group ${g} in the 16 cells two steps away (the 5 × 5 block minus the 3 × 3), last ${L} days`,
      });
    }
    columns.push({
      name: `nearRepeat.${g}.${settings.nearRepeatDays}d`,
      kind: 'near-repeat',
      unit: 'events',
      description: `events of group ${g} in the cell and its 8 neighbours, last ${settings.nearRepeatDays} days`,
    });
    for (const h of settings.halfLivesDays)
      columns.push({
        name: `decay.${g}.h${h}d`,
        kind: 'decay',
        unit: 'weighted events',
        description: `events of group ${g} in the cell weighted 2^(−age / ${h} days), last ${settings.horizonDays} days`,
      });
    if (settings.allHistory)
      columns.push(
        ...LONG_LAGS_DAYS.map((L) => ({
          name: `count.${g}.${L}d`,
          kind: 'count' as const,
          unit: 'events',
          description: `events of group ${g} in the cell that occurred in the ${L} days before the window start`,
        })),
        {
          name: `count.${g}.all`,
          kind: 'count',
          unit: 'events',
          description: `every event of group ${g} in the cell known before the window (no horizon)`,
        },
        {
          name: `ring8.${g}.all`,
          kind: 'ring',
          unit: 'events',
          description: `every earlier event of group ${g} in the 8 neighbouring cells (no horizon)`,
        },
        {
          name: `ring16.${g}.all`,
          kind: 'ring',
          unit: 'events',
          description: `every earlier event of group ${g} in the 16 cells two steps away (no horizon)`,
        },
      );
  }
  columns.push(
    {
      name: 'calendar.dayOfWeek',
      kind: 'calendar',
      unit: 'day of week (1 = Monday … 7 = Sunday)',
      description: 'local day of week of the window start',
    },
    {
      name: 'calendar.month',
      kind: 'calendar',
      unit: 'month (1–12)',
      description: 'local month of the window start',
    },
  );
  if (settings.hourFeatures !== false)
    columns.push(
      {
        name: 'calendar.hour',
        kind: 'calendar',
        unit: 'hour (0–23)',
        description:
          'local hour of the window start (the turno band start for shift windows, 0 for days and weeks)',
      },
      {
        name: 'window.hours',
        kind: 'calendar',
        unit: 'hours',
        description: 'length of the window (24 for a day, 6 for a turno)',
      },
      {
        name: 'hour.cellShare',
        kind: 'hour-profile',
        unit: 'share (0–1)',
        description: `share of the past year's events in the cell's 3 × 3 block whose local hour is in the window's hours, shrunk towards the area's share with the weight of ${HOUR_PRIOR_EVENTS} events`,
      },
      {
        name: 'hour.areaShare',
        kind: 'hour-profile',
        unit: 'share (0–1)',
        description:
          "share of the past year's events in the whole grid whose local hour is in the window's hours",
      },
      ...(settings.allHistory
        ? [
            {
              name: 'hour.count.all',
              kind: 'hour-profile' as const,
              unit: 'events',
              description:
                "every earlier event (of the target group, else of every group) in the cell whose local hour is in the window's hours (no horizon)",
            },
            {
              name: 'hour.block.all',
              kind: 'hour-profile' as const,
              unit: 'events',
              description:
                "every earlier event (of the target group, else of every group) in the cell's 3 × 3 block whose local hour is in the window's hours (no horizon)",
            },
          ]
        : []),
    );
  if (settings.country)
    columns.push({
      name: 'calendar.holiday',
      kind: 'calendar',
      unit: 'days',
      description: `national holidays of ${settings.country} among the local days the window covers (0 or 1 for day and turno windows)`,
    });
  if (settings.district)
    columns.push({
      name: 'district',
      kind: 'district',
      unit: 'index (−1 = none)',
      description: 'district index of the cell in the study area',
    });
  return Object.freeze({ version: 1, columns, settings });
}

/** Holidays among the local days that [start, end) touches. */
function holidayDaysIn(
  w: FeatureWindow,
  first: { year: number; month: number; day: number },
  country: HolidayCountry,
  timeZone: string,
): number {
  let count = 0;
  let d = Date.UTC(first.year, first.month - 1, first.day);
  let nextMidnight: number;
  do {
    const day = new Date(d);
    if (isHoliday(country, day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate())) count++;
    d += DAY_MS;
    const next = new Date(d);
    nextMidnight = localToUtc(
      {
        year: next.getUTCFullYear(),
        month: next.getUTCMonth() + 1,
        day: next.getUTCDate(),
        hour: 0,
        minute: 0,
        second: 0,
      },
      timeZone,
    );
  } while (nextMidnight < w.end);
  return count;
}

/** Summed-area table of one grid-sized block of `values` (offset `off`), (rows+1) × (cols+1). */
function fillSat(sat: Float64Array, values: Int32Array, off: number, grid: GridSpec): void {
  const W = grid.cols + 1;
  for (let r = 0; r < grid.rows; r++) {
    let rowSum = 0;
    for (let c = 0; c < grid.cols; c++) {
      rowSum += values[off + r * grid.cols + c] as number;
      sat[(r + 1) * W + c + 1] = (sat[r * W + c + 1] as number) + rowSum;
    }
  }
}

/**
 * For each cell, the four summed-area-table indices of the (2·radius + 1)² block centred on it,
 * clipped to the grid: sum = sat[i0] − sat[i1] − sat[i2] + sat[i3].
 */
function boxCorners(grid: GridSpec, cells: Int32Array, radius: number): Int32Array {
  const W = grid.cols + 1;
  const out = new Int32Array(cells.length * 4);
  cells.forEach((cell, k) => {
    const col = cell % grid.cols;
    const row = (cell - col) / grid.cols;
    const r0 = Math.max(0, row - radius);
    const c0 = Math.max(0, col - radius);
    const r1 = Math.min(grid.rows, row + radius + 1);
    const c1 = Math.min(grid.cols, col + radius + 1);
    out.set([r1 * W + c1, r0 * W + c1, r1 * W + c0, r0 * W + c0], k * 4);
  });
  return out;
}

/** Sum over the block of cell number `k` (see {@link boxCorners}). */
function boxSum(sat: Float64Array, corners: Int32Array, k: number): number {
  const i = k * 4;
  return (
    (sat[corners[i] as number] as number) -
    (sat[corners[i + 1] as number] as number) -
    (sat[corners[i + 2] as number] as number) +
    (sat[corners[i + 3] as number] as number)
  );
}

/** The 8-neighbour and 24-cell ring sums of one count block (whose table is in `sat`). */
function writeRings(
  ring8: Float32Array,
  ring16: Float32Array,
  base: number,
  cells: Int32Array,
  counts: Int32Array,
  off: number,
  sat: Float64Array,
  box1: Int32Array,
  box2: Int32Array,
): void {
  for (let k = 0; k < cells.length; k++) {
    const b1 = boxSum(sat, box1, k);
    ring8[base + k] = b1 - (counts[off + (cells[k] as number)] as number);
    ring16[base + k] = boxSum(sat, box2, k) - b1;
  }
}

/** out[base + k] = the block sum around valid cell k. */
function writeBoxes(out: Float32Array, base: number, sat: Float64Array, corners: Int32Array): void {
  const K = corners.length / 4;
  for (let k = 0; k < K; k++) out[base + k] = boxSum(sat, corners, k);
}

/** out[base + k] = block[off + cells[k]] for every valid cell. */
function copyCells(out: Float32Array, base: number, cells: Int32Array, block: Int32Array, off: number): void {
  for (let k = 0; k < cells.length; k++) out[base + k] = block[off + (cells[k] as number)] as number;
}

/** {@link copyCells} for a Float64 block (kept apart so each stays monomorphic). */
function copyCellsF64(
  out: Float32Array,
  base: number,
  cells: Int32Array,
  block: Float64Array,
  off: number,
): void {
  for (let k = 0; k < cells.length; k++) out[base + k] = block[off + (cells[k] as number)] as number;
}

/** Local hour (0–23) of an instant, cached by UTC hour: `Intl` runs once per distinct hour. */
function localHourCache(timeZone: string): (t: number) => number {
  const cache = new Map<number, number>();
  return (t: number): number => {
    const key = Math.floor(t / 3_600_000);
    let h = cache.get(key);
    if (h === undefined) {
      h = utcToLocal(key * 3_600_000, timeZone).hour;
      cache.set(key, h);
    }
    return h;
  };
}
