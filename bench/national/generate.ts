/**
 * The national simulation's data (issue 15, bench/national.bench.ts): `areas` provinces laid out
 * over Peru as bbox study areas (≈ 8,000 cells of 150 m each), and per province one SIDPOL geo-layer
 * CSV (the columns ingest requires, plus turno) streamed to a folder outside the repository.
 *
 * Structure, seeded (mulberry32): each province has hotspots (Gaussian, 80–400 m) of two kinds —
 * property hotspots (hurto, robo, estafa, extorsión) and violence hotspots (lesiones, violencia
 * familiar, homicidio, drogas, armas, sexual) —, a uniform background share, the synthetic
 * generator's hour-of-day and weekday profiles and its seasonality; provinces differ in size
 * (incidents ∝ a lognormal weight). One row in every `REJECT_EVERY` has an unreadable date: the
 * declared rejects that ingest must refuse.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../../src/core/random.ts';
import { turnoOfHour } from '../../src/core/time.ts';
import { type StudyAreaDef, studyAreaFromBbox } from '../../src/geo/study-area.ts';
import {
  HOUR_PROFILE,
  SEASONALITY,
  SYNTHETIC_TAXONOMY,
  type SyntheticKind,
  WEEKDAY_PROFILE,
} from '../../src/synthetic/generator.ts';

/** One row in this many has a bad date (declared rejects). */
export const REJECT_EVERY = 10_000;
/** Side of a province's bbox, metres: 90 × 90 cells of 150 m ≈ 8,100 cells. */
export const PROVINCE_SIDE_M = 13_500;

/** Crime kinds with their shares and whether property hotspots (else violence hotspots) draw them. */
const KINDS: readonly { kind: SyntheticKind; share: number; property: boolean }[] = [
  { kind: 'hurto', share: 0.33, property: true },
  { kind: 'robo', share: 0.2, property: true },
  { kind: 'estafa', share: 0.06, property: true },
  { kind: 'extorsion', share: 0.04, property: true },
  { kind: 'violencia_familiar', share: 0.18, property: false },
  { kind: 'lesiones', share: 0.09, property: false },
  { kind: 'drogas', share: 0.04, property: false },
  { kind: 'homicidio', share: 0.02, property: false },
  { kind: 'sexual', share: 0.02, property: false },
  { kind: 'armas', share: 0.02, property: false },
];
const HOTSPOT_SHARE = 0.6;

/** A province: its study area and how many incidents it gets. */
export interface Province {
  def: StudyAreaDef;
  incidents: number;
}

/** Provinces on a lattice over Peru (lon −80…−70, lat −17…−4), incidents split by seeded weights. */
export function provinces(areas: number, incidents: number, seed = 15): Province[] {
  const u = mulberry32(seed);
  const cols = Math.ceil(Math.sqrt(areas));
  const weights = Array.from({ length: areas }, () => Math.exp(0.6 * normal(u)));
  const total = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.floor((incidents * w) / total));
  counts[0] = (counts[0] as number) + incidents - counts.reduce((a, b) => a + b, 0);
  return counts.map((n, i) => {
    const lat = -17 + (13 * Math.floor(i / cols)) / Math.max(1, Math.ceil(areas / cols) - 1 || 1);
    const lon = -80 + (10 * (i % cols)) / Math.max(1, cols - 1);
    const dLat = PROVINCE_SIDE_M / 111_320;
    const dLon = PROVINCE_SIDE_M / (111_320 * Math.cos((lat * Math.PI) / 180));
    const id = `prov-${String(i + 1).padStart(3, '0')}`;
    return {
      def: studyAreaFromBbox(id, [lon, lat, lon + dLon, lat + dLat], {
        timeZone: 'America/Lima',
        name: `Provincia sintética ${i + 1}`,
      }),
      incidents: n,
    };
  });
}

