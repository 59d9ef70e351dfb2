/**
 * The CODISEC briefing on both stores, through the real services: incidents written to the store
 * for March 2025 and the months before, a day forecast and a turno forecast with a patrol plan;
 * the briefing's trends (the small-number rule), what changed, hotspots, persistent zones, patrol
 * coverage and grounding; its PDF rendered, the first page turned into pixels (pdftoppm) and the
 * text read back (pdftotext); the community bulletin from the same data. The pure helpers (previous
 * period, verdict, period text) first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_LLM } from '../config/env.ts';
import { ForbiddenError, ValidationError } from '../core/errors.ts';
import { cellCenter } from '../core/grid.ts';
import { mulberry32 } from '../core/random.ts';
import { createRiskSurface } from '../core/risk-surface.ts';
import { gridForArea } from '../geo/area-grid.ts';
import type { StudyArea } from '../geo/study-area.ts';
import { DEFAULT_ADVICE } from '../prevention/advice.ts';
import { saveForecast } from '../storage/forecasts.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { countColour, pdfPageImage, pdfPages, pdfText } from '../test/pdf.ts';
import { getStudyArea } from './areas.ts';
import type { AuditContext } from './audit.ts';
import { type Briefing, briefing, periodText, previousPeriod, verdict } from './briefing.ts';
import { briefingPdf, generateBriefing, generateBulletin } from './briefing-drafts.ts';
import { BRIEFING_COLOURS, DRAFT_MARK, renderBriefingPdf } from './briefing-pdf.ts';
import { bulletin } from './bulletin.ts';
import { DEFAULT_JOB_ENGINE_SETTINGS, JobEngine } from './job-engine.ts';
import { jobRecord, jobsIdle, submitBriefing, workJobs } from './jobs.ts';
import { makePatrolPlan } from './patrol-plans.ts';
import { listTexts, reviewText } from './texts.ts';

const ctx: AuditContext = { actor: 'user:ana', role: 'analyst', ip: null, requestId: null };
const DISTRICT = '070101'; // Callao
const AT = new Date('2025-04-02T15:00:00Z');

describe('briefing helpers', () => {
  it('compares whole months with the same number of whole months before, other periods with as many days before', () => {
    expect(previousPeriod('2025-03-01', '2025-03-31')).toEqual({ from: '2025-02-01', to: '2025-02-28' });
    expect(previousPeriod('2025-01-01', '2025-03-31')).toEqual({ from: '2024-10-01', to: '2024-12-31' });
    expect(previousPeriod('2025-03-10', '2025-03-16')).toEqual({ from: '2025-03-03', to: '2025-03-09' });
    expect(periodText('2025-03-01', '2025-03-31')).toBe('marzo de 2025');
    expect(periodText('2025-01-01', '2025-03-31')).toBe('enero a marzo de 2025');
    expect(periodText('2025-09-01', '2025-09-30')).toBe('setiembre de 2025');
    expect(periodText('2025-03-10', '2025-03-16')).toBe('10/03/2025 al 16/03/2025');
  });

  it('calls a change conclusive only with enough cases and an interval that excludes no change', () => {
    expect(verdict(40, 20)).toBe('aumento');
    expect(verdict(20, 40)).toBe('disminución');
    expect(verdict(9, 1)).toBe('variación no concluyente'); // few cases
    expect(verdict(12, 11)).toBe('variación no concluyente'); // the interval includes 0
    expect(verdict(null, 30)).toBe('variación no concluyente'); // withheld
  });
});

describe.each(BACKENDS)('CODISEC briefing on %s', (backend) => {
  let t: TestDb;
  let area: StudyArea;
  /** A 150 m cell inside the district (persistence's grid): incidents go there. */
  let hotCell: number;
  let forecastId: number;
  let ids = 0;

  /** `n` incidents of `category` on the 15th of `month` (YYYY-MM) at noon, Lima, in the hot cell. */
  const incidents = async (month: string, category: string, n: number, restricted = false) => {
    const { grid } = gridForArea(area);
    const xy = new Float64Array(2);
    cellCenter(grid, hotCell, xy);
    const [lon, lat] = area.projection.inverse(xy[0] as number, xy[1] as number);
    await t.db.query(
      `insert into incidents (source, external_id, study_area, batch_id, occurred_at, time_precision, lat, lon, x, y,
         geo_quality, district_code, category, turno, channel, restricted)
       select 'prueba', 'b-' || g, 'callao', 0, $1::timestamptz, 'exact', $2, $3, $4, $5, 'exact', $6, $7, 'tarde', 'reported', $8
       from generate_series($9::int, $10::int) as g`,
      [
        `${month}-15T12:00:00-05:00`,
        lat,
        lon,
        xy[0],
        xy[1],
        DISTRICT,
        category,
        restricted,
        ids + 1,
        ids + n,
      ],
    );
    ids += n;
  };

  beforeAll(async () => {
    t = await createTestDb(backend);
    area = await getStudyArea(t.db, 'callao');
    const g150 = gridForArea(area);
    const index = area.def.districts.findIndex((d) => d.code === DISTRICT);
    hotCell = g150.districtOfCell.indexOf(index);
    // March 2025 against February: robo doubles, hurto and extorsión hardly move or are few.
    await incidents('2025-03', 'robo', 40);
    await incidents('2025-02', 'robo', 20);
    await incidents('2025-03', 'hurto', 6);
    await incidents('2025-02', 'hurto', 3);
    await incidents('2025-03', 'extorsion', 12);
    await incidents('2025-02', 'extorsion', 11);
    await incidents('2025-03', 'violencia_familiar', 7, true);
    await incidents('2025-03', 'estafa', 2); // a withheld cell for the community
    // March 2024, for the community bulletin (same months a year earlier).
    await incidents('2024-03', 'robo', 15);
    await incidents('2024-03', 'hurto', 3);
    // The same cell every month of the year before: a persistent zone.
    for (let m = 4; m <= 12; m++) await incidents(`2024-${String(m).padStart(2, '0')}`, 'robo', 2);
    await incidents('2025-01', 'robo', 2);
    // The current day forecast and a turno forecast with a plan in the period.
    const g500 = gridForArea(area, { cellSize: 500 });
    const rand = mulberry32(5);
    const values = Array.from(g500.mask, (m) => (m === 1 ? rand() ** 3 : 0));
    const forecast = (horizon: 'day' | 'turno', day: string) => {
      const start = new Date(`${day}T${horizon === 'day' ? '05' : '23'}:00:00Z`);
      return saveForecast(t.db, {
        area: 'callao',
        group: 'all',
        horizon,
        turno: horizon === 'turno' ? 'noche' : null,
        targetDay: day,
        windowStart: start,
        windowEnd: new Date(start.getTime() + (horizon === 'day' ? 24 : 6) * 3_600_000),
        modelKind: 'naive-counts',
        modelConfig: {},
        dataCutoff: new Date(`${day}T05:00:00Z`),
        eventsUsed: 100,
        surface: createRiskSurface(g500.grid, values, g500.mask),
      });
    };
    forecastId = await forecast('day', '2025-04-01');
    await forecast('turno', '2025-03-20');
    await makePatrolPlan(t.db, { area: 'callao', day: '2025-03-20', turno: 'noche', units: 30, actor: ctx });
  }, 120_000);
  afterAll(async () => {
    await t?.drop();
  });

  let full: Briefing;

  it('trends per crime group with the small-number rule, what changed, hotspots, persistent zones, patrol coverage; every number a statistic', async () => {
    full = await briefing(
      t.db,
      { area: 'callao', district: DISTRICT, from: '2025-03-01', to: '2025-03-31' },
      'full',
      ctx,
    );
    expect(full.district).toEqual({ code: DISTRICT, name: 'Callao' });
    expect(full.previous).toEqual({ from: '2025-02-01', to: '2025-02-28' });
    const row = (key: string) => full.trends.find((r) => r.key === key);
    expect(row('property')).toMatchObject({ count: 46, previous: 23, verdict: 'aumento' });
    expect(row('extorsion')).toMatchObject({ count: 12, previous: 11, verdict: 'variación no concluyente' });
    // The full view counts the protected category in the total.
    expect(row('total')).toMatchObject({ count: 67, previous: 34, label: 'Total (todas las categorías)' });
    expect(full.changes[0]).toMatchObject({ key: 'robo', count: 40, previous: 20 });
    expect(full.changes.map((r) => r.key)).toContain('violencia_familiar');

    expect(full.hotspots?.forecastId).toBe(forecastId);
    expect(full.hotspots?.places.length).toBeGreaterThan(0);
    expect(full.hotspots?.places.length).toBeLessThanOrEqual(5);
    expect(full.persistent.places[0]).toMatchObject({ cell: hotCell, value: 1 });
    expect(full.patrol?.plans).toBe(1);

    // Every statistic cited in the tables is in the grounding, with unique ids E1…En.
    const stats = full.grounding.statistics;
    expect(stats.map((s) => s.id)).toEqual(stats.map((_, i) => `E${i + 1}`));
    const byId = new Map(stats.map((s) => [s.id, s]));
    for (const r of [...full.trends, ...full.changes]) {
      expect(byId.get(r.stat)?.value).toBe(r.count);
      expect(byId.get(r.previousStat)?.value).toBe(r.previous);
    }
    expect(byId.get(full.persistent.places[0]?.stat as string)).toMatchObject({ value: 100, unit: '%' });
    expect(full.grounding).toMatchObject({
      audience: 'internal',
      district: DISTRICT,
      period: { from: '2025-03-01', to: '2025-04-01' },
      incidents: [],
    });
  });

  it("leaves protected categories out of the officials' exact view; refuses the community view, an unknown district and a reversed period", async () => {
    const exact = await briefing(
      t.db,
      { area: 'callao', district: DISTRICT, from: '2025-03-01', to: '2025-03-31' },
      'exact',
      ctx,
    );
    expect(exact.trends.find((r) => r.key === 'total')).toMatchObject({
      count: 60,
      label: 'Total (sin categorías protegidas)',
    });
    expect(exact.changes.map((r) => r.key)).not.toContain('violencia_familiar');
    expect(JSON.stringify(exact.grounding)).not.toContain('Violencia');
    const req = { area: 'callao', district: DISTRICT, from: '2025-03-01', to: '2025-03-31' };
    await expect(briefing(t.db, req, 'suppressed', ctx)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(briefing(t.db, { ...req, district: '999999' }, 'full', ctx)).rejects.toMatchObject({
      field: 'district',
    });
    await expect(briefing(t.db, { ...req, from: '2025-04-01' }, 'full', ctx)).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('renders the PDF: Spanish title, district and period, draft banner on page 1, trends, hotspots map, cited figures; approved → no banner', async () => {
    const body = `El robo aumentó en Callao: 40 casos en marzo [E${full.changes[0]?.stat.slice(1)}].\n\nLa extorsión no muestra una variación concluyente.`;
    const pdf = await renderBriefingPdf({
      briefing: full,
      area,
      text: { body, approved: null },
      generatedAt: AT,
      generatedBy: 'user:ana',
    });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const page1 = pdfPageImage(pdf, 1);
    expect(countColour(page1, BRIEFING_COLOURS.draft)).toBeGreaterThan(200);
    const text = pdfText(pdf);
    for (const s of [
      'Informe para el Comité Distrital de Seguridad Ciudadana (CODISEC)',
      'Callao (070101) — marzo de 2025',
      DRAFT_MARK,
      'El robo aumentó en Callao',
      'Tendencias por grupo de delitos',
      'Patrimonio (hurto y robo)',
      'aumento',
      'variación no concluyente',
      'Zonas prioritarias del pronóstico',
      full.hotspots?.places[0]?.label as string,
      'Zonas persistentes',
      'Cobertura de patrullaje',
      'Advertencias',
      'Cifras citadas',
      'INEI 2023',
    ])
      expect(text).toContain(s);
    // The map's hotspot cells are drawn on some page.
    const pages = pdfPages(pdf);
    let outline = 0;
    for (let p = 1; p <= pages; p++)
      outline += countColour(pdfPageImage(pdf, p), BRIEFING_COLOURS.map.areaFill);
    expect(outline).toBeGreaterThan(10);

    const approved = await renderBriefingPdf({
      briefing: full,
      area,
      text: { body, approved: { by: 'user:jefe', at: AT } },
      generatedAt: AT,
      generatedBy: 'user:ana',
    });
    expect(countColour(pdfPageImage(approved, 1), BRIEFING_COLOURS.draft)).toBe(0);
    const approvedText = pdfText(approved);
    expect(approvedText).toContain('Aprobado por user:jefe el 02/04/2025 10:00');
    expect(approvedText).not.toContain(DRAFT_MARK);
  });

  it('the community bulletin: published cells only, no protected category, plain sentences, advice for the most frequent types, a monthly series', async () => {
    const b = await bulletin(t.db, {
      area: 'callao',
      district: DISTRICT,
      from: '2025-03-01',
      to: '2025-03-31',
    });
    expect(b.previous).toEqual({ from: '2024-03-01', to: '2024-03-31' });
    const row = (c: string) => b.rows.find((r) => r.category === c);
    expect(row('robo')).toMatchObject({ count: 40, previous: 15, verdict: 'aumento' });
    expect(row('robo')?.sentence).toBe(
      'Robo: 40 denuncias en Callao, frente a 15 en los mismos meses del año anterior. Aumentó.',
    );
    // Hurto a year earlier: 3 incidents, a withheld cell; estafa now: 2.
    expect(row('hurto')).toMatchObject({ count: 6, previous: null, verdict: 'variación no concluyente' });
    expect(row('hurto')?.sentence).toContain('frente a una cifra reservada');
    expect(row('estafa')).toMatchObject({ count: null, stat: null });
    expect(row('estafa')?.sentence).toContain('no se publica la cifra');
    expect(row('violencia_familiar')).toBeUndefined();
    expect(b.total.count).toBe(58); // 40 + 6 + 12: the withheld estafa cell is not added
    expect(b.advice.map((a) => a.category)).toEqual(['robo', 'extorsion', 'hurto']);
    expect(b.advice[0]?.advice).toEqual(DEFAULT_ADVICE.robo);
    expect(b.chart).toHaveLength(12);
    expect(b.chart.at(-1)).toEqual({ month: '2025-03', count: 58 });
    expect(b.chart.find((p) => p.month === '2024-05')?.count).toBeNull(); // 2 robos: withheld
    expect(b.grounding).toMatchObject({ audience: 'community', district: DISTRICT, incidents: [] });
    for (const s of b.grounding.statistics) expect(s.value === 0 || s.value >= 5).toBe(true);
    expect(JSON.stringify([b.rows, b.grounding, b.advice])).not.toMatch(/violencia|sexual/i);
    // Whole months only (the community view's rule).
    await expect(
      bulletin(t.db, { area: 'callao', district: DISTRICT, from: '2025-03-02', to: '2025-03-31' }),
    ).rejects.toMatchObject({ field: 'from' });
  });

  it('drafts: the briefing written by the built-in method and stored as a draft, its PDF marked until another person approves it; the bulletin published to the community only once approved', async () => {
    const req = { area: 'callao', district: DISTRICT, from: '2025-03-01', to: '2025-03-31', llm: NO_LLM };
    const { draft } = await generateBriefing(t.db, { ...req, actor: ctx });
    expect(draft).toMatchObject({
      kind: 'briefing',
      audience: 'internal',
      status: 'borrador',
      generator: 'incorporado',
    });
    expect(draft.periodTo).toBe('2025-04-01');
    // The officials' view: the protected category is in no statistic the writer got.
    expect(JSON.stringify(draft.grounding)).not.toMatch(/violencia/i);
    const v = draft.versions[0]?.verification as { counts: { rejected: number } };
    expect(v.counts.rejected).toBe(0);
    const body = draft.versions[0]?.body as string;

    const drafted = await briefingPdf(t.db, draft.id, ctx, AT);
    expect(drafted.filename).toBe('informe-codisec-070101-2025-03-01-2025-03-31.pdf');
    const text = pdfText(drafted.pdf);
    expect(text).toContain(DRAFT_MARK);
    // The draft's own text, written by the built-in method, is printed.
    expect(text).toContain((body.split('\n')[0] as string).slice(0, 40));
    const jefe: AuditContext = { actor: 'user:jefe', role: 'analyst', ip: null, requestId: null };
    await reviewText(t.db, draft.id, { decision: 'aprobar' }, jefe);
    const approved = pdfText((await briefingPdf(t.db, draft.id, jefe, AT)).pdf);
    expect(approved).toContain('Aprobado por user:jefe');
    expect(approved).not.toContain(DRAFT_MARK);
    const audited = await t.db.query<{ n: number }>(
      `select count(*)::int as n from audit_log where action = 'briefing.pdf' and target = $1`,
      [`text:${draft.id}`],
    );
    expect(audited[0]?.n).toBe(2);

    const { draft: b } = await generateBulletin(t.db, { ...req, actor: ctx });
    expect(b).toMatchObject({ kind: 'bulletin', audience: 'community', status: 'borrador' });
    const community: AuditContext = { actor: 'user:vecina', role: 'community', ip: null, requestId: null };
    const published = () => listTexts(t.db, { area: 'callao', kind: 'bulletin' }, 'published', community);
    expect(await published()).toEqual([]);
    await reviewText(t.db, b.id, { decision: 'aprobar' }, jefe);
    expect((await published()).map((x) => x.id)).toEqual([b.id]);
  });

  it('a briefing job whose record could not be finished is retried without a second draft (the draft and the result commit together)', async () => {
    const engine = new JobEngine(t.db, {
      ...DEFAULT_JOB_ENGINE_SETTINGS,
      pollSeconds: 0.5,
      retryDelaySeconds: 1,
    });
    // The first attempt to record the job done fails (a fault after the draft was written); a
    // sequence, not a table, counts attempts: it survives the rolled-back transaction.
    await t.db.query(`create sequence finish_attempts;
      create function fail_first_finish() returns trigger language plpgsql as $$
      begin
        if new.kind = 'briefing' and new.status = 'done' and nextval('finish_attempts') = 1 then
          raise exception 'fallo simulado al registrar el trabajo';
        end if;
        return new;
      end $$;
      create trigger fail_first_finish before update on jobs for each row execute function fail_first_finish();`);
    try {
      await workJobs(engine, t.db, { error: () => undefined }, undefined, NO_LLM);
      const drafts = async () =>
        Number(
          (
            await t.db.query<{ n: string }>(`select count(*) as n from text_drafts where kind = 'briefing'`)
          )[0]?.n,
        );
      const before = await drafts();
      const job = await submitBriefing(
        t.db,
        engine,
        { kind: 'briefing', area: 'callao', district: DISTRICT, from: '2025-03-01', to: '2025-03-31' },
        ctx,
      );
      await jobsIdle(t.db);
      const done = await jobRecord(t.db, job.id);
      expect(done).toMatchObject({ status: 'done', result: { kind: 'briefing' } });
      // The fault did happen: a failed first attempt, then the retry's.
      const [attempts] = await t.db.query<{ n: number }>(`select last_value::int as n from finish_attempts`);
      expect(attempts?.n).toBeGreaterThanOrEqual(2);
      expect(await drafts()).toBe(before + 1);
      const [{ id }] = (await t.db.query<{ id: number }>(
        `select max(id)::int as id from text_drafts where kind = 'briefing'`,
      )) as [{ id: number }];
      expect(done.result).toMatchObject({ textId: id });
    } finally {
      await engine.stop(5);
      await t.db.query(
        `drop trigger fail_first_finish on jobs; drop function fail_first_finish(); drop sequence finish_attempts;`,
      );
    }
  }, 60_000);
});
