/** The shell: login, the header (user, language, logout) and the views each role may use. */
import { useEffect, useState } from 'react';
import { type Answer, ApiError, type DashboardView, get, type Me, send, setCsrf } from './api.ts';
import { explain } from './glossary.ts';
import { formatDay, type MessageKey, setLang, t, useLang } from './i18n.ts';
import { setTimeZone } from './local-time.ts';
import { AccountView } from './views/AccountView.tsx';
import { AdminView } from './views/AdminView.tsx';
import { AuditView } from './views/AuditView.tsx';
import { BacktestsView } from './views/BacktestsView.tsx';
import { CommunityView } from './views/CommunityView.tsx';
import { EmergingView } from './views/EmergingView.tsx';
import { GlossaryButton, GlossaryDialog } from './views/Glossary.tsx';
import { IncidentsView } from './views/IncidentsView.tsx';
import { IngestView } from './views/IngestView.tsx';
import { KpisView } from './views/KpisView.tsx';
import { MapView } from './views/MapView.tsx';
import { PatrolsView } from './views/PatrolsView.tsx';
import { ResumenesView } from './views/ResumenesView.tsx';
import { ShiftView } from './views/ShiftView.tsx';
import { TrendsView } from './views/TrendsView.tsx';

function Login({ onLogin }: { onLogin: (me: Me) => void }): React.JSX.Element {
  useLang();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main className="login">
      <h1>{t('appName')}</h1>
      <p>{t('tagline')}</p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!username || !password) return setError(t('required'));
          setBusy(true);
          setError(null);
          try {
            const me = await send('POST /api/v1/auth/login', { body: { username, password } });
            setCsrf(me.csrfToken ?? null);
            onLogin(me);
          } catch (err) {
            setError(
              err instanceof ApiError && err.status === 429
                ? t('tooManyAttempts')
                : err instanceof ApiError && err.status === 401
                  ? t('loginFailed')
                  : t('unexpected'),
            );
          } finally {
            setBusy(false);
          }
        }}
      >
        <label>
          {t('username')}
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </label>
        <label>
          {t('password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('login')}
        </button>
      </form>
      <LanguageSwitch />
    </main>
  );
}

function LanguageSwitch(): React.JSX.Element {
  const lang = useLang();
  return (
    <button
      type="button"
      className="lang"
      onClick={() => setLang(lang === 'es' ? 'en' : 'es')}
      lang={lang === 'es' ? 'en' : 'es'}
    >
      {t('language')}
    </button>
  );
}

/** The age of the data (GET /api/v1/ui `dataAge`, one contract with the CLI and /readyz). */
type DataAge = Answer<'GET /api/v1/ui'>['dataAge'];

/** A banner on every view while the newest incident is older than VIGIA_STALE_DATA_DAYS. */
function StaleBanner({ age }: { age: DataAge | null }): React.JSX.Element | null {
  const lang = useLang();
  if (!age?.stale) return null;
  return (
    <p role="status" className="stale" data-testid="stale-banner" title={explain('dataAge', lang)}>
      {age.newestDay
        ? `${t('staleData')} ${formatDay(age.newestDay)} (${age.days} ${t('daysAgo')})`
        : t('noData')}
    </p>
  );
}

export function App(): React.JSX.Element {
  useLang();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [view, setView] = useState<DashboardView | null>(null);
  useEffect(() => {
    get('GET /api/v1/auth/session')
      .then((m) => {
        setCsrf(m.user ? m.csrfToken : null);
        setMe(m.user ? m : null);
      })
      .catch(() => setMe(null));
  }, []);
  // The dashboard's settings, once signed in: the time zone is set before any view is shown
  // (local-time.ts); without an answer the views keep the default zone.
  const [ui, setUi] = useState<Answer<'GET /api/v1/ui'> | 'failed' | null>(null);
  const signedIn = !!me;
  useEffect(() => {
    if (!signedIn) return;
    get('GET /api/v1/ui')
      .then((u) => {
        setTimeZone(u.timeZone);
        setUi(u);
      })
      .catch(() => setUi('failed'));
  }, [signedIn]);
  if (me === undefined || (me && ui === null)) return <p className="loading">{t('loading')}</p>;
  if (me === null) return <Login onLogin={setMe} />;
  // The views the server offers this user (server/views.ts, from the permission table), landing first.
  const views = me.views;
  const current = view && views.includes(view) ? view : (views[0] ?? 'account');
  return (
    <div className="app">
      <header>
        <h1>{t('appName')}</h1>
        <nav aria-label="Vistas">
          {views.map((v) => (
            <button
              key={v}
              type="button"
              aria-current={v === current ? 'page' : undefined}
              onClick={() => setView(v)}
              data-testid={`nav-${v}`}
            >
              {t(`view.${v}` as MessageKey)}
            </button>
          ))}
        </nav>
        <div className="user">
          <span data-testid="whoami">
            {me.user.displayName} ({t(`role.${me.user.role}` as MessageKey)})
          </span>
          <GlossaryButton />
          <LanguageSwitch />
          <button
            type="button"
            onClick={async () => {
              await send('POST /api/v1/auth/logout').catch(() => undefined);
              setCsrf(null);
              setMe(null);
            }}
          >
            {t('logout')}
          </button>
        </div>
      </header>
      <StaleBanner age={ui === 'failed' || ui === null ? null : ui.dataAge} />
      <GlossaryDialog />
      <main>
        {current === 'map' && <MapView role={me.user.role} />}
        {current === 'shift' && <ShiftView me={me} />}
        {current === 'patrols' && <PatrolsView />}
        {current === 'persistence' && <MapView mode="persistence" role={me.user.role} />}
        {current === 'emerging' && <EmergingView />}
        {current === 'incidents' && <IncidentsView />}
        {current === 'ingest' && <IngestView />}
        {current === 'backtests' && <BacktestsView role={me.user.role} />}
        {current === 'kpis' && <KpisView role={me.user.role} />}
        {current === 'trends' && <TrendsView />}
        {current === 'texts' && <ResumenesView role={me.user.role} />}
        {current === 'community' && <CommunityView />}
        {current === 'admin' && <AdminView />}
        {current === 'audit' && <AuditView />}
        {current === 'account' && (
          <AccountView
            onLoggedOut={() => {
              setCsrf(null);
              setMe(null);
            }}
          />
        )}
      </main>
    </div>
  );
}
