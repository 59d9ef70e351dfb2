import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifySidpol } from '../core/taxonomy.ts';
import { compileStudyArea, type StudyArea, studyAreaFromGeoJson } from '../geo/study-area.ts';
import {
  DEFAULT_SYNTHETIC_OPTIONS,
  DISTRICT_PROFILES,
  districtKindShares,
  generateSynthetic,
  resolveSyntheticOptions,
  SIDPOL_GEO_COLUMNS,
  type SidpolGeoRow,
  SYNTHETIC_COMISARIAS,
  SYNTHETIC_HOTSPOTS,
  SYNTHETIC_KINDS,
  SYNTHETIC_TAXONOMY,
  type SyntheticKind,
  type SyntheticResult,
} from './generator.ts';

const DAY_MS = 86_400_000;

function callao(): StudyArea {
  const geojson = JSON.parse(readFileSync('assets/callao/districts.geojson', 'utf8'));
  return compileStudyArea(
    studyAreaFromGeoJson('callao', geojson, {
      name: 'Callao',
      timeZone: 'America/Lima',
      districtField: 'ubigeo',
      nameField: 'name',
    }),
  );
}

const area = callao();
/** One year at full volume, 2025 so that the extortion trend sits at the table's shares. */
const year: SyntheticResult = generateSynthetic(area, { seed: 11, start: '2025-01-01', years: 1 });
const rows = year.rows;

const ubigeo6 = (row: SidpolGeoRow): string => row.ubigeo_hecho_delito.padStart(6, '0');
const locateRow = (row: SidpolGeoRow): string | null => {
  const loc = area.locate(...area.projection.forward(Number(row.long_hecho), Number(row.lat_hecho)));
  return loc.kind === 'district' ? (area.def.districts[loc.index]?.code ?? null) : null;
};
const isForced = (row: SidpolGeoRow): boolean => row.observacion !== '';
const isLocated = (row: SidpolGeoRow): boolean => row.estado_coord === 'CON COORDENADA';

