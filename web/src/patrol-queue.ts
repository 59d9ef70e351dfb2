/**
 * The officer's outbox of patrol-log entries (check-in / check-out) for a poor connection: every
 * entry is written to localStorage first and then sent in order, one at a time, to
 * POST /api/v1/patrol-logs. A failure that may pass (offline, timeout, 5xx, 401, 408, 429) keeps the
 * entry at the head and retries with backoff and on the browser's `online` event; any other 4xx
 * answer would never succeed, so the entry leaves the queue and its (Spanish) message is reported —
 * with the queued check-outs that close a refused check-in. A `200 duplicate: true` (a resend of an
 * entry the server already has) counts as sent. Entries carry device-generated UUIDs, so resends are
 * idempotent on the server.
 */
import { ApiError, api } from './api.ts';

/** One patrol-log entry as the API takes it (docs/prevention.md, "Check-in and check-out"). */
export type PatrolEntry =
  | { id: string; kind: 'check-in'; planId: number; areaOrder: number; at: string }
  | {
      id: string;
      kind: 'check-out';
      planId: number;
      areaOrder: number;
      checkIn: string;
      at: string;
      report: PatrolReport;
      tactic?: string;
      note?: string;
    };

export const PATROL_REPORTS = ['sin novedad', 'incidente atendido', 'táctica aplicada'] as const;
export type PatrolReport = (typeof PATROL_REPORTS)[number];

/** An entry the server refused for good (4xx), with its message. */
export interface Refusal {
  entry: PatrolEntry;
  status: number;
  message: string;
}

export interface QueueState {
  pending: PatrolEntry[];
  refused: Refusal[];
  sending: boolean;
}

/** Answers that may succeed later: the entry stays queued. */
const RETRYABLE_4XX = new Set([401, 408, 429]);
const TIMEOUT_MS = 15_000;
const BACKOFF_MS = [2_000, 5_000, 15_000, 30_000, 60_000];

/** Sends one entry; resolves 'sent', 'retry' or a refusal. */
async function send(entry: PatrolEntry): Promise<'sent' | 'retry' | { status: number; message: string }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  try {
    await api(
      '/patrol-logs',
      { method: 'POST', body: entry, signal: abort.signal },
      'POST /api/v1/patrol-logs',
    );
    return 'sent';
  } catch (e) {
    if (e instanceof ApiError && e.status >= 400 && e.status < 500 && !RETRYABLE_4XX.has(e.status))
      return { status: e.status, message: e.message };
    return 'retry';
  } finally {
    clearTimeout(timer);
  }
}

export class PatrolQueue {
  private pending: PatrolEntry[];
  private refused: Refusal[] = [];
  private sending = false;
  private started = false;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<() => void>();
  private snapshot: QueueState;
  private readonly onOnline = (): void => {
    this.failures = 0;
    void this.flush();
  };

  /** `key`: the localStorage key (one queue per user on a shared phone). */
  constructor(private readonly key: string) {
    this.pending = PatrolQueue.read(key);
    this.snapshot = this.makeSnapshot();
  }

  private static read(key: string): PatrolEntry[] {
    try {
      const parsed = JSON.parse(localStorage.getItem(key) ?? '[]') as unknown;
      return Array.isArray(parsed) ? (parsed as PatrolEntry[]) : [];
    } catch {
      return [];
    }
  }

  private makeSnapshot(): QueueState {
    return { pending: [...this.pending], refused: [...this.refused], sending: this.sending };
  }

  private changed(): void {
    this.snapshot = this.makeSnapshot();
    for (const l of this.listeners) l();
  }

  private save(): void {
    localStorage.setItem(this.key, JSON.stringify(this.pending));
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): QueueState => this.snapshot;

  /** Queues an entry (persisted before anything is sent) and starts sending. */
  add(entry: PatrolEntry): void {
    this.pending = [...PatrolQueue.read(this.key), entry];
    this.save();
    this.changed();
    this.failures = 0;
    void this.flush();
  }

  /** Forgets the refusals shown to the officer. */
  dismissRefusals(): void {
    this.refused = [];
    this.changed();
  }

  /** Sends the queued entries in order until the queue is empty or a send fails. */
  async flush(): Promise<void> {
    if (this.sending) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // Another tab (or a test) may have changed the stored queue: it is the source of truth.
    this.pending = PatrolQueue.read(this.key);
    if (this.pending.length === 0) return this.changed();
    if (!navigator.onLine) return this.changed(); // the `online` event resumes
    this.sending = true;
    this.changed();
    try {
      while (this.pending.length > 0) {
        const head = this.pending[0] as PatrolEntry;
        const r = await send(head);
        if (r === 'retry') {
          const delay = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)] as number;
          this.failures++;
          if (this.started) this.timer = setTimeout(() => void this.flush(), delay);
          break;
        }
        this.failures = 0;
        const rest = PatrolQueue.read(this.key).filter((e) => e.id !== head.id);
        if (r === 'sent') this.pending = rest;
        else {
          // A refused check-in: its queued check-outs could never be completed either.
          const orphans = rest.filter((e) => e.kind === 'check-out' && e.checkIn === head.id);
          this.pending = rest.filter((e) => !orphans.includes(e));
          this.refused = [
            ...this.refused,
            { entry: head, ...r },
            ...orphans.map((entry) => ({ entry, ...r })),
          ];
        }
        this.save();
        this.changed();
      }
    } finally {
      this.sending = false;
      this.changed();
    }
  }

  /** Listens for the `online` event and sends what is queued (a view that shows the queue calls it). */
  start(): void {
    this.started = true;
    window.addEventListener('online', this.onOnline);
    void this.flush();
  }

  /** Stops listening and retrying (the queue stays stored; start() resumes). */
  stop(): void {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    window.removeEventListener('online', this.onOnline);
  }
}
