/**
 * One valid request per API route for a caller of a given role (the permission walk and the contract
 * test both call every route of the permission table with these).
 */
import { randomUUID } from 'node:crypto';
import { NO_LLM } from '../config/env.ts';
import type { Role } from '../core/access.ts';
import { createToken } from '../services/accounts.ts';
import { generateBriefing } from '../services/briefing-drafts.ts';
import { recordPatrolLog } from '../services/patrol-logs.ts';
import { makePatrolPlan } from '../services/patrol-plans.ts';
import { reviewText, storeDraft } from '../services/texts.ts';
import { train } from '../services/training.ts';
import { getForecast } from '../storage/forecasts.ts';
import { appendChampion } from '../storage/model-lifecycle.ts';
import { type ApiFixture, OFFICER_SECTOR, TEST_PASSWORD, uploadForm } from './api.ts';

let counter = 0;

/** The patrol plan the walk reads and logs against (stored once, then returned again). */
export const PLAN_REQUEST = { area: 'callao', turno: 'noche', group: 'property', units: 10 } as const;
export async function walkPlan(f: ApiFixture): Promise<{ id: number; areaOrder: number }> {
  const { plan } = await makePatrolPlan(f.t.db, {
    ...PLAN_REQUEST,
    actor: { actor: 'test', role: null, ip: null, requestId: null },
  });
  const area = plan.areas.find((a) => a.code === OFFICER_SECTOR);
  return { id: plan.id, areaOrder: area?.order ?? 1 };
}

/** The period of the walk's summary requests: the seeded March. */
export const TEXT_REQUEST = { area: 'callao', from: '2025-03-01', to: '2025-03-31' } as const;

/** A small stored draft, written by the setup actor (cheap: no grounding query, no model). */
function textDraft(f: ApiFixture, audience: 'internal' | 'community'): Promise<number> {
  const grounding = {
    audience,
    area: 'callao',
    district: null,
    period: { from: '2025-03-01', to: '2025-04-01' },
    statistics: [{ id: 'E1', label: 'Delitos de prueba en el periodo', value: 10 }],
    incidents: [],
  };
  return storeDraft(
    f.t.db,
    {
      kind: 'summary',
      grounding,
      generator: 'incorporado',
      modelVersion: null,
      fallbackReason: null,
      prompt: null,
      output: 'Hubo 10 delitos de prueba [E1].',
    },
    { actor: 'test', role: null, ip: null, requestId: null },
  ).then((d) => d.id);
}

/** One approved community text per fixture: what every role's read of /texts/:id asks for. */
const approvedText = new WeakMap<ApiFixture, Promise<number>>();
function approvedCommunityText(f: ApiFixture): Promise<number> {
  let p = approvedText.get(f);
  if (!p) {
    p = textDraft(f, 'community').then(async (id) => {
      await reviewText(
        f.t.db,
        id,
        { decision: 'aprobar' },
        { actor: 'test-reviewer', role: null, ip: null, requestId: null },
      );
      return id;
    });
    approvedText.set(f, p);
  }
  return p;
}

/** One committee briefing draft per fixture (built-in writer): what the PDF route prints. */
const briefingDraft = new WeakMap<ApiFixture, Promise<number>>();
function walkBriefing(f: ApiFixture): Promise<number> {
  let p = briefingDraft.get(f);
  if (!p) {
    p = generateBriefing(f.t.db, {
      ...TEXT_REQUEST,
      district: '070101',
      llm: NO_LLM,
      actor: { actor: 'test', role: null, ip: null, requestId: null },
    }).then((r) => r.draft.id);
    briefingDraft.set(f, p);
  }
  return p;
}

/** Two small trained models per fixture and group (naive-counts, two windows): the lifecycle walk's. */
const lifecycleModels = new WeakMap<ApiFixture, Map<string, Promise<[number, number]>>>();
function twoModels(f: ApiFixture, group: string): Promise<[number, number]> {
  const byGroup = lifecycleModels.get(f) ?? new Map<string, Promise<[number, number]>>();
  lifecycleModels.set(f, byGroup);
  let p = byGroup.get(group);
  if (!p) {
    const who = { actor: 'test', role: null, ip: null, requestId: null };
    const one = (windowDays: number) =>
      train(f.t.db, {
        area: 'callao',
        group,
        model: 'naive-counts',
        until: '2025-03-01',
        horizon: 'day',
        settings: { windowDays },
        audit: who,
      }).then((r) => r.model.id);
    p = one(30).then(async (a) => [a, await one(60)]);
    byGroup.set(group, p);
  }
  return p;
}

/** Sets a key's champion history to `ids` in order (test setup: the walk repeats each call per role). */
async function championHistory(f: ApiFixture, group: string, ids: number[]): Promise<void> {
  await f.t.db.query(`delete from model_champions where study_area = 'callao' and crime_group = $1`, [group]);
  for (const [i, id] of ids.entries())
    await appendChampion(f.t.db, {
      area: 'callao',
      group,
      horizon: 'day',
      trainedModelId: id,
      cause: i === 0 ? 'first' : 'promotion',
      decisionId: null,
      createdBy: 'test',
    });
}

