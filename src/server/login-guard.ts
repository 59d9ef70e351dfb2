/**
 * Brute-force guard for logins. It counts failed attempts per account (the submitted user name)
 * and per client address, each in a fixed 15-minute window that starts with the first failure; a
 * key that has reached the budget is refused (429) until its window ends. Successful logins do not
 * count, so a station's officers logging in from one address at shift change never use it up. An
 * attempt is counted while its password is being checked and given back when it succeeds (or fails
 * for another reason than the password, such as the database being down), so parallel guesses
 * cannot slip past the budget. State is per process (in memory).
 */
import { RateLimitedError } from '../core/errors.ts';

const WINDOW_MS = 15 * 60_000;

interface Count {
  n: number;
  /** When the window of this key ends (ms since the epoch). */
  until: number;
}

export class LoginGuard {
  private readonly counts = new Map<string, Count>();
  private lastSweep = 0;

  constructor(
    /** Failed attempts allowed per key in a window. */
    private readonly max: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The keys an attempt counts against. */
  static keys(username: string, address: string): string[] {
    return [`account:${username.trim().toLowerCase()}`, `address:${address}`];
  }

  /**
   * Counts an attempt against `keys`; call the returned function to give it back (not a failure).
   * @throws RateLimitedError when a key has used its budget (nothing is counted then)
   */
  begin(keys: readonly string[]): () => void {
    const now = this.now();
    this.sweep(now);
    const live = keys.map((k) => {
      const c = this.counts.get(k);
      return c && c.until > now ? c : undefined;
    });
    const blocked = live.filter((c): c is Count => c !== undefined && c.n >= this.max);
    if (blocked.length > 0) {
      const seconds = Math.ceil((Math.max(...blocked.map((c) => c.until)) - now) / 1000);
      throw new RateLimitedError(
        `Demasiados intentos fallidos de inicio de sesión; intente de nuevo en ${seconds} s / too many failed logins`,
        seconds,
      );
    }
    const taken = keys.map((k, i) => {
      const c = live[i] ?? { n: 0, until: now + WINDOW_MS };
      c.n++;
      this.counts.set(k, c);
      return c;
    });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const c of taken) c.n--;
    };
  }

  /** Forgets ended windows, at most once a minute. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [k, c] of this.counts) if (c.until <= now || c.n <= 0) this.counts.delete(k);
  }
}
