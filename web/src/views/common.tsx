/** Small pieces every view uses: the loading / error state and table headers. */
import { t } from '../i18n.ts';

/** An error (announced) or "loading…" while `ready` is false; null once ready. */
export function Pending({
  error,
  ready,
}: {
  error: string | null;
  ready: boolean;
}): React.JSX.Element | null {
  if (error)
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  return ready ? null : <p>{t('loading')}</p>;
}

/** A table head row of column headers (text, or e.g. a glossary `Term`). */
export function Head({ cols }: { cols: React.ReactNode[] }): React.JSX.Element {
  return (
    <thead>
      <tr>
        {cols.map((c, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed row of columns
          <th scope="col" key={i}>
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}
