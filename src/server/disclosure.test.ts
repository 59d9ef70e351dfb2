/**
 * Differencing attacks on the aggregate routes. The community view withholds cells of 1–4
 * incidents and every view below the analyst's leaves restricted rows out; an attacker who asks two
 * overlapping questions (categories, districts, groups, date ranges, two routes) and subtracts the
 * answers must learn nothing about a withheld cell. Real server, both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_COUNT_THRESHOLD } from '../core/access.ts';
import { CATEGORY_CODES, CRIME_CATEGORIES } from '../core/taxonomy.ts';
import { ingestFile } from '../services/ingest.ts';
import { type ApiFixture, call, startApi } from '../test/api.ts';
import { BACKENDS } from '../test/db.ts';
import { geoRow, limaMs, tempFile, toCsv } from '../test/fixtures.ts';

type Count = number | null;
interface Cell {
  districtCode: string | null;
  month: string;
  category: string;
  count: Count;
}
interface Trends {
  series: { district: string | null; points: { month: string; count: Count }[] }[];
}

/** SIDPOL labels that classify as each shared category (for one more incident in a withheld cell). */
const LABELS: Record<string, string> = {
  hurto: 'HURTO',
  robo: 'ROBO',
  extorsion: 'EXTORSION',
  estafa: 'ESTAFA',
  secuestro: 'SECUESTRO',
  homicidio: 'HOMICIDIO',
  lesiones: 'LESIONES',
  drogas: 'TRAFICO ILICITO DE DROGAS',
  armas: 'TENENCIA ILEGAL DE ARMAS',
};
const PROTECTED = CATEGORY_CODES.filter((c) => CRIME_CATEGORIES[c].restricted);
const SHARED = CATEGORY_CODES.filter((c) => !CRIME_CATEGORIES[c].restricted);
const lastDay = (month: string): string => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

