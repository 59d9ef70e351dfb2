/**
 * Development builds only (loaded by api.ts behind import.meta.env.DEV): checks a JSON answer
 * against its route's schema in the contract (src/contract/api.ts) and logs drift to the console,
 * naming the route, the status and the first problems. Production bundles hold none of this.
 */
import { CONTRACT, type RouteKey } from '../../src/contract/api.ts';

type Check = { safeParse(v: unknown): { success: boolean; error?: { issues: readonly Issue[] } } };
type Issue = { path: readonly PropertyKey[]; message: string };

/** What is wrong with an answer of a route, or null when its schema accepts it (or it has none). */
export function driftOf(key: RouteKey, status: number, data: unknown): string | null {
  const schema = (CONTRACT[key] as Readonly<Record<number, unknown>>)[status];
  if (typeof (schema as Partial<Check> | undefined)?.safeParse !== 'function') return null;
  const r = (schema as Check).safeParse(data);
  if (r.success) return null;
  const issues = (r.error?.issues ?? [])
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(raíz)'}: ${i.message}`);
  return `Contrato: la respuesta ${status} de ${key} no coincide con su esquema (src/contract/api.ts): ${issues.join('; ')}`;
}

/** Logs drift as a console error (the dashboard's tests fail on console errors). */
export function reportDrift(key: RouteKey, status: number, data: unknown): void {
  const drift = driftOf(key, status, data);
  if (drift) console.error(drift);
}
