/**
 * Generated texts in the dashboard (issue 14): the roles the server lets generate, edit and review
 * them (kept equal to the permission table by src/server/texts-dashboard.test.ts; the server
 * refuses anyone else anyway), a briefing's PDF link, and the period helpers of the "Resúmenes"
 * form and the community bulletins.
 */
import { utcToLocal } from '../../src/core/time.ts';
import type { Answer, Role } from './api.ts';
import { formatDay } from './i18n.ts';
import { timeZone } from './local-time.ts';

/** A draft as GET /texts/:id answers it for the reviewers' view. */
export type TextDraft = Extract<Answer<'GET /api/v1/texts/:id'>['text'], { versions: unknown }>;
/** A text as listed (drafts view) or published (community). */
export type TextItem = Answer<'GET /api/v1/texts'>['texts'][number];
/** One sentence of a version's verification. */
export type SentenceCheck = TextDraft['versions'][number]['verification']['sentences'][number];

/** Roles that may generate texts (POST /texts of server/permissions.ts). */
export const TEXT_GENERATORS: readonly Role[] = ['admin', 'analyst'];
/** Roles that may edit a draft (PATCH /texts/:id). */
export const TEXT_EDITORS: readonly Role[] = ['admin', 'analyst'];
/** Roles that may approve or reject a draft (POST /texts/:id/review). */
export const TEXT_REVIEWERS: readonly Role[] = ['admin', 'analyst', 'official'];

/** The PDF of a committee briefing draft (GET /texts/:id/pdf). */
export const textPdfUrl = (id: number): string => `/api/v1/texts/${id}/pdf`;

const pad = (n: number): string => String(n).padStart(2, '0');

/** The last whole month before today's in the dashboard's zone: its first and last day. */
export function lastWholeMonth(
  nowMs: number = Date.now(),
  tz: string = timeZone(),
): { from: string; to: string } {
  const { year, month } = utcToLocal(nowMs, tz);
  const y = month === 1 ? year - 1 : year;
  const m = month === 1 ? 12 : month - 1;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${y}-${pad(m)}-01`, to: `${y}-${pad(m)}-${pad(last)}` };
}

/** A stored period (its end exclusive) as "dd/mm/yyyy – dd/mm/yyyy" (the last day included). */
export function periodText(from: string, toExclusive: string): string {
  const [y, m, d] = toExclusive.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
  return `${formatDay(from)} – ${formatDay(last)}`;
}