describe.each(BACKENDS)('disclosure control against differencing on %s', (backend) => {
  let f: ApiFixture;
  let truth: Cell[];
  beforeAll(async () => {
    f = await startApi(backend);
  });
  afterAll(async () => {
    await f?.close();
  });

  const get = async (role: 'community' | 'researcher' | 'analyst', path: string) =>
    call(f, 'GET', `/api/v1${path}`, { token: f.users[role].token });
  /** A series point of /stats/trends (null: withheld or refused). */
  const trendPoint = async (
    role: 'community' | 'researcher',
    q: string,
    district: string | null,
    month: string,
  ) => {
    const r = await get(role, `/stats/trends?${q}`);
    if (r.status !== 200) return null;
    const s = (r.body as Trends).series.find((x) => x.district === district);
    const p = s?.points.find((x) => x.month === month);
    return p ? p.count : 0;
  };
  /** Sum of the shown /stats rows of a district and month. */
  const statsSum = async (role: 'community' | 'researcher', q: string, district: string, month: string) => {
    const r = await get(role, `/stats?${q}`);
    if (r.status !== 200) return null;
    return (r.body as { rows: Cell[] }).rows
      .filter((x) => x.districtCode === district && x.month === month)
      .reduce((a, x) => a + (x.count ?? 0), 0);
  };
  const turnoSum = async (role: 'community' | 'researcher', q: string) => {
    const r = await get(role, `/stats/turnos?${q}`);
    if (r.status !== 200) return null;
    return (r.body as { turnos: { count: Count }[] }).turnos.reduce((a, x) => a + (x.count ?? 0), 0);
  };
  /** The attacker's difference must not give away the hidden count. */
  const noReveal = (a: Count, b: Count, hidden: number, what: string): void => {
    if (a === null || b === null) return; // a withheld or refused answer reveals nothing
    const diff = Math.abs(a - b);
    expect(diff === hidden || (diff >= 1 && diff < SMALL_COUNT_THRESHOLD), `${what}: ${a} − ${b}`).toBe(
      false,
    );
  };

  /** Every attack on one cell hidden from `role` (count `hidden` in the analyst's full view). */
  async function attack(role: 'community' | 'researcher', cell: Cell, hidden: number): Promise<number> {
    const d = cell.districtCode as string;
    const m = cell.month;
    const c = cell.category;
    const others = [...new Set(truth.map((x) => x.districtCode).filter((x): x is string => !!x && x !== d))];
    const rest = SHARED.filter((x) => x !== c).join(',');
    const pairs: [Count, Count, string][] = [
      // Adding the cell's category to another.
      [
        await trendPoint(role, 'category=hurto', d, m),
        await trendPoint(role, `category=hurto,${c}`, d, m),
        'category',
      ],
      // Everything versus everything but the cell's category.
      [await trendPoint(role, '', d, m), await trendPoint(role, `category=${rest}`, d, m), 'complement'],
      [
        await trendPoint(role, '', null, m),
        await trendPoint(role, `category=${rest}`, null, m),
        'area complement',
      ],
      // All categories versus the shared group.
      [await trendPoint(role, '', d, m), await trendPoint(role, 'group=all', d, m), 'group'],
      // Adding the cell's district to the others.
      [
        await trendPoint(role, `category=${c}&district=${others.join(',')}`, null, m),
        await trendPoint(role, `category=${c}&district=${[...others, d].join(',')}`, null, m),
        'district',
      ],
      // A date range versus no range.
      [
        await trendPoint(role, `from=${m}-01&to=${lastDay(m)}`, d, m),
        await trendPoint(role, `from=${m}-01&to=${lastDay(m)}&category=${rest}`, d, m),
        'dates',
      ],
      // Two routes: the series versus the sum of the table's shown cells.
      [await trendPoint(role, '', d, m), await statsSum(role, '', d, m), 'routes'],
      [
        await trendPoint(role, `category=${c}`, d, m),
        await statsSum(role, `category=${c}`, d, m),
        'routes, one category',
      ],
      // Turnos of the district's month versus the same with the cell's category left out.
      [
        await turnoSum(role, `district=${d}&from=${m}-01&to=${lastDay(m)}`),
        await turnoSum(role, `district=${d}&from=${m}-01&to=${lastDay(m)}&category=${rest}`),
        'turnos',
      ],
      [await turnoSum(role, ''), await turnoSum(role, 'group=all'), 'turnos group'],
      // Part of a month (refused in the community view).
      [
        await trendPoint(role, `from=${m}-01&to=${m}-15`, d, m),
        await trendPoint(role, `from=${m}-01&to=${m}-15&category=${rest}`, d, m),
        'days',
      ],
    ];
    for (const [a, b, what] of pairs) noReveal(a, b, hidden, `${role} ${d} ${m} ${c} ${what}`);
    return pairs.filter(([a, b]) => a !== null && b !== null).length;
  }

  it('no pair of questions reveals a withheld cell (community) or restricted rows (community, researcher)', async () => {
    truth = ((await get('analyst', '/stats')).body as { rows: Cell[] }).rows;
    const small = truth.filter(
      (x) =>
        x.districtCode &&
        !PROTECTED.includes(x.category as never) &&
        (x.count as number) > 0 &&
        (x.count as number) < SMALL_COUNT_THRESHOLD,
    );
    const restricted = truth.filter((x) => x.districtCode && PROTECTED.includes(x.category as never));
    expect(small.length).toBeGreaterThan(3);
    expect(restricted.length).toBeGreaterThan(3);
    let tried = 0;
    for (const cell of small.slice(0, 4)) tried += await attack('community', cell, cell.count as number);
    for (const cell of restricted.slice(0, 4)) {
      // The restricted rows of the cell's district and month, all protected categories together.
      const hidden = restricted
        .filter((x) => x.districtCode === cell.districtCode && x.month === cell.month)
        .reduce((a, x) => a + (x.count as number), 0);
      tried += await attack('community', cell, hidden);
      tried += await attack('researcher', cell, hidden);
    }
    expect(tried).toBeGreaterThan(50);
    // Naming a protected category below the full view is refused, not answered with a zero.
    for (const role of ['community', 'researcher'] as const) {
      const r = await get(role, '/stats/trends?category=hurto,sexual');
      expect(r.status).toBe(400);
      expect(r.text).toContain('protegida');
    }
    // The community view selects whole published cells only.
    for (const q of ['from=2025-01-02', 'to=2025-01-30', 'type=ROBO', 'source=PRUEBA']) {
      const r = await get('community', `/stats?${q}`);
      expect(r.status, q).toBe(400);
    }
    expect((await get('community', '/stats/turnos')).status).toBe(403);
  });

  it('no community or researcher answer changes when a withheld cell or restricted rows change', async () => {
    truth = ((await get('analyst', '/stats')).body as { rows: Cell[] }).rows;
    // A withheld cell in Callao (Cercado), where the fixture row lies, that one more incident keeps withheld.
    const target = truth.find(
      (x) =>
        x.districtCode === '070101' &&
        x.category in LABELS &&
        (x.count as number) < SMALL_COUNT_THRESHOLD - 1,
    );
    expect(target).toBeDefined();
    const month = (target as Cell).month;
    const label = LABELS[(target as Cell).category] as string;
    const questions = [
      '/stats',
      '/stats?district=070101',
      '/stats?category=robo',
      '/stats/trends',
      '/stats/trends?group=property',
      '/stats/trends?category=hurto,robo&district=070101',
      `/stats/trends?from=${month}-01&to=${lastDay(month)}`,
      '/stats/turnos',
      '/stats/turnos?district=070101',
    ];
    const answers = async (roles: readonly ('community' | 'researcher')[]) => {
      const out: unknown[] = [];
      for (const role of roles)
        for (const q of questions) {
          const r = await get(role, q);
          out.push([role, q, r.status, r.body]);
        }
      return out;
    };
    const [y, mo] = month.split('-').map(Number) as [number, number];
    const at = String(limaMs(y, mo, 10, 21, 30));
    const reported = String(limaMs(y, mo, 11, 9, 0));
    const total = (rows: Cell[]) => rows.reduce((a, x) => a + (x.count as number), 0);
    const add = async (name: string, row: Record<string, string>): Promise<void> => {
      const file = tempFile(`disclosure-${name}-${backend}.csv`, toCsv([row]));
      const loaded = await ingestFile(f.t.db, { file, adapter: 'sidpol-geo', area: 'callao' });
      expect(loaded.accepted).toBe(1);
    };

    // A family-violence case (restricted) moves no community or researcher answer ...
    const before = await answers(['community', 'researcher']);
    await add('restricted', {
      ...geoRow(900002, { fecha_hora_hecho: at, fecha_hora_registro_hecho: reported }),
      tipo_hecho: 'VIOLENCIA CONTRA LA MUJER E INTEGRANTES DEL GRUPO FAMILIAR',
      subtipo_hecho: 'AGRESIONES',
      modalidad_hecho: 'VIOLENCIA FISICA',
      es_delito_x: '4.Violencia contra la mujer e int',
    });
    expect(total(((await get('analyst', '/stats')).body as { rows: Cell[] }).rows)).toBe(total(truth) + 1);
    expect(await answers(['community', 'researcher'])).toEqual(before);

    // ... and one more incident in a withheld cell moves no community answer.
    const community = await answers(['community']);
    await add(
      'withheld',
      geoRow(900001, {
        fecha_hora_hecho: at,
        fecha_hora_registro_hecho: reported,
        tipo_hecho: 'DELITO',
        subtipo_hecho: label,
        modalidad_hecho: label,
      }),
    );
    expect(total(((await get('analyst', '/stats')).body as { rows: Cell[] }).rows)).toBe(total(truth) + 2);
    expect(await answers(['community'])).toEqual(community);
  });

  it('the data age every role and /readyz read counts no restricted row', async () => {
    const age = async () =>
      ((await (await fetch(`${f.base}/readyz`)).json()) as { data: { newestDay: string } }).data;
    const before = await age();
    // A family-violence case three days after the newest incident leaves the newest day as it was.
    const [y, m, d] = before.newestDay.split('-').map(Number) as [number, number, number];
    const file = tempFile(
      `disclosure-newest-${backend}.csv`,
      toCsv([
        {
          ...geoRow(900003, {
            fecha_hora_hecho: String(limaMs(y, m, d + 3, 12, 0)),
            fecha_hora_registro_hecho: String(limaMs(y, m, d + 3, 13, 0)),
          }),
          tipo_hecho: 'VIOLENCIA CONTRA LA MUJER E INTEGRANTES DEL GRUPO FAMILIAR',
          subtipo_hecho: 'AGRESIONES',
          modalidad_hecho: 'VIOLENCIA FISICA',
          es_delito_x: '4.Violencia contra la mujer e int',
        },
      ]),
    );
    expect((await ingestFile(f.t.db, { file, adapter: 'sidpol-geo', area: 'callao' })).accepted).toBe(1);
    const [row] = await f.t.db.query<{ restricted: boolean }>(
      `select restricted from incidents where external_id = '900003'`,
    );
    expect(row?.restricted).toBe(true);
    expect(await age()).toEqual(before);
  });
});
