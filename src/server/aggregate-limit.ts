/**
 * The per-user cost limit of the statistics routes: at most `maxPerUser` of one user's aggregate
 * requests run at once (sessions and tokens of one user count together); more answer 429 with
 * Retry-After, so one user cannot take every database connection and CPU from the others.
 */
import { RateLimitedError } from '../core/errors.ts';

/** Runs `fn` for `userId` unless that user already has `maxPerUser` aggregate requests running. */
export function aggregateLimiter(maxPerUser: number) {
  const running = new Map<number, number>();
  return async function limited<T>(userId: number, fn: () => Promise<T>): Promise<T> {
    const n = running.get(userId) ?? 0;
    if (n >= maxPerUser)
      throw new RateLimitedError(
        `Ya tiene ${n} consultas de estadísticas en curso (máximo ${maxPerUser} a la vez); espere a que terminen / too many concurrent statistics requests`,
        1,
      );
    running.set(userId, n + 1);
    try {
      return await fn();
    } finally {
      const left = (running.get(userId) ?? 1) - 1;
      if (left > 0) running.set(userId, left);
      else running.delete(userId);
    }
  };
}
