/** One GET request per change of `path`: the data, or the (Spanish) error message. */
import { useEffect, useState } from 'react';
import { api } from './api.ts';
import { t } from './i18n.ts';

export function useApi<T>(path: string | null): { data: T | null; error: string | null } {
  const [state, setState] = useState<{ data: T | null; error: string | null }>({ data: null, error: null });
  useEffect(() => {
    if (path === null) return;
    let cancelled = false;
    setState({ data: null, error: null });
    api<T>(path)
      .then((data) => {
        if (!cancelled) setState({ data, error: null });
      })
      .catch((e: unknown) => {
        if (!cancelled) setState({ data: null, error: e instanceof Error ? e.message : t('unexpected') });
      });
    return () => {
      cancelled = true;
    };
  }, [path]);
  return state;
}
