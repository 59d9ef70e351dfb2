/**
 * Generated texts over HTTP on both stores (issue 14): a real server on a port with a local
 * OpenAI-compatible model server; generation, the four-eyes review, and what community readers can
 * obtain (never a draft, never a text built from narratives).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_LLM } from '../config/env.ts';
import { ROLE_SCOPES, ROLES, type Role } from '../core/access.ts';
import { createToken, createUser } from '../services/accounts.ts';
import { getStudyArea } from '../services/areas.ts';
import { writeDemoCsv } from '../services/demo.ts';
import { ingestFile } from '../services/ingest.ts';
import { call } from '../test/api.ts';
import { BACKENDS, createTestDb, type TestDb } from '../test/db.ts';
import { buildApp, type VigiaApp } from './app.ts';

const SETUP = { actor: 'test-setup', role: null, ip: null, requestId: null };
const MARCH = { area: 'callao', from: '2025-03-01', to: '2025-03-31' };
const DNI = '45678912';

describe.each(BACKENDS)('texts API (%s store)', (backend) => {
  let t: TestDb;
  let app: VigiaApp;
  let base: string;
  let model: Server;
  let uploadDir: string;
  const tokens = {} as Record<Role, string>;
  const as = (role: Role, method: string, path: string, body?: unknown) =>
    call({ base }, method, path, { token: tokens[role], ...(body !== undefined ? { body } : {}) });

  beforeAll(async () => {
    t = await createTestDb(backend);
    const dir = mkdtempSync(join(tmpdir(), 'vigia-texts-api-'));
    try {
      const file = join(dir, 'demo.csv');
      await writeDemoCsv(
        await getStudyArea(t.db, 'callao'),
        { years: 0.25, start: '2025-01-01', annualVolume: 3000, seed: 8 },
        file,
      );
      await ingestFile(t.db, { file, adapter: 'sidpol-geo', area: 'callao' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await t.db.query(
      `update incidents set narrative = 'Le robaron el celular en el paradero. Dos sujetos huyeron.'
       where ctid in (select ctid from incidents where category = 'robo' and occurred_at >= '2025-03-05T05:00Z' limit 3)`,
    );
    for (const role of ROLES) {
      const u = await createUser(
        t.db,
        { username: `u-${role}`, role, password: 'clave-de-prueba-larga' },
        SETUP,
      );
      tokens[role] = (await createToken(t.db, u, { name: 't', scopes: ROLE_SCOPES[role] }, SETUP)).token;
    }
    // A model that leaks a DNI in its only sentence.
    model = createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            id: 'x',
            object: 'chat.completion',
            created: 0,
            model: 'prueba',
            choices: [
              {
                index: 0,
                finish_reason: 'stop',
                message: { role: 'assistant', content: `Robo denunciado por el DNI ${DNI} [E1].` },
              },
            ],
          }),
        ),
      );
    });
    await new Promise<void>((r) => model.listen(0, '127.0.0.1', r));
    uploadDir = mkdtempSync(join(tmpdir(), 'vigia-texts-up-'));
    app = buildApp({
      db: t.db,
      logLevel: 'silent',
      uploadDir,
      http: { rateLimitPerMinute: 100_000, contractDrift: 'fail' },
      llm: {
        ...NO_LLM,
        url: `http://127.0.0.1:${(model.address() as AddressInfo).port}/v1`,
        model: 'prueba',
        timeoutMs: 5000,
      },
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await new Promise((r) => model.close(r));
    rmSync(uploadDir, { recursive: true, force: true });
    await t.drop();
  });

  it('analysts generate drafts through the model; the leaked DNI never leaves the server, the sentence is marked', async () => {
    const r = await as('analyst', 'POST', '/api/v1/texts', {
      kind: 'summary',
      audience: 'internal',
      ...MARCH,
    });
    expect(r.status).toBe(201);
    expect(r.text).not.toContain(DNI);
    const text = (
      r.body as {
        text: {
          generator: string;
          status: string;
          versions: { verification: { leaks: string[]; sentences: { status: string }[] } }[];
        };
      }
    ).text;
    expect(text).toMatchObject({ generator: 'openai:prueba', status: 'borrador' });
    expect(text.versions[0]?.verification.leaks).toEqual(['dni']);
    expect(text.versions[0]?.verification.sentences[0]?.status).toBe('sin verificar');
    for (const role of ['community', 'researcher', 'officer', 'planner', 'official'] as const)
      expect(
        (await as(role, 'POST', '/api/v1/texts', { kind: 'summary', audience: 'community', ...MARCH }))
          .status,
        role,
      ).toBe(403);
    const bad = await as('analyst', 'POST', '/api/v1/texts', {
      kind: 'summary',
      audience: 'community',
      area: 'callao',
      from: '2025-03-02',
      to: '2025-03-31',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/primer día de un mes/);
  });

  it('community readers never obtain a draft nor an internal text, approved or not; only approved community texts, text alone', async () => {
    const gen = async (audience: string) =>
      (
        (await as('admin', 'POST', '/api/v1/texts', { kind: 'summary', audience, ...MARCH })).body as {
          text: { id: number };
        }
      ).text.id;
    const internal = await gen('internal');
    const community = await gen('community');
    const pending = await gen('community');
    // The generator cannot approve; an official can.
    expect(
      (await as('admin', 'POST', `/api/v1/texts/${community}/review`, { decision: 'aprobar' })).status,
    ).toBe(422);
    for (const id of [internal, community])
      expect(
        (await as('official', 'POST', `/api/v1/texts/${id}/review`, { decision: 'aprobar' })).status,
      ).toBe(200);
    for (const id of [internal, pending]) {
      const r = await as('community', 'GET', `/api/v1/texts/${id}`);
      expect(r.status, String(id)).toBe(404);
    }
    const ok = await as('community', 'GET', `/api/v1/texts/${community}`);
    expect(ok.status).toBe(200);
    expect(Object.keys((ok.body as { text: object }).text).sort()).toEqual(
      ['area', 'audience', 'district', 'id', 'kind', 'periodFrom', 'periodTo', 'reviewedAt', 'text'].sort(),
    );
    const list = await as('community', 'GET', '/api/v1/texts');
    expect((list.body as { view: string; texts: { id: number }[] }).view).toBe('published');
    expect((list.body as { texts: { id: number }[] }).texts.map((x) => x.id)).toEqual([community]);
    expect(list.text).not.toContain('Le robaron');
    const drafts = await as('official', 'GET', '/api/v1/texts');
    expect((drafts.body as { texts: unknown[] }).texts.length).toBeGreaterThanOrEqual(4);
    expect((await as('researcher', 'GET', '/api/v1/texts')).status).toBe(403);
    // Edits of a reviewed text are refused.
    expect((await as('analyst', 'PATCH', `/api/v1/texts/${community}`, { body: 'Nuevo [E1].' })).status).toBe(
      409,
    );
  });

  it('briefings and bulletins are generated through POST /texts (kind); the briefing PDF downloads, audited; no other text has one', async () => {
    type Draft = { text: { id: number; kind: string; audience: string; district: string | null } };
    const briefing = await as('analyst', 'POST', '/api/v1/texts', {
      kind: 'briefing',
      district: '070101',
      ...MARCH,
    });
    expect(briefing.status).toBe(201);
    expect(briefing.text).not.toContain(DNI);
    const b = (briefing.body as Draft).text;
    expect(b).toMatchObject({ kind: 'briefing', audience: 'internal', district: '070101' });
    const bulletin = await as('analyst', 'POST', '/api/v1/texts', {
      kind: 'bulletin',
      district: '070101',
      ...MARCH,
    });
    expect(bulletin.status).toBe(201);
    expect((bulletin.body as Draft).text).toMatchObject({
      kind: 'bulletin',
      audience: 'community',
      district: '070101',
    });
    // Bad input names the field: a briefing needs its district, a bulletin whole months.
    const noDistrict = await as('analyst', 'POST', '/api/v1/texts', { kind: 'briefing', ...MARCH });
    expect(noDistrict.status).toBe(400);
    expect(noDistrict.text).toMatch(/district/);
    const unknown = await as('analyst', 'POST', '/api/v1/texts', {
      kind: 'briefing',
      district: '999999',
      ...MARCH,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toMatch(/999999/);
    const halfMonth = await as('analyst', 'POST', '/api/v1/texts', {
      kind: 'bulletin',
      ...MARCH,
      from: '2025-03-02',
    });
    expect(halfMonth.status).toBe(400);
    expect(halfMonth.text).toMatch(/primer día de un mes/);
    expect(
      (await as('official', 'POST', '/api/v1/texts', { kind: 'briefing', district: '070101', ...MARCH }))
        .status,
    ).toBe(403);

    const audited = async () =>
      (
        await t.db.query<{ n: number }>(
          `select count(*)::int as n from audit_log where action = 'briefing.pdf' and target = $1`,
          [`text:${b.id}`],
        )
      )[0]?.n;
    const before = await audited();
    const pdf = await fetch(`${base}/api/v1/texts/${b.id}/pdf`, {
      headers: { authorization: `Bearer ${tokens.official}` },
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toMatch(/application\/pdf/);
    expect(pdf.headers.get('content-disposition')).toContain(
      'informe-codisec-070101-2025-03-01-2025-03-31.pdf',
    );
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString('latin1'),
    ).toBe('%PDF-');
    expect(await audited()).toBe((before ?? 0) + 1);
    // A bulletin or a summary has no PDF; community readers get none at all.
    expect((await as('analyst', 'GET', `/api/v1/texts/${(bulletin.body as Draft).text.id}/pdf`)).status).toBe(
      404,
    );
    expect((await as('community', 'GET', `/api/v1/texts/${b.id}/pdf`)).status).toBe(403);
    expect((await as('analyst', 'GET', '/api/v1/texts/999999/pdf')).status).toBe(404);
  });
});
