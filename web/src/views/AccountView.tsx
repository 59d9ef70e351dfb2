/** My account: change my own password (the server ends every session of mine afterwards). */
import { useState } from 'react';
import { send } from '../api.ts';
import { t, useLang } from '../i18n.ts';

export function AccountView({ onLoggedOut }: { onLoggedOut: () => void }): React.JSX.Element {
  useLang();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <section aria-label={t('view.account')}>
      <h2>{t('changePassword')}</h2>
      <form
        className="stacked"
        onSubmit={async (e) => {
          e.preventDefault();
          if (next.length < 12) return setError(t('shortPassword'));
          if (next !== again) return setError(t('passwordsDiffer'));
          try {
            await send('POST /api/v1/auth/password', {
              body: { currentPassword: current, newPassword: next },
            });
            onLoggedOut();
          } catch (err) {
            setError(err instanceof Error ? err.message : t('unexpected'));
          }
        }}
      >
        <label>
          {t('currentPassword')}
          <input
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </label>
        <label>
          {t('newPassword')}
          <input
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
        </label>
        <label>
          {t('repeatPassword')}
          <input
            type="password"
            autoComplete="new-password"
            value={again}
            onChange={(e) => setAgain(e.target.value)}
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit">{t('changePassword')}</button>
      </form>
      <p className="note">{t('passwordNote')}</p>
    </section>
  );
}
