/** One GET of a route per change of its values: the typed answer, or the (Spanish) error message. */
import { useEffect, useState } from 'react';
import { type Answer, api, type GetRoute, type Params, routePath } from './api.ts';
import { t } from './i18n.ts';

type State<T> = { data: T | null; error: string | null };

/**
 * GETs a route of the contract with its values (null: nothing yet), typed by the contract and
 * checked in development; asks again when the resulting path changes.
 */
export function useApi<K extends GetRoute>(key: K, params: Params<K> | null): State<Answer<K>> {
  const path = params === null ? null : routePath(key, params);
  const [state, setState] = useState<State<Answer<K>>>({ data: null, error: null });
  useEffect(() => {
    if (path === null) return;
    let cancelled = false;
    setState({ data: null, error: null });
    api<Answer<K>>(path, {}, key)
      .then((data) => {
        if (!cancelled) setState({ data, error: null });
      })
      .catch((e: unknown) => {
        if (!cancelled) setState({ data: null, error: e instanceof Error ? e.message : t('unexpected') });
      });
    return () => {
      cancelled = true;
    };
  }, [key, path]);
  return state;
}