function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Cumulative distribution of weights, for drawing an index with one uniform. */
function cdf(w: readonly number[]): Float64Array {
  const c = new Float64Array(w.length);
  let s = 0;
  for (let i = 0; i < w.length; i++) c[i] = s += w[i] as number;
  for (let i = 0; i < c.length; i++) c[i] = (c[i] as number) / s;
  return c;
}
function draw(c: Float64Array, r: number): number {
  let lo = 0;
  let hi = c.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((c[mid] as number) < r) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A CSV field, quoted when it holds a comma or a quote (RFC 4180). */
const csvField = (v: string): string => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

const COLUMNS =
  'objectid,fecha_hora_hecho,ubigeo_hecho_delito,tipo_hecho,subtipo_hecho,modalidad_hecho,turno_hecho,lat_hecho,long_hecho\n';

/** What one province's file holds. */
export interface ProvinceFile {
  area: string;
  file: string;
  rows: number;
  /** Rows written with an unreadable date. */
  rejects: number;
}

/**
 * Writes one province's CSV: `days` days ending the day before `endDay` (UTC date arithmetic on
 * local days), seeded by the province's index.
 */
export function writeProvince(
  p: Province,
  index: number,
  dir: string,
  o: { endDay: string; days: number },
): ProvinceFile {
  const u = mulberry32(1000 + index);
  // Points are drawn 1e-5° (≈ 1 m) inside the bbox: rounding to 6 decimals never moves one out.
  const [minLon, minLat, maxLon, maxLat] = (p.def.bbox as readonly number[]).map(
    (v, i) => v + (i < 2 ? 1e-5 : -1e-5),
  ) as [number, number, number, number];
  const mPerLat = 111_320;
  const mPerLon = 111_320 * Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  // Hotspots: centres away from the edge, sizes and weights drawn per province.
  const spots = (n: number) =>
    Array.from({ length: n }, () => ({
      lon: minLon + (0.1 + 0.8 * u()) * (maxLon - minLon),
      lat: minLat + (0.1 + 0.8 * u()) * (maxLat - minLat),
      sigma: 80 + 320 * u(),
      w: Math.exp(normal(u)),
    }));
  const property = spots(18);
  const violence = spots(12);
  const propCdf = cdf(property.map((s) => s.w));
  const violCdf = cdf(violence.map((s) => s.w));
  const kindCdf = cdf(KINDS.map((k) => k.share));
  const labels = KINDS.map((k) => {
    const l = SYNTHETIC_TAXONOMY[k.kind][0];
    if (!l) throw new Error(`no labels for ${k.kind}`);
    return [l.tipo, l.subtipo, l.modalidad].map(csvField).join(',');
  });
  // Days: weekday profile × seasonality; the day prefixes are formatted once.
  const end = Date.parse(`${o.endDay}T00:00:00Z`);
  const dayText: string[] = [];
  const dayW: number[] = [];
  for (let d = o.days; d >= 1; d--) {
    const t = new Date(end - d * 86_400_000);
    const iso = t.toISOString().slice(0, 10);
    dayText.push(`${iso} `);
    const doy = (t.getTime() - Date.UTC(t.getUTCFullYear(), 0, 1)) / 86_400_000;
    const season =
      1 + SEASONALITY.amplitude * Math.cos((2 * Math.PI * (doy - SEASONALITY.peakDayOfYear)) / 365.25);
    dayW.push((WEEKDAY_PROFILE[(t.getUTCDay() + 6) % 7] as number) * season);
  }
  const dayCdf = cdf(dayW);
  const hourCdf = cdf(HOUR_PROFILE);
  const hourText = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:`);
  const minuteText = Array.from({ length: 60 }, (_, m) => `${String(m).padStart(2, '0')}:00`);
  const turnoText = Array.from({ length: 24 }, (_, h) => turnoOfHour(h));

  const file = join(dir, `${p.def.id}.csv`);
  const fd = openSync(file, 'w');
  let rejects = 0;
  try {
    writeSync(fd, COLUMNS);
    let buf: string[] = [];
    for (let i = 0; i < p.incidents; i++) {
      const k = draw(kindCdf, u());
      let lon: number;
      let lat: number;
      if (u() < HOTSPOT_SHARE) {
        const set = (KINDS[k] as { property: boolean }).property ? property : violence;
        const s = set[draw(set === property ? propCdf : violCdf, u())] as (typeof property)[number];
        lon = s.lon + (normal(u) * s.sigma) / mPerLon;
        lat = s.lat + (normal(u) * s.sigma) / mPerLat;
        if (lon < minLon || lon > maxLon || lat < minLat || lat > maxLat) {
          lon = minLon + u() * (maxLon - minLon);
          lat = minLat + u() * (maxLat - minLat);
        }
      } else {
        lon = minLon + u() * (maxLon - minLon);
        lat = minLat + u() * (maxLat - minLat);
      }
      const h = draw(hourCdf, u());
      const bad = i % REJECT_EVERY === REJECT_EVERY - 1;
      if (bad) rejects++;
      const when = bad
        ? 'sin fecha'
        : `${dayText[draw(dayCdf, u())]}${hourText[h]}${minuteText[Math.floor(u() * 60)]}`;
      buf.push(
        `${p.def.id}-${i},${when},,${labels[k]},${turnoText[h]},${lat.toFixed(6)},${lon.toFixed(6)}\n`,
      );
      if (buf.length === 20_000) {
        writeSync(fd, buf.join(''));
        buf = [];
      }
    }
    if (buf.length > 0) writeSync(fd, buf.join(''));
  } finally {
    closeSync(fd);
  }
  return { area: p.def.id, file, rows: p.incidents, rejects };
}
