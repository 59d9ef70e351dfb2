/**
 * What a summary's writer is given, from the store (issue 14, docs/text.md#resúmenes): for an
 * area, an optional district, a period and an audience, a `Grounding` (src/text/grounding.ts).
 *
 * Statistics: per crime group (core/taxonomy.ts), the count of the period and of the previous
 * period of equal length (whole months when the period is whole months), and the change in percent;
 * without a district, the count per district too. Each with an id `E1…` and a Spanish label without
 * digits (a label's number would be read as a claim). Counts follow an aggregate view of
 * services/queries.ts, never re-implemented here: `exact` for internal texts (no protected
 * category), `suppressed` for community texts (sums of published cells, 0 or ≥ 5; a count with
 * nothing published is left out).
 *
 * Excerpts (internal texts only): the newest narratives of the period, never of a protected
 * category, redacted (src/text/redact.ts) before they enter the Grounding, each checked for
 * planted instructions (flagged, never dropped silently). Community texts get statistics only.
 */
import type { AggregateView } from '../core/access.ts';
import { ValidationError } from '../core/errors.ts';
import { CRIME_CATEGORIES, CRIME_GROUP_LABELS, CRIME_GROUPS, isCategory } from '../core/taxonomy.ts';
import type { Db } from '../storage/db.ts';
import { listIncidents } from '../storage/incidents.ts';
import type { Audience, Grounding, IncidentExcerpt, Statistic } from '../text/grounding.ts';
import { redact } from '../text/redact.ts';
import { injectionFlag } from '../text/verify.ts';
import { cachedStats } from './aggregate-cache.ts';
import { getStudyArea } from './areas.ts';
import { addDays } from './data-age.ts';
import { aggregateFilter, shownSum } from './queries.ts';

/** Excerpts an internal Grounding holds at most, and the characters kept of each. */
export const EXCERPT_LIMITS = { count: 12, chars: 1200, scanned: 500 } as const;

export interface GroundingRequest {
  area: string;
  district?: string | null;
  /** First and last local day, YYYY-MM-DD (inclusive). */
  from: string;
  to: string;
  audience: Audience;
}

/** The aggregate view a text for this audience is built from. */
export function viewFor(audience: Audience): AggregateView {
  return audience === 'community' ? 'suppressed' : 'exact';
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The previous period of equal length: whole months back when the period is whole months. */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const next = addDays(to, 1);
  if (from.endsWith('-01') && next.endsWith('-01')) {
    const months =
      (Number(next.slice(0, 4)) - Number(from.slice(0, 4))) * 12 +
      Number(next.slice(5, 7)) -
      Number(from.slice(5, 7));
    const d = new Date(`${from}T00:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() - months);
    return { from: d.toISOString().slice(0, 10), to: addDays(from, -1) };
  }
  const days = Math.round((Date.parse(next) - Date.parse(from)) / 86_400_000);
  return { from: addDays(from, -days), to: addDays(from, -1) };
}

/** A count as the view shows it: the sum of shown cells; null when only withheld cells hold incidents. */
function shown(rows: readonly { count: number | null; suppressed: boolean }[]): number | null {
  const sum = rows.reduce((a, r) => a + (r.count ?? 0), 0);
  return sum === 0 && rows.some((r) => r.suppressed) ? null : sum;
}

/**
 * The Grounding of a summary.
 * @throws ValidationError naming from, to or district; the community view's rules (whole months)
 */
export async function buildGrounding(db: Db, req: GroundingRequest): Promise<Grounding> {
  for (const f of ['from', 'to'] as const)
    if (!DAY.test(req[f])) throw new ValidationError(f, 'use una fecha AAAA-MM-DD');
  if (req.from > req.to) throw new ValidationError('from', 'from debe ser anterior o igual a to');
  const view = viewFor(req.audience);
  const area = await getStudyArea(db, req.area);
  const districts = req.district ? [req.district] : undefined;
  const prev = previousPeriod(req.from, req.to);
  const table = async (p: { from: string; to: string }) => {
    const { area: a, filter } = await aggregateFilter(
      db,
      { area: area.def.id, from: p.from, to: p.to, ...(districts ? { districts } : {}) },
      view,
    );
    const rows = await cachedStats(db, filter, a.def.timeZone);
    // Each cell as the view shows it (the rule of services/queries.ts).
    return rows.map((r) => ({ ...r, ...shownSum([r.count], view) }));
  };
  const now = await table(req);
  const before = await table(prev);
  const districtName = req.district
    ? (area.def.districts.find((d) => d.code === req.district)?.name ?? req.district)
    : area.def.name;
  const statistics: Statistic[] = [];
  const add = (label: string, value: number | null, unit?: string): void => {
    if (value === null) return;
    statistics.push({ id: `E${statistics.length + 1}`, label, value, ...(unit ? { unit } : {}) });
  };
  for (const [group, members] of Object.entries(CRIME_GROUPS)) {
    const inGroup = (r: { category: string }): boolean => (members as readonly string[]).includes(r.category);
    const a = shown(now.filter(inGroup));
    const b = shown(before.filter(inGroup));
    const name = CRIME_GROUP_LABELS[group as keyof typeof CRIME_GROUPS];
    add(`Delitos del grupo ${name} en ${districtName}, en el periodo`, a);
    add(`Delitos del grupo ${name} en ${districtName}, en el periodo anterior de igual duración`, b);
    if (a !== null && b !== null && b > 0)
      add(
        `Variación de los delitos del grupo ${name} en ${districtName} frente al periodo anterior`,
        Math.round(((a - b) / b) * 1000) / 10,
        '%',
      );
  }
  if (!req.district) {
    const all = CRIME_GROUPS.all as readonly string[];
    for (const d of area.def.districts)
      add(
        `Delitos (todos, sin categorías protegidas) en el distrito ${d.name}, en el periodo`,
        shown(now.filter((r) => r.districtCode === d.code && all.includes(r.category))),
      );
  }
  return {
    audience: req.audience,
    area: area.def.id,
    district: req.district ?? null,
    period: { from: req.from, to: addDays(req.to, 1) },
    statistics,
    incidents: req.audience === 'internal' ? await excerpts(db, area.def.id, req, districts) : [],
  };
}

/** The newest narratives of the period, outside protected categories, redacted and checked. */
async function excerpts(
  db: Db,
  area: string,
  req: GroundingRequest,
  districts: string[] | undefined,
): Promise<IncidentExcerpt[]> {
  const { filter } = await aggregateFilter(
    db,
    { area, from: req.from, to: req.to, ...(districts ? { districts } : {}) },
    'exact',
  );
  const rows = await listIncidents(
    db,
    { ...filter, excludeRestricted: true },
    { limit: EXCERPT_LIMITS.scanned, showRestricted: false },
  );
  const out: IncidentExcerpt[] = [];
  for (const r of rows) {
    if (out.length >= EXCERPT_LIMITS.count) break;
    // Only the redacted text stored at ingest leaves storage here (none yet: fail closed).
    const narrative = r.narrativeRedacted;
    if (
      !narrative?.trim() ||
      r.restricted ||
      (isCategory(r.category) && CRIME_CATEGORIES[r.category].restricted)
    )
      continue;
    const text = redact(narrative.slice(0, EXCERPT_LIMITS.chars), { protectedCategory: false }).text;
    const flag = injectionFlag(text);
    out.push({
      id: r.id,
      text,
      category: r.category,
      district: r.districtName,
      occurredAt: new Date(r.occurredAt).toISOString(),
      ...(flag ? { flag } : {}),
    });
  }
  return out;
}
