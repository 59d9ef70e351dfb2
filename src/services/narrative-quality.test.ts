/**
 * The narrative data-quality report: the pure check on synthetic narratives with a known share of
 * deliberately wrong categories (the flags must find them), and the report read from the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InsufficientDataError, ValidationError } from '../core/errors.ts';
import { mulberry32 } from '../core/random.ts';
import { CRIME_CATEGORIES, type CrimeCategory } from '../core/taxonomy.ts';
import { syntheticNarrative } from '../synthetic/narratives.ts';
import { runCli } from '../test/cli.ts';
import { BACKENDS, CLI_BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { tempFile } from '../test/fixtures.ts';
import { redact } from '../text/redact.ts';
import { getStudyArea } from './areas.ts';
import { writeDemoCsv } from './demo.ts';
import { ingestFile } from './ingest.ts';
import { checkNarratives, type LabelledNarrative, narrativeQuality } from './narrative-quality.ts';

const ACTOR = { actor: 'test', role: 'analyst', ip: null, requestId: null };

const KINDS: CrimeCategory[] = [
  'hurto',
  'robo',
  'extorsion',
  'estafa',
  'lesiones',
  'violencia_familiar',
  'drogas',
];

/** `n` redacted synthetic narratives in time order; `relabel` of them recorded under another category. */
function narratives(
  n: number,
  relabel: number,
  seed: number,
): (LabelledNarrative & { truth: string; raw: string })[] {
  const r = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const truth = KINDS[Math.floor(r() * KINDS.length)] as CrimeCategory;
    const category =
      r() < relabel
        ? (KINDS.filter((k) => k !== truth)[Math.floor(r() * (KINDS.length - 1))] as CrimeCategory)
        : truth;
    const raw = syntheticNarrative(
      { kind: truth, district: 'BELLAVISTA', comisaria: '', hour: Math.floor(r() * 24) },
      r,
    ).text;
    return {
      id: `t:${i}`,
      occurredAt: new Date(Date.UTC(2025, 0, 1) + i * 3_600_000),
      category,
      district: '070102',
      text: redact(raw, { protectedCategory: CRIME_CATEGORIES[category].restricted }).text,
      truth,
      raw,
    };
  });
}

describe('narrative quality check (pure)', () => {
  // 5 % wrong categories in training and checked rows alike (about 20 in the checked third: with
  // the harder narratives — terse ones, clauses shared by related kinds — a handful of relabelled
  // rows cannot be told apart, so fewer would make the recall a coin toss); the first two thirds train.
  const rows = narratives(1200, 0.05, 5);
  const train = rows.slice(0, 800);
  const check = rows.slice(800);
  const report = checkNarratives(train, check, { minClassCount: 10 });
  const wrong = new Set(check.filter((r) => r.category !== r.truth).map((r) => r.id));

  it('flags the deliberately relabelled narratives: recall and precision ≥ 0.8', () => {
    expect(wrong.size).toBeGreaterThanOrEqual(10);
    const hits = report.flags.filter((f) => wrong.has(f.id)).length;
    expect(hits / wrong.size).toBeGreaterThanOrEqual(0.8);
    expect(hits / report.flags.length).toBeGreaterThanOrEqual(0.8);
    expect(report.flagged).toBe(report.flags.length);
    for (const f of report.flags) {
      expect(f.probability).toBeGreaterThanOrEqual(report.threshold);
      expect(f.predicted).not.toBe(f.recorded);
      expect(f.recorded).toBe(check.find((r) => r.id === f.id)?.category);
    }
  });

  it('scores the classifier against the recorded categories, well above the class prior', () => {
    expect(report.checked).toBe(400);
    expect(report.scores.macroF1).toBeGreaterThan(0.8);
    expect(report.scores.logLoss).toBeLessThan(report.scores.priorLogLoss);
    const k = report.classes.length;
    expect(report.scores.confusion).toHaveLength(k);
    expect(report.scores.confusion.flat().reduce((s, v) => s + v, 0)).toBe(400);
  });

  it('quotes the redacted text only, never the original', () => {
    const withPii = check.filter((r) => r.raw !== r.text).map((r) => r.id);
    const quoted = report.flags.filter((f) => withPii.includes(f.id));
    for (const f of quoted) {
      const row = check.find((r) => r.id === f.id);
      expect(f.text).toBe(row?.text);
      expect(f.text).not.toBe(row?.raw);
    }
    for (const f of report.flags) expect(f.text).not.toMatch(/\b\d{8}\b|\b9\d{8}\b/);
  });

  it('lists at most `limit` flags but counts them all; needs narratives on both sides', () => {
    const few = checkNarratives(train, check, { minClassCount: 10, limit: 1 });
    expect(few.flags).toHaveLength(1);
    expect(few.flagged).toBe(report.flagged);
    expect(() => checkNarratives([], check)).toThrow(InsufficientDataError);
    expect(() => checkNarratives(train, [])).toThrow(InsufficientDataError);
  });
});

