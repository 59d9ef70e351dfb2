/** One GET per change of its path: the answer, or the (Spanish) error message. */
import { useEffect, useState } from 'react';
import { type Answer, api, type GetRoute, type Params, type RouteKey, routePath } from './api.ts';
import { t } from './i18n.ts';

type State<T> = { data: T | null; error: string | null };

/** GETs a route of the contract with its values (null: nothing yet), typed by the contract. */
export function useApi<K extends GetRoute>(key: K, params: Params<K> | null): State<Answer<K>>;
/** GETs a path under /api/v1 (prefer the typed form above). */
export function useApi<T>(path: string | null): State<T>;
export function useApi(keyOrPath: string | null, params?: Record<string, unknown> | null): State<unknown> {
  const typed = keyOrPath?.startsWith('GET ') ?? false;
  const route = typed ? (keyOrPath as RouteKey) : undefined;
  const path =
    keyOrPath === null || (typed && params === null)
      ? null
      : typed
        ? routePath(route as GetRoute, (params ?? {}) as Params<GetRoute>)
        : keyOrPath;
  const [state, setState] = useState<State<unknown>>({ data: null, error: null });
  useEffect(() => {
    if (path === null) return;
    let cancelled = false;
    setState({ data: null, error: null });
    api<unknown>(path, {}, route)
      .then((data) => {
        if (!cancelled) setState({ data, error: null });
      })
      .catch((e: unknown) => {
        if (!cancelled) setState({ data: null, error: e instanceof Error ? e.message : t('unexpected') });
      });
    return () => {
      cancelled = true;
    };
  }, [path, route]);
  return state;
}