/** Statuses of an allowed call of the example request. */
export const expectedOk = (key: string): number[] =>
  key === 'POST /api/v1/auth/password' ? [400] : [200, 201, 202, 204];

/** A valid request for each route, for a caller of `role`. */
export async function example(
  f: ApiFixture,
  key: string,
  role: Role,
  jobId: number,
): Promise<{ path: string; body?: unknown; form?: FormData }> {
  const SETUP = { actor: 'test', role: null, ip: null, requestId: null };
  switch (key) {
    case 'POST /api/v1/auth/logout':
      return { path: '/api/v1/auth/logout' };
    case 'POST /api/v1/auth/password':
      // A wrong current password: 400 when the route is open to the caller, 403 when it is not.
      return {
        path: '/api/v1/auth/password',
        body: { currentPassword: 'no-es-la-clave', newPassword: 'otra-clave-larga-123' },
      };
    case 'GET /api/v1/forecasts/current':
      return { path: '/api/v1/forecasts/current?group=property&turno=noche' };
    case 'GET /api/v1/crime-types': {
      // A cell of the stored forecast's grid inside the area.
      const stored = await getForecast(f.t.db, f.forecastId);
      return { path: `/api/v1/crime-types?cell=${stored?.surface.mask.indexOf(1)}&turno=noche` };
    }
    case 'GET /api/v1/forecasts/:id':
      return { path: `/api/v1/forecasts/${f.forecastId}` };
    case 'GET /api/v1/forecasts/:id/hotspots':
      return { path: `/api/v1/forecasts/${f.forecastId}/hotspots?limit=3` };
    case 'GET /api/v1/forecasts/:id/cells/:cell/why': {
      const stored = await getForecast(f.t.db, f.forecastId);
      return { path: `/api/v1/forecasts/${f.forecastId}/cells/${stored?.surface.mask.indexOf(1)}/why` };
    }
    case 'GET /api/v1/backtests/:id':
      return { path: `/api/v1/backtests/${f.reportId}` };
    case 'GET /api/v1/incidents':
      return { path: '/api/v1/incidents?limit=20' };
    case 'POST /api/v1/ingest/jobs':
      return { path: '/api/v1/ingest/jobs?format=sidpol-geo', form: uploadForm() };
    // Issue 13: a clearly fake population (re-loading it is idempotent), periods of whole months.
    case 'POST /api/v1/populations':
      return {
        path: '/api/v1/populations?source=FICTICIO',
        form: uploadForm('poblacion.csv', 'distrito,año,población\n070101,2025,100000\n'),
      };
    case 'GET /api/v1/indicators':
    case 'GET /api/v1/indicators/report.pdf':
    case 'GET /api/v1/indicators/report.xlsx':
      return { path: `${key.split(' ')[1]}?from=2025-01-01&to=2025-01-31` };
    case 'GET /api/v1/exports/incidents':
      return { path: '/api/v1/exports/incidents?format=csv&from=2025-03-01&to=2025-03-07' };
    case 'GET /api/v1/exports/backtests/:id':
      return { path: `/api/v1/exports/backtests/${f.reportId}?format=parquet` };
    case 'GET /api/v1/ingest/jobs/:id':
      return { path: `/api/v1/ingest/jobs/${jobId}` };
    case 'GET /api/v1/jobs/failed':
      return { path: '/api/v1/jobs/failed?limit=5' };
    case 'POST /api/v1/jobs/failed/:id/retry': {
      // A dead-lettered engine job of its own per call (no record: a retried run does nothing).
      const [dead] = await f.t.db.query<{ id: string }>(
        `insert into pgboss.job (id, name, data, state, completed_on)
         values (gen_random_uuid(), 'vigia-ingest', '{"jobId": 0}', 'failed', now()) returning id::text`,
      );
      return { path: `/api/v1/jobs/failed/${dead?.id}/retry` };
    }
    case 'GET /api/v1/ingest/jobs/:id/rejects':
      return { path: `/api/v1/ingest/jobs/${jobId}/rejects` };
    // Jobs (issue 15): valid requests whose runs end at once on their input (a day before the
    // seeded data; a district the area does not have), so that the walk, which checks the answers
    // (202 with the record), does not wait for backtests and briefings run in its background.
    // Their runs are checked in server/lifecycle-api.test.ts.
    case 'POST /api/v1/jobs/backtests':
      return { path: '/api/v1/jobs/backtests', body: { from: '2024-01-01', to: '2024-01-02' } };
    case 'POST /api/v1/jobs/briefings':
      return {
        path: '/api/v1/jobs/briefings',
        body: { kind: 'briefing', district: '000000', ...TEXT_REQUEST },
      };
    case 'GET /api/v1/jobs/:id':
      return { path: `/api/v1/jobs/${jobId}` };
    case 'POST /api/v1/tokens':
      return { path: '/api/v1/tokens', body: { name: 'walk', scopes: ['read'] } };
    case 'DELETE /api/v1/tokens/:id': {
      const u = f.users[role];
      const t = await createToken(
        f.t.db,
        { id: u.id, username: u.username, role },
        { name: 'to-revoke', scopes: ['read'] },
        SETUP,
      );
      return { path: `/api/v1/tokens/${t.id}` };
    }
    case 'POST /api/v1/patrol-plans':
      return { path: '/api/v1/patrol-plans', body: PLAN_REQUEST };
    case 'GET /api/v1/patrol-plans/current':
      await walkPlan(f);
      return { path: '/api/v1/patrol-plans/current?turno=noche&group=property' };
    case 'GET /api/v1/patrol-disparity':
      return { path: '/api/v1/patrol-disparity?from=2025-03-29&to=2025-03-30&group=property' };
    case 'GET /api/v1/patrol-scenarios':
      return { path: '/api/v1/patrol-scenarios?turno=noche&group=property&maxUnits=2' };
    case 'GET /api/v1/patrol-effect':
      return { path: '/api/v1/patrol-effect?from=2025-03-29&to=2025-03-30&group=property' };
    // Issue 14: the seeded quarter's narratives — train on February, check March.
    case 'GET /api/v1/narratives/quality':
      return {
        path: '/api/v1/narratives/quality?from=2025-03-01&to=2025-04-01&trainFrom=2025-02-01&limit=5',
      };
    case 'GET /api/v1/patrol-logs':
      return { path: `/api/v1/patrol-logs?plan=${(await walkPlan(f)).id}` };
    case 'GET /api/v1/patrol-plans/:id/mission-sheet.pdf':
      return { path: `/api/v1/patrol-plans/${(await walkPlan(f)).id}/mission-sheet.pdf` };
    case 'POST /api/v1/patrol-logs': {
      // A check-in stored for the officer, closed by the request (visits one after another).
      const plan = await walkPlan(f);
      const minute = ++counter;
      const at = (m: number): string => new Date(Date.UTC(2025, 2, 31, 0, m)).toISOString();
      const checkIn = randomUUID();
      const u = f.users.officer;
      if (role === 'officer')
        await recordPatrolLog(
          f.t.db,
          { userId: u.id, username: u.username, role, scopes: ['read'], via: 'token' },
          {
            id: checkIn,
            kind: 'check-in',
            planId: plan.id,
            areaOrder: plan.areaOrder,
            at: new Date(at(2 * minute)),
          },
          SETUP,
        );
      return {
        path: '/api/v1/patrol-logs',
        body: {
          id: randomUUID(),
          kind: 'check-out',
          planId: plan.id,
          areaOrder: plan.areaOrder,
          checkIn,
          at: at(2 * minute + 1),
          report: 'sin novedad',
        },
      };
    }
    // Issue 14: generated texts. Every role reads the same approved community text (the one the
    // community view may see); edits and reviews each get a fresh draft.
    case 'GET /api/v1/models/lifecycle':
      return { path: '/api/v1/models/lifecycle?group=property' };
    case 'POST /api/v1/models/promote': {
      // No champion yet: the model becomes the first one (a promotion by backtest is tested in
      // services/model-lifecycle.test.ts).
      const [a] = await twoModels(f, 'property');
      await championHistory(f, 'property', []);
      return { path: '/api/v1/models/promote', body: { challenger: a } };
    }
    case 'POST /api/v1/models/rollback': {
      const [a, b] = await twoModels(f, 'violent');
      await championHistory(f, 'violent', [a, b]);
      return { path: '/api/v1/models/rollback', body: { to: a } };
    }
    case 'POST /api/v1/texts':
      return { path: '/api/v1/texts', body: { kind: 'summary', audience: 'internal', ...TEXT_REQUEST } };
    case 'GET /api/v1/texts/:id':
      return { path: `/api/v1/texts/${await approvedCommunityText(f)}` };
    case 'GET /api/v1/texts/:id/pdf':
      return { path: `/api/v1/texts/${await walkBriefing(f)}/pdf` };
    case 'PATCH /api/v1/texts/:id':
      return {
        path: `/api/v1/texts/${await textDraft(f, 'internal')}`,
        body: { body: 'Texto editado [E1].' },
      };
    case 'POST /api/v1/texts/:id/review':
      return {
        path: `/api/v1/texts/${await textDraft(f, 'internal')}/review`,
        body: { decision: 'aprobar' },
      };
    case 'POST /api/v1/users':
      return {
        path: '/api/v1/users',
        body: { username: `walk-${role}-${++counter}`, role: 'community', password: TEST_PASSWORD },
      };
    case 'PATCH /api/v1/users/:id':
      return { path: `/api/v1/users/${f.users.community.id}`, body: { displayName: `Líder ${++counter}` } };
    default: {
      const [, path] = key.split(' ');
      return { path: path as string };
    }
  }
}