describe.each(BACKENDS)('narrative quality report on %s', (backend) => {
  let t: TestDb;
  /** Ids of the March narratives the test relabelled (1 in 33: ≈ 3 %). */
  let relabelled: Set<string>;
  beforeAll(async () => {
    t = await createTestDb(backend);
    // A quarter of synthetic Callao incidents with narratives, through the real adapter.
    const area = await getStudyArea(t.db, 'callao');
    const file = tempFile(`narratives-${backend}.csv`, '');
    await writeDemoCsv(area, { years: 0.25, start: '2025-01-01', annualVolume: 12_000, seed: 11 }, file);
    await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao', now: Date.UTC(2026, 0, 1) });
    const moved = await t.db.query<{ id: string }>(
      `with picked as (
         select source, external_id, row_number() over (order by occurred_at, source, external_id) as n
         from incidents
         where study_area = 'callao' and occurred_at >= '2025-03-01T05:00:00Z' and occurred_at < '2025-04-01T05:00:00Z'
           and category in ('hurto', 'robo', 'extorsion', 'lesiones') and btrim(coalesce(narrative, '')) <> '')
       update incidents i set category = case when i.category = 'extorsion' then 'lesiones' else 'extorsion' end
       from picked p where p.source = i.source and p.external_id = i.external_id and p.n % 33 = 0
       returning i.source || ':' || i.external_id as id`,
    );
    relabelled = new Set(moved.map((r) => r.id));
  });
  afterAll(async () => {
    await t.drop();
  });

  it('finds the relabelled narratives of the checked month, trained on the months before, audited', async () => {
    expect(relabelled.size).toBeGreaterThanOrEqual(5);
    const report = await narrativeQuality(
      t.db,
      { area: 'callao', from: '2025-03-01', to: '2025-04-01', trainFrom: '2025-01-01', limit: 1000 },
      ACTOR,
    );
    expect(report.train).toMatchObject({ from: '2025-01-01', to: '2025-03-01' });
    // No look-ahead: training holds exactly the narratives before the checked month.
    const [before] = await t.db.query<{ n: number }>(
      `select count(*)::int as n from incidents where study_area = 'callao' and occurred_at < '2025-03-01T05:00:00Z'
         and btrim(coalesce(narrative, '')) <> ''`,
    );
    expect(report.train.rows).toBe(before?.n);
    const hits = report.flags.filter((f) => relabelled.has(f.id)).length;
    expect(hits / relabelled.size).toBeGreaterThanOrEqual(0.8);
    expect(hits / report.flagged).toBeGreaterThanOrEqual(0.5);
    // Quotes are the redacted narratives: no original text leaves.
    const originals = await t.db.query<{ id: string; narrative: string }>(
      `select source || ':' || external_id as id, narrative from incidents where source || ':' || external_id = any($1)`,
      [report.flags.map((f) => f.id)],
    );
    const original = new Map(originals.map((r) => [r.id, r.narrative]));
    for (const f of report.flags)
      expect(f.text).toBe(
        redact(original.get(f.id) ?? '', {
          protectedCategory: CRIME_CATEGORIES[f.recorded as CrimeCategory]?.restricted ?? false,
        }).text,
      );
    const [entry] = await t.db.query<{ detail: string; actor: string }>(
      `select detail, actor from audit_log where action = 'narratives.quality' order by seq desc limit 1`,
    );
    expect(entry?.actor).toBe('test');
    expect(JSON.parse(entry?.detail ?? '{}')).toMatchObject({
      flagged: report.flagged,
      checked: report.checked,
    });
  });

  it.runIf((CLI_BACKENDS as readonly string[]).includes(backend))(
    'vigia narratives quality: Spanish report with the flagged redacted narratives, --json, usage errors',
    async () => {
      const env = { DATABASE_URL: t.url };
      const args = [
        'narratives',
        'quality',
        '--area',
        'callao',
        '--from',
        '2025-03-01',
        '--to',
        '2025-04-01',
      ];
      const text = await runCli([...args, '--train-from', '2025-01-01'], env);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain('Marcados (la categoría predicha difiere con probabilidad ≥ 0.8)');
      expect(text.stdout).toContain('relato (redactado)');
      const json = await runCli([...args, '--train-from', '2025-01-01', '--json', '--limit', '3'], env);
      expect(json.code, json.stderr).toBe(0);
      const report = JSON.parse(json.stdout) as { flags: { id: string }[]; flagged: number };
      expect(report.flags.length).toBe(Math.min(3, report.flagged));
      expect(text.stdout).toContain(report.flags[0]?.id);
      const bad = await runCli([...args, '--threshold', '2'], env);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--threshold');
    },
  );

  it('refuses bad periods naming the parameter, and a period without training narratives', async () => {
    const q = { area: 'callao', from: '2025-03-01', to: '2025-04-01' };
    await expect(narrativeQuality(t.db, { ...q, to: '2025-02-01' }, ACTOR)).rejects.toThrow(ValidationError);
    await expect(narrativeQuality(t.db, { ...q, from: '2025-13-01' }, ACTOR)).rejects.toThrow(/from/);
    await expect(narrativeQuality(t.db, { ...q, trainFrom: '2025-03-15' }, ACTOR)).rejects.toThrow(
      /train-from/,
    );
    await expect(
      narrativeQuality(t.db, { area: 'callao', from: '2024-06-01', to: '2024-07-01' }, ACTOR),
    ).rejects.toThrow(InsufficientDataError);
  });
});
