/**
 * The officer's shift: the sector's plan for a turno (GET /patrol-plans/current), the visits made
 * (GET /patrol-logs of the plan, plus what is still queued on the phone) and the check-in /
 * check-out actions, which go through the persistent queue (patrol-queue.ts).
 */
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { type Answer, ApiError, get, type Me } from './api.ts';
import { t } from './i18n.ts';
import { type PatrolEntry, PatrolQueue, type PatrolReport, type QueueState } from './patrol-queue.ts';

/** GET /patrol-plans/current in the officer's (sector) view: the contract's answer. */
export type ShiftPlan = Answer<'GET /api/v1/patrol-plans/current'>;

/** One area of the officer's plan, as the plan service stored it. */
export type PlanArea = NonNullable<ShiftPlan['areas']>[number];

/** A visit to an area: a check-in and, once closed, its check-out. */
export interface Visit {
  checkIn: PatrolEntry & { kind: 'check-in' };
  checkOut: (PatrolEntry & { kind: 'check-out' }) | null;
  /** Not yet accepted by the server (still in the phone's queue). */
  pending: boolean;
}

export type PlanState =
  | { state: 'loading' }
  | { state: 'no-sector' }
  | { state: 'none' }
  | { state: 'error'; message: string }
  | { state: 'ok'; data: ShiftPlan };

/** Minutes of a visit from the two device times (the server computes the same). */
export function visitMinutes(v: Visit): number | null {
  return v.checkOut ? (Date.parse(v.checkOut.at) - Date.parse(v.checkIn.at)) / 60_000 : null;
}

/**
 * A random (version 4) UUID made on the device. `crypto.randomUUID` exists only in secure contexts
 * (https, localhost); a dashboard served over plain http on a station's network falls back to
 * `crypto.getRandomValues`, which every context has.
 */
export function deviceUuid(): string {
  if (typeof crypto.randomUUID === 'function' && window.isSecureContext) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] as number) & 0x0f) | 0x40;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** One queue per user and browser (a shared phone keeps each officer's entries apart). */
function useQueue(username: string): { queue: PatrolQueue; state: QueueState } {
  const queue = useMemo(() => new PatrolQueue(`vigia.patrolQueue.${username}`), [username]);
  useEffect(() => {
    queue.start();
    return () => queue.stop();
  }, [queue]);
  const state = useSyncExternalStore(queue.subscribe, queue.getState);
  return { queue, state };
}

export function useShift(
  me: Me,
  turno: string,
  day: string,
): {
  plan: PlanState;
  visits: Map<number, Visit[]>;
  open: Visit | null;
  queue: QueueState;
  checkIn: (areaOrder: number) => void;
  checkOut: (areaOrder: number, report: PatrolReport, tactic: string, note: string) => void;
  dismissRefusals: () => void;
} {
  const sector = me.user.sector ?? null;
  const { queue, state: queueState } = useQueue(me.user.username);
  const [plan, setPlan] = useState<PlanState>({ state: 'loading' });
  // Entries known to be on the server, and those made here (kept after they leave the queue).
  const [known, setKnown] = useState<PatrolEntry[]>([]);

  useEffect(() => {
    if (!sector) return setPlan({ state: 'no-sector' });
    let cancelled = false;
    setPlan({ state: 'loading' });
    setKnown([]);
    get('GET /api/v1/patrol-plans/current', { turno, day })
      .then(async (data) => {
        if (cancelled) return;
        setPlan({ state: 'ok', data });
        const logs = await get('GET /api/v1/patrol-logs', { plan: data.plan.id }).catch(() => ({
          entries: [],
        }));
        if (!cancelled) setKnown((k) => [...logs.entries, ...k] as PatrolEntry[]);
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        if (e instanceof ApiError && e.status === 404) setPlan({ state: 'none' });
        else setPlan({ state: 'error', message: e instanceof Error ? e.message : t('unexpected') });
      });
    return () => {
      cancelled = true;
    };
  }, [sector, turno, day]);

  const planId = plan.state === 'ok' ? plan.data.plan.id : null;
  const { visits, open } = useMemo(() => {
    const refused = new Set(queueState.refused.map((r) => r.entry.id));
    const pendingIds = new Set(queueState.pending.map((e) => e.id));
    const byId = new Map<string, PatrolEntry>();
    for (const e of [...known, ...queueState.pending])
      if (e.planId === planId && !refused.has(e.id)) byId.set(e.id, e);
    const all = [...byId.values()].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    const visits = new Map<number, Visit[]>();
    const byCheckIn = new Map<string, Visit>();
    for (const e of all)
      if (e.kind === 'check-in') {
        const v: Visit = { checkIn: e, checkOut: null, pending: pendingIds.has(e.id) };
        byCheckIn.set(e.id, v);
        visits.set(e.areaOrder, [...(visits.get(e.areaOrder) ?? []), v]);
      }
    for (const e of all)
      if (e.kind === 'check-out') {
        const v = byCheckIn.get(e.checkIn);
        if (v) {
          v.checkOut = e;
          v.pending ||= pendingIds.has(e.id);
        }
      }
    const open = [...byCheckIn.values()].find((v) => v.checkOut === null) ?? null;
    return { visits, open };
  }, [known, queueState, planId]);

  const add = useCallback(
    (entry: PatrolEntry) => {
      setKnown((k) => [...k, entry]);
      queue.add(entry);
    },
    [queue],
  );

  return {
    plan,
    visits,
    open,
    queue: queueState,
    checkIn: (areaOrder) => {
      if (planId === null || open) return;
      add({ id: deviceUuid(), kind: 'check-in', planId, areaOrder, at: new Date().toISOString() });
    },
    checkOut: (areaOrder, report, tactic, note) => {
      if (planId === null || !open || open.checkIn.areaOrder !== areaOrder) return;
      add({
        id: deviceUuid(),
        kind: 'check-out',
        planId,
        areaOrder,
        checkIn: open.checkIn.id,
        at: new Date().toISOString(),
        report,
        ...(tactic ? { tactic } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      });
    },
    dismissRefusals: () => queue.dismissRefusals(),
  };
}