describe('generateSynthetic: determinism and format', () => {
  it('gives identical rows for the same seed and different rows for another seed', () => {
    const small = { start: '2024-03-01', years: 0.25, annualVolume: 4000 };
    const a = generateSynthetic(area, { ...small, seed: 5 });
    const b = generateSynthetic(area, { ...small, seed: 5 });
    const c = generateSynthetic(area, { ...small, seed: 6 });
    expect(a.rows.length).toBeGreaterThan(500);
    expect(b.rows).toEqual(a.rows);
    expect(Array.from(b.truth.events.parent)).toEqual(Array.from(a.truth.events.parent));
    expect(c.rows.map((r) => r.lat_hecho)).not.toEqual(a.rows.map((r) => r.lat_hecho));
  });

  it('writes narratives from their own stream: every other column is identical for the same seed', () => {
    const small = { start: '2024-03-01', years: 0.1, annualVolume: 3000, seed: 5 };
    const withText = generateSynthetic(area, small);
    const without = generateSynthetic(area, { ...small, narratives: false });
    expect(withText.rows.map((r) => ({ ...r, relato: '' }))).toEqual(without.rows);
    expect(without.rows.every((r) => r.relato === '')).toBe(true);
    expect(without.truth.narrativeSpans.every((s) => s.length === 0)).toBe(true);
    // Every row has a Spanish narrative; each labelled span lies inside its text, and every kind occurs.
    const kinds = new Set<string>();
    for (const [i, row] of withText.rows.entries()) {
      expect(row.relato.length).toBeGreaterThan(40);
      for (const s of withText.truth.narrativeSpans[i] ?? []) {
        kinds.add(s.kind);
        expect(s.end).toBeLessThanOrEqual(row.relato.length);
        expect(row.relato.slice(s.start, s.end).trim()).toBe(row.relato.slice(s.start, s.end));
      }
    }
    expect([...kinds].sort()).toEqual(['address', 'dni', 'email', 'name', 'phone', 'plate']);
    // Protected categories get narratives too (a few terse ones name no aggression: most do).
    const vf = withText.rows.filter((r) => r.es_delito_x.startsWith('4.'));
    expect(vf.length).toBeGreaterThan(10);
    expect(vf.filter((r) => /agredi|amenaz|golpead/i.test(r.relato)).length).toBeGreaterThan(vf.length / 2);
  });

  it('fills defaults and rejects bad options', () => {
    expect(resolveSyntheticOptions({ trigger: { branchingRatio: 0.5 } })).toEqual({
      ...DEFAULT_SYNTHETIC_OPTIONS,
      trigger: { ...DEFAULT_SYNTHETIC_OPTIONS.trigger, branchingRatio: 0.5 },
    });
    expect(() => resolveSyntheticOptions({ trigger: { branchingRatio: 1 } })).toThrow(/branchingRatio/);
    expect(() => resolveSyntheticOptions({ start: '2025-02-30' })).not.toThrow(); // checked at generation
    expect(() => generateSynthetic(area, { start: '2025-02-30' })).toThrow(/start/);
    expect(() => resolveSyntheticOptions({ missingShare: 1.5 })).toThrow(/missingShare/);
    expect(() => resolveSyntheticOptions({ seed: 1.5 })).toThrow(/seed/);
  });

  it('writes the SIDPOL columns in order, with the synthetic label and export conventions', () => {
    expect(rows.length).toBeGreaterThan(27_000);
    expect(rows.length).toBeLessThan(33_000);
    const columns = [...SIDPOL_GEO_COLUMNS].join(',');
    const bad = rows.filter(
      (row) =>
        Object.keys(row).join(',') !== columns ||
        row.fuente !== 'SINTETICO vigia seed=11' ||
        !/^7010[1-7]$/.test(row.ubigeo_hecho_delito) ||
        !/^SYN11-\d{7}$/.test(row.objectid) ||
        row.direccion_hecho !== '' ||
        row.departamento_hecho !== 'CALLAO' ||
        row.provincia_hecho !== 'CALLAO',
    );
    expect(bad.slice(0, 3)).toEqual([]);
    const ids = new Set(rows.map((r) => r.objectid));
    expect(ids.size).toBe(rows.length);
    const sample = rows.find((r) => isLocated(r) && !isForced(r)) as SidpolGeoRow;
    expect(sample.lat_hecho).toMatch(/^-1[12]\.\d{6}$/);
    expect(sample.long_hecho).toMatch(/^-77\.\d{6}$/);
    const missing = rows.find((r) => !isLocated(r)) as SidpolGeoRow;
    expect([missing.lat_hecho, missing.long_hecho, missing.estado_coord]).toEqual(['', '', 'SIN COORDENADA']);
  });

  it('sorts rows by event time and registers every event 0–3 days after it', () => {
    const bad: number[] = [];
    let prev = -Infinity;
    for (const [i, row] of rows.entries()) {
      const t = Number(row.fecha_hora_hecho);
      const reg = Number(row.fecha_hora_registro_hecho);
      const trueT = year.truth.events.timeMs[i] as number;
      const ok =
        t >= prev &&
        reg >= trueT &&
        reg >= t &&
        reg - trueT <= 3 * DAY_MS &&
        t >= year.truth.startMs &&
        t < year.truth.endMs &&
        trueT - t < DAY_MS &&
        trueT >= t;
      if (!ok) bad.push(i);
      prev = t;
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('writes how each incident became known: drug and arms cases mostly by police intervention, a few others, never crimes against persons', () => {
    const discovered = new Map<SyntheticKind, [number, number]>();
    year.truth.events.kind.forEach((ki, r) => {
      const kind = SYNTHETIC_KINDS[ki] as SyntheticKind;
      const c = discovered.get(kind) ?? [0, 0];
      const canal = rows[r]?.canal;
      expect(['denuncia', 'intervención policial']).toContain(canal);
      if (canal === 'intervención policial') c[0]++;
      c[1]++;
      discovered.set(kind, c);
    });
    const share = (k: SyntheticKind) => {
      const [d, total] = discovered.get(k) ?? [0, 1];
      return d / total;
    };
    for (const k of ['drogas', 'armas'] as const) expect(Math.abs(share(k) - 0.9), k).toBeLessThan(0.05);
    for (const k of ['hurto', 'robo'] as const) expect(Math.abs(share(k) - 0.04), k).toBeLessThan(0.01);
    for (const k of ['extorsion', 'homicidio', 'violencia_familiar', 'sexual'] as const)
      expect(share(k), k).toBe(0);
  });

  it('labels every row so that classifySidpol recovers the generated kind', () => {
    for (const kind of SYNTHETIC_KINDS) {
      for (const l of SYNTHETIC_TAXONOMY[kind]) {
        const c = classifySidpol({
          tipo: l.tipo,
          subtipo: l.subtipo,
          modalidad: l.modalidad,
          esDelito: l.esDelito,
        });
        expect(c.category, `${l.tipo} | ${l.modalidad}`).toBe(kind);
        if (kind === 'drogas' || kind === 'armas') expect(c.channel).toBe('discovered');
      }
    }
    const kinds = year.truth.events.kind;
    const mismatched = rows.filter((row, i) => {
      const c = classifySidpol({
        tipo: row.tipo_hecho,
        subtipo: row.subtipo_hecho,
        modalidad: row.modalidad_hecho,
        esDelito: row.es_delito_x,
      });
      return c.category !== SYNTHETIC_KINDS[kinds[i] as number];
    });
    expect(mismatched.slice(0, 3)).toEqual([]);
    const vf = rows.filter((r) => r.tipo_hecho.startsWith('LEY DE VIOLENCIA'));
    expect(vf.every((r) => r.es_delito_x === '4.Violencia contra la mujer e int')).toBe(true);
  });
});

describe('generateSynthetic: calibration', () => {
  it('matches the 2025 district shares within a few percent', () => {
    const counts = new Map<string, number>();
    for (const row of rows) counts.set(ubigeo6(row), (counts.get(ubigeo6(row)) ?? 0) + 1);
    for (const p of DISTRICT_PROFILES) {
      const share = (counts.get(p.code) ?? 0) / rows.length;
      expect(Math.abs(share - p.share), p.code).toBeLessThan(Math.max(0.015, 0.1 * p.share));
    }
  });

  it('reproduces the crime mix per district', () => {
    const kinds = year.truth.events.kind;
    for (const code of ['070101', '070106', '070102', '070104']) {
      const profile = DISTRICT_PROFILES.find((p) => p.code === code);
      if (!profile) throw new Error(code);
      const target = districtKindShares(profile);
      const idx = rows.flatMap((r, i) => (ubigeo6(r) === code ? [i] : []));
      const share = (k: SyntheticKind): number =>
        idx.filter((i) => SYNTHETIC_KINDS[kinds[i] as number] === k).length / idx.length;
      for (const k of ['robo', 'hurto', 'extorsion', 'violencia_familiar', 'otros'] as const) {
        // Clusters of repeats inflate the binomial spread by about 1/(1 − n); 4 such SDs, plus 0.5
        // points because 2025 extortion averages a little under its table share (trend = 1 in July).
        const sd = Math.sqrt((target[k] * (1 - target[k])) / idx.length) / (1 - year.truth.branchingRatio);
        expect(Math.abs(share(k) - target[k]), `${code} ${k}`).toBeLessThan(4 * sd + 0.005);
      }
    }
    const homicidesPerDay = year.truth.kindCounts.homicidio / 365;
    // ≈0.35/day; homicides come in repeat clusters too, so one year varies by about ±0.045/day.
    expect(homicidesPerDay).toBeGreaterThan(0.2);
    expect(homicidesPerDay).toBeLessThan(0.5);
  });

  it('roughly triples extortion from 2023 to 2025', () => {
    const r = generateSynthetic(area, { seed: 3, start: '2023-01-01', years: 3, annualVolume: 15_000 });
    const ext = (y: string): number =>
      r.rows.filter((row) => row.ano_hecho === y && row.subtipo_hecho === 'EXTORSION').length;
    const ratio = ext('2025') / ext('2023');
    expect(ratio).toBeGreaterThan(2);
    expect(ratio).toBeLessThan(4.5);
  });

  it('puts more events in the evening than before dawn, and flattens with cycles off', () => {
    const turnos = (rs: readonly SidpolGeoRow[]): Record<string, number> => {
      const c: Record<string, number> = {};
      for (const r of rs) c[r.turno_hecho] = (c[r.turno_hecho] ?? 0) + 1 / rs.length;
      return c;
    };
    const on = turnos(rows);
    expect(on.noche).toBeGreaterThan(2 * (on.madrugada ?? 0));
    expect(on.tarde).toBeGreaterThan(2 * (on.madrugada ?? 0));
    const flat = turnos(
      generateSynthetic(area, { seed: 2, years: 0.5, annualVolume: 8000, cycles: false }).rows,
    );
    for (const t of ['madrugada', 'mañana', 'tarde', 'noche'])
      expect(Math.abs((flat[t] ?? 0) - 0.25), t).toBeLessThan(0.03);
    // Weekly cycle: Friday busier than Sunday.
    const weekday = (row: SidpolGeoRow): number =>
      new Date(Number(row.fecha_hora_hecho) - 5 * 3_600_000).getUTCDay();
    const fri = rows.filter((r) => weekday(r) === 5).length;
    const sun = rows.filter((r) => weekday(r) === 0).length;
    expect(fri).toBeGreaterThan(sun * 1.08);
  });
});

describe('generateSynthetic: space', () => {
  it('places every hotspot and comisaría inside its own district', () => {
    const where = (lon: number, lat: number): string | undefined => {
      const loc = area.locate(...area.projection.forward(lon, lat));
      return loc.kind === 'district' ? area.def.districts[loc.index]?.code : 'outside';
    };
    for (const h of SYNTHETIC_HOTSPOTS) {
      const s = h.shape;
      const points =
        s.kind === 'blob'
          ? [[s.lon, s.lat]]
          : [0, 0.25, 0.5, 0.75, 1].map((f) => [
              s.from[0] + f * (s.to[0] - s.from[0]),
              s.from[1] + f * (s.to[1] - s.from[1]),
            ]);
      for (const [lon, lat] of points) expect(where(lon as number, lat as number), h.id).toBe(h.district);
    }
    for (const c of SYNTHETIC_COMISARIAS) expect(where(c.lon, c.lat), c.name).toBe(c.district);
  });

  it('keeps every located point inside the district it is attributed to', () => {
    let checked = 0;
    const bad: string[] = [];
    for (const row of rows) {
      if (!isLocated(row)) continue;
      if (locateRow(row) !== ubigeo6(row)) bad.push(row.objectid);
      checked++;
    }
    expect(bad.slice(0, 5)).toEqual([]);
    expect(checked).toBeGreaterThan(0.9 * rows.length);
  });

  it('reproduces the data-quality traps at their configured shares', () => {
    const n = rows.length;
    const located = rows.filter(isLocated);
    const forced = located.filter(isForced);
    const dateOnly = rows.filter((r) => (Number(r.fecha_hora_hecho) - 5 * 3_600_000) % DAY_MS === 0);
    expect(Math.abs((n - located.length) / n - 0.05)).toBeLessThan(0.006);
    expect(Math.abs(forced.length / located.length - 0.15)).toBeLessThan(0.01);
    expect(Math.abs(dateOnly.length / n - 0.2)).toBeLessThan(0.01);
    const stations = new Set(SYNTHETIC_COMISARIAS.map((c) => `${c.lat.toFixed(6)},${c.lon.toFixed(6)}`));
    expect(forced.every((r) => stations.has(`${r.lat_hecho},${r.long_hecho}`))).toBe(true);
    expect(forced.every((r) => r.observacion === 'GEO FORZADA AL CENTROIDE DE COMISARIA')).toBe(true);
  });

  it('attributes Mi Perú points to Ventanilla before the district existed (2014-05-17)', () => {
    const r = generateSynthetic(area, { seed: 4, start: '2014-01-01', years: 1, annualVolume: 6000 });
    const created = Date.UTC(2014, 4, 17, 5);
    const miPeru = area.districtIndex('070107');
    const codes = (before: boolean): Set<string> =>
      new Set(
        r.rows
          .filter(
            (row, i) =>
              r.truth.events.district[i] === miPeru && Number(row.fecha_hora_hecho) < created === before,
          )
          .map((row) => row.ubigeo_hecho_delito),
      );
    expect(codes(true)).toEqual(new Set(['70106']));
    expect(codes(false)).toEqual(new Set(['70107']));
  });

  it('makes hotspot cells much denser than the average cell', () => {
    const cell = 250;
    const counts = new Map<string, number>();
    let total = 0;
    for (const row of rows) {
      if (!isLocated(row) || isForced(row)) continue;
      const [x, y] = area.projection.forward(Number(row.long_hecho), Number(row.lat_hecho));
      const key = `${Math.floor(x / cell)},${Math.floor(y / cell)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      total++;
    }
    const mean = total / ((area.areaKm2 * 1e6) / (cell * cell));
    const ratio = (id: string): number => {
      const h = SYNTHETIC_HOTSPOTS.find((s) => s.id === id);
      if (h?.shape.kind !== 'blob') throw new Error(id);
      const [x, y] = area.projection.forward(h.shape.lon, h.shape.lat);
      return (counts.get(`${Math.floor(x / cell)},${Math.floor(y / cell)}`) ?? 0) / mean;
    };
    // Measured over seeds 1–8: Callao blobs 10–40× the mean cell, Ventanilla centro 6–10×.
    for (const id of ['barracones', 'la-siberia', 'puerto-nuevo', 'plaza-grau'])
      expect(ratio(id), id).toBeGreaterThan(10);
    expect(ratio('ventanilla-centro')).toBeGreaterThan(4);
    expect(ratio('bellavista-centro')).toBeGreaterThan(4);
  });
});

describe('generateSynthetic: self-excitation', () => {
  const { truth } = year;

  it('triggers about branchingRatio of the events', () => {
    expect(truth.backgroundCount + truth.triggeredCount).toBe(rows.length);
    expect(Math.abs(truth.triggeredCount / rows.length - truth.branchingRatio)).toBeLessThan(0.02);
    expect(truth.generations[0]).toBe(truth.backgroundCount);
    const parents = Array.from(truth.events.parent).filter((p) => p >= 0).length;
    expect(parents).toBe(truth.triggeredCount);
  });

  it('draws offspring delays with the configured mean and keeps them near the parent', () => {
    expect(Math.abs(truth.meanSampledDelayDays - truth.meanDelayDays)).toBeLessThan(0.1);
    const { parent, timeMs, x, y, kind, district } = truth.events;
    let delay = 0;
    let dist = 0;
    let m = 0;
    let inherited = 0;
    for (let i = 0; i < parent.length; i++) {
      const p = parent[i] as number;
      if (p < 0) continue;
      if (kind[i] === kind[p] && district[i] === district[p]) inherited++;
      delay += ((timeMs[i] as number) - (timeMs[p] as number)) / DAY_MS;
      dist += Math.hypot((x[i] as number) - (x[p] as number), (y[i] as number) - (y[p] as number));
      m++;
    }
    expect(inherited).toBe(m);
    expect(Math.abs(delay / m - truth.meanDelayDays)).toBeLessThan(0.1);
    // Rayleigh mean σ·√(π/2) ≈ 6.3 m for σ = 5 m.
    expect(dist / m).toBeGreaterThan(5);
    expect(dist / m).toBeLessThan(7.5);
  });
});
