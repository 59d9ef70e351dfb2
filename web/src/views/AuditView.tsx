/** The audit log for admins: newest first, filtered by action or actor, paged backwards. */
import { useState } from 'react';
import { formatInstant, t, useLang } from '../i18n.ts';
import { useApi } from '../use-api.ts';
import { Head, Pending } from './common.tsx';

const ACTIONS = [
  'incidents.list',
  'ingest.rejects.read',
  'ingest.submit',
  'ingest.batch',
  'forecast.run',
  'login.success',
  'login.failure',
  'logout',
  'password.change',
  'password.change.failure',
  'user.create',
  'user.update',
  'token.create',
  'token.revoke',
];

export function AuditView(): React.JSX.Element {
  useLang();
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const [applied, setApplied] = useState({ action: '', actor: '' });
  const [before, setBefore] = useState<number | null>(null);
  const { data, error } = useApi('GET /api/v1/audit', {
    limit: 100,
    action: applied.action,
    actor: applied.actor,
    before,
  });
  return (
    <section aria-label={t('view.audit')}>
      <h2>{t('view.audit')}</h2>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setBefore(null);
          setApplied({ action, actor: actor.trim() });
        }}
      >
        <label>
          {t('action')}
          <select value={action} onChange={(e) => setAction(e.target.value)} data-testid="audit-action">
            <option value="">{t('allActions')}</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('actor')}
          <input value={actor} onChange={(e) => setActor(e.target.value)} />
        </label>
        <button type="submit">{t('search')}</button>
      </form>
      <Pending error={error} ready={data !== null} />
      {data && (
        <div className="table-wrap">
          <table data-testid="audit-table">
            <Head
              cols={['#', t('date'), t('actor'), t('role'), t('action'), t('target'), t('from'), t('detail')]}
            />
            <tbody>
              {data.entries.map((e) => (
                <tr key={e.seq}>
                  <td>{e.seq}</td>
                  <td>{formatInstant(e.at)}</td>
                  <td>{e.actor}</td>
                  <td>{e.role ?? '—'}</td>
                  <td>{e.action}</td>
                  <td>{e.target ?? '—'}</td>
                  <td>{e.ip ?? '—'}</td>
                  <td>
                    <code>{e.detail.length > 120 ? `${e.detail.slice(0, 120)}…` : e.detail}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data?.nextBefore && (
        <button type="button" onClick={() => setBefore(data.nextBefore)}>
          {t('older')}
        </button>
      )}
    </section>
  );
}
