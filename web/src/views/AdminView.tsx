/** Administration: users (create, change role, enable or disable) and API tokens (list, create, revoke). */
import { useCallback, useEffect, useState } from 'react';
import { type Answer, get, type Role, send } from '../api.ts';
import { formatInstant, t, useLang } from '../i18n.ts';
import { Head } from './common.tsx';

type User = Answer<'GET /api/v1/users'>['users'][number];
type Token = Answer<'GET /api/v1/tokens'>['tokens'][number];

const ROLES: Role[] = ['admin', 'analyst', 'officer', 'planner', 'official', 'community', 'researcher'];

export function AdminView(): React.JSX.Element {
  useLang();
  const [users, setUsers] = useState<User[]>([]);
  const [tokens, setTokens] = useState<Token[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [form, setForm] = useState({ username: '', displayName: '', role: 'analyst' as Role, password: '' });
  const [secret, setSecret] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setUsers((await get('GET /api/v1/users')).users);
      setTokens((await get('GET /api/v1/tokens')).tokens);
    } catch (e) {
      setError(e instanceof Error ? e.message : t('unexpected'));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const act = async (fn: () => Promise<unknown>, done: string): Promise<void> => {
    setError(null);
    setNotice(null);
    try {
      await fn();
      setNotice(done);
      await load();
    } catch (e) {
      setError(e instanceof Error ? e.message : t('unexpected'));
    }
  };

  return (
    <section aria-label={t('view.admin')}>
      <h2>{t('view.admin')}</h2>
      {error && (
        <p role="alert" className="error" data-testid="admin-error">
          {error}
        </p>
      )}
      {notice && (
        <p role="status" className="notice">
          {notice}
        </p>
      )}
      <h3>{t('newUser')}</h3>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          if (!/^[a-z0-9._-]{3,40}$/.test(form.username)) return setError(t('badUsername'));
          if (form.password.length < 12) return setError(t('shortPassword'));
          void act(
            () =>
              send('POST /api/v1/users', {
                body: { ...form, displayName: form.displayName || undefined },
              }),
            `${t('userCreated')}: ${form.username}`,
          ).then(() => setForm({ username: '', displayName: '', role: 'analyst', password: '' }));
        }}
      >
        <label>
          {t('username')}
          <input
            value={form.username}
            onChange={(e) => setForm({ ...form, username: e.target.value.trim().toLowerCase() })}
            data-testid="new-username"
          />
        </label>
        <label>
          {t('displayName')}
          <input
            value={form.displayName}
            onChange={(e) => setForm({ ...form, displayName: e.target.value })}
          />
        </label>
        <label>
          {t('role')}
          <select
            value={form.role}
            onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
            data-testid="new-role"
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('password')}
          <input
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
            data-testid="new-password"
          />
        </label>
        <button type="submit">{t('create')}</button>
      </form>
      <div className="table-wrap">
        <table data-testid="users-table">
          <caption>{t('users')}</caption>
          <Head cols={[t('username'), t('displayName'), t('role'), t('status')]} />
          <tbody>
            {users.map((u) => (
              <tr key={u.id}>
                <td>{u.username}</td>
                <td>{u.displayName}</td>
                <td>
                  <select
                    aria-label={`${t('role')}: ${u.username}`}
                    value={u.role}
                    onChange={(e) =>
                      void act(
                        () =>
                          send('PATCH /api/v1/users/:id', {
                            params: { id: u.id },
                            body: { role: e.target.value },
                          }),
                        `${u.username}: ${t(`role.${e.target.value as Role}`)}`,
                      )
                    }
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(`role.${r}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <button
                    type="button"
                    onClick={() =>
                      void act(
                        () =>
                          send('PATCH /api/v1/users/:id', {
                            params: { id: u.id },
                            body: { disabled: !u.disabled },
                          }),
                        u.username,
                      )
                    }
                    data-testid={`toggle-${u.username}`}
                  >
                    {u.disabled ? t('enable') : t('disable')}
                  </button>{' '}
                  {u.disabled ? t('disabled') : t('active')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>{t('tokens')}</h3>
      <button
        type="button"
        onClick={() =>
          void act(async () => {
            const r = await send('POST /api/v1/tokens', {
              body: { name: t('dashboardToken'), scopes: ['read'] },
            });
            setSecret(r.token);
          }, t('tokenCreated'))
        }
      >
        {t('newToken')}
      </button>
      {secret && (
        <p className="notice" data-testid="token-secret">
          {t('tokenOnce')} <code>{secret}</code>
        </p>
      )}
      <div className="table-wrap">
        <table data-testid="tokens-table">
          <caption>{t('tokens')}</caption>
          <Head
            cols={['#', t('username'), t('name'), t('scopes'), t('expires'), t('lastUsed'), t('status')]}
          />
          <tbody>
            {tokens.map((k) => (
              <tr key={k.id}>
                <td>{k.id}</td>
                <td>{k.username}</td>
                <td>{k.name}</td>
                <td>{k.scopes.join(', ')}</td>
                <td>{k.expiresAt ? formatInstant(k.expiresAt) : '—'}</td>
                <td>{k.lastUsedAt ? formatInstant(k.lastUsedAt) : '—'}</td>
                <td>
                  {k.revokedAt ? (
                    t('revoked')
                  ) : (
                    <button
                      type="button"
                      onClick={() =>
                        void act(
                          () => send('DELETE /api/v1/tokens/:id', { params: { id: k.id } }),
                          `${t('revoked')}: #${k.id}`,
                        )
                      }
                    >
                      {t('revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
