/**
 * "Modelos en producción" (issue 15): per area × group × horizon the champion with its lineage,
 * the challengers, the last promotion decision with its evidence and the champion history; admins
 * and analysts promote a challenger (a backtest decides) or roll back to an earlier champion, each
 * after a confirmation, with the server's refusal shown as it says it.
 */
import { useEffect, useState } from 'react';
import { modelName } from '../../../src/core/models.ts';
import { type Answer, api, type Role, routePath, send } from '../api.ts';
import { formatDay, formatInstant, formatNumber, type MessageKey, SPANISH, t, useLang } from '../i18n.ts';
import { type Decision, LIFECYCLE_EDITORS, type LifecycleEntry } from '../lifecycle.ts';
import { Head, Pending } from './common.tsx';
import { Term } from './Glossary.tsx';

type Lifecycle = Answer<'GET /api/v1/models/lifecycle'>;
type PendingAction = { kind: 'promote' | 'rollback'; id: number };

const groupLabel = (g: string): string => {
  const key = `group.${g}`;
  return key in SPANISH ? t(key as MessageKey) : g;
};
const pct = (v: number | null): string => (v === null ? '—' : `${formatNumber(100 * v, 1)} %`);
const points = (v: number): string =>
  `${v > 0 ? '+' : ''}${formatNumber(100 * v, 1)} ${t('lifecycle.points')}`;

/** The evidence of a decision, every figure next to what it is. */
function DecisionEvidence({ d }: { d: Decision }): React.JSX.Element {
  return (
    <dl className="facts" data-testid="lifecycle-decision" data-decision={d.decision}>
      <dt>{t('lifecycle.outcome')}</dt>
      <dd data-testid="lifecycle-outcome">
        {t(d.decision === 'promoted' ? 'lifecycle.promoted' : 'lifecycle.kept')}
      </dd>
      <dt>{t('lifecycle.period')}</dt>
      {/* periodTo is exclusive: the last day tested is the one before it. */}
      <dd>
        {formatDay(d.periodFrom)} – {formatDay(lastDay(d.periodTo))}
      </dd>
      <dt>{t('lifecycle.windows')}</dt>
      <dd>{formatNumber(d.windows)}</dd>
      <dt>
        <Term term="hitRate">{t('lifecycle.championRate')}</Term>
      </dt>
      <dd>
        {pct(d.championValue)} · #{d.championId}
      </dd>
      <dt>
        <Term term="hitRate">{t('lifecycle.challengerRate')}</Term>
      </dt>
      <dd>
        {pct(d.challengerValue)} · #{d.challengerId}
      </dd>
      <dt>{t('lifecycle.difference')}</dt>
      <dd data-testid="lifecycle-difference">{points(d.difference)}</dd>
      <dt>
        <Term term="interval">{t('lifecycle.interval')}</Term>
      </dt>
      <dd>
        {d.intervalLow === null || d.intervalHigh === null
          ? '—'
          : `${points(d.intervalLow)} … ${points(d.intervalHigh)}`}
      </dd>
      <dt>
        <Term term="wilcoxon">{t('lifecycle.p')}</Term>
      </dt>
      <dd data-testid="lifecycle-p">
        {d.pValue === null ? '—' : formatNumber(d.pValue, 4)} ({formatNumber(d.alpha, 2)})
      </dd>
      <dt>{t('lifecycle.reason')}</dt>
      <dd>{d.reason}</dd>
    </dl>
  );
}

/** The day before an exclusive end (YYYY-MM-DD). */
function lastDay(exclusive: string): string {
  return new Date(Date.parse(`${exclusive}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

function Entry({
  e,
  editor,
  act,
}: {
  e: LifecycleEntry;
  editor: boolean;
  act: (a: PendingAction) => void;
}): React.JSX.Element {
  const lang = useLang();
  const current = e.history[0];
  const last = e.decisions[0];
  const name = (kind: string) => modelName(kind, { lang, withKind: true });
  // Earlier champions (other models than the current one), each offered once: at its newest row.
  const offered = (i: number): boolean => {
    const id = e.history[i]?.trainedModelId;
    return id !== e.champion.id && e.history.findIndex((h) => h.trainedModelId === id) === i;
  };
  return (
    <article data-testid="lifecycle-entry" data-group={e.group} data-horizon={e.horizon}>
      <h4>
        {groupLabel(e.group)} · {t(`lifecycle.horizon.${e.horizon}` as MessageKey)}
      </h4>
      <dl className="facts" data-testid="lifecycle-champion" data-model-id={e.champion.id}>
        <dt>
          <Term term="champion">{t('lifecycle.champion')}</Term>
        </dt>
        <dd>
          {name(e.champion.kind)} · #{e.champion.id}
        </dd>
        <dt>{t('lifecycle.version')}</dt>
        <dd>{formatNumber(e.champion.version)}</dd>
        <dt>{t('lifecycle.cutoff')}</dt>
        <dd>{formatInstant(e.champion.dataCutoff)}</dd>
        {current && (
          <>
            <dt>{t('lifecycle.since')}</dt>
            <dd>
              {formatInstant(current.createdAt)} ({t(`lifecycle.cause.${current.cause}`)})
            </dd>
            <dt>{t('lifecycle.by')}</dt>
            <dd>{current.createdBy}</dd>
          </>
        )}
      </dl>
      <h5>{t('lifecycle.decision')}</h5>
      {last ? <DecisionEvidence d={last} /> : <p className="note">{t('lifecycle.noDecision')}</p>}
      <h5>
        <Term term="challenger">{t('lifecycle.challengers')}</Term>
      </h5>
      {e.challengers.length === 0 ? (
        <p className="note">{t('lifecycle.noChallengers')}</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="lifecycle-challengers">
            <Head
              cols={[
                t('lifecycle.id'),
                t('lifecycle.model'),
                t('lifecycle.version'),
                t('lifecycle.cutoff'),
                t('lifecycle.trainedAt'),
                t('lifecycle.trainedBy'),
                ...(editor ? [t('lifecycle.action')] : []),
              ]}
            />
            <tbody>
              {e.challengers.map((m) => (
                <tr key={m.id}>
                  <td>#{m.id}</td>
                  <td>{name(m.kind)}</td>
                  <td>{formatNumber(m.version)}</td>
                  <td>{formatInstant(m.dataCutoff)}</td>
                  <td>{formatInstant(m.createdAt)}</td>
                  <td>
                    {m.createdBy} ({m.trainedVia})
                  </td>
                  {editor && (
                    <td>
                      <button
                        type="button"
                        data-testid={`lifecycle-promote-${m.id}`}
                        onClick={() => act({ kind: 'promote', id: m.id })}
                      >
                        {t('lifecycle.promote')}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h5>{t('lifecycle.history')}</h5>
      <div className="table-wrap">
        <table data-testid="lifecycle-history">
          <Head
            cols={[
              t('lifecycle.since'),
              t('lifecycle.id'),
              t('lifecycle.model'),
              t('lifecycle.cause'),
              t('lifecycle.by'),
              ...(editor ? [t('lifecycle.action')] : []),
            ]}
          />
          <tbody>
            {e.history.map((h, i) => {
              const kind = [e.champion, ...e.challengers].find((m) => m.id === h.trainedModelId)?.kind ?? '';
              return (
                <tr key={h.id}>
                  <td>{formatInstant(h.createdAt)}</td>
                  <td>
                    #{h.trainedModelId}
                    {i === 0 ? ` (${t('lifecycle.current')})` : ''}
                  </td>
                  <td>{kind ? name(kind) : '—'}</td>
                  <td>{t(`lifecycle.cause.${h.cause}`)}</td>
                  <td>{h.createdBy}</td>
                  {editor && (
                    <td>
                      {offered(i) && (
                        <button
                          type="button"
                          data-testid={`lifecycle-rollback-${h.trainedModelId}`}
                          onClick={() => act({ kind: 'rollback', id: h.trainedModelId })}
                        >
                          {t('lifecycle.rollback')}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </article>
  );
}

/** The section of the evaluations view; asks the lifecycle again after every action. */
export function ModelLifecycle({ role }: { role: Role }): React.JSX.Element {
  const editor = LIFECYCLE_EDITORS.includes(role);
  const [data, setData] = useState<Lifecycle | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const [pending, setPending] = useState<PendingAction | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `reload` asks again after each action
  useEffect(() => {
    let cancelled = false;
    const key = 'GET /api/v1/models/lifecycle';
    api<Lifecycle>(routePath(key, {}), {}, key)
      .then((d) => {
        if (!cancelled) setData(d);
      })
      .catch((e: unknown) => {
        if (!cancelled) setLoadError(e instanceof Error ? e.message : t('unexpected'));
      });
    return () => {
      cancelled = true;
    };
  }, [reload]);

  const confirm = async (a: PendingAction): Promise<void> => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      if (a.kind === 'promote') {
        const r = await send('POST /api/v1/models/promote', { body: { challenger: a.id } });
        setNotice(
          r.decision
            ? `${t(r.decision.decision === 'promoted' ? 'lifecycle.promoted' : 'lifecycle.kept')}: ${r.decision.reason}`
            : `${t('lifecycle.champion')}: #${r.champion.trainedModelId} (${t('lifecycle.cause.first')})`,
        );
      } else {
        const r = await send('POST /api/v1/models/rollback', { body: { to: a.id } });
        setNotice(
          `${t('lifecycle.champion')}: #${r.champion.trainedModelId} (${t('lifecycle.cause.rollback')})`,
        );
      }
      setReload((n) => n + 1);
    } catch (e) {
      setError(e instanceof Error ? e.message : t('unexpected'));
    } finally {
      setBusy(false);
      setPending(null);
    }
  };

  return (
    <section aria-label={t('lifecycle.title')} data-testid="lifecycle">
      <h3>{t('lifecycle.title')}</h3>
      {!data ? (
        <Pending error={loadError} ready={false} />
      ) : data.entries.length === 0 ? (
        <p className="note">{t('lifecycle.none')}</p>
      ) : (
        data.entries.map((e) => (
          <Entry
            key={`${e.area}/${e.group}/${e.horizon}`}
            e={e}
            editor={editor}
            act={(a) => {
              setError(null);
              setNotice(null);
              setPending(a);
            }}
          />
        ))
      )}
      {pending && (
        <div role="alertdialog" aria-label={t('lifecycle.confirm')} data-testid="lifecycle-confirm">
          <p>
            {t(pending.kind === 'promote' ? 'lifecycle.confirmPromote' : 'lifecycle.confirmRollback')} (#
            {pending.id})
          </p>
          <button
            type="button"
            disabled={busy}
            onClick={() => void confirm(pending)}
            data-testid="lifecycle-confirm-yes"
          >
            {busy ? t('lifecycle.working') : t('lifecycle.confirm')}
          </button>
          <button type="button" disabled={busy} onClick={() => setPending(null)}>
            {t('lifecycle.cancel')}
          </button>
        </div>
      )}
      {error && (
        <p role="alert" className="error" data-testid="lifecycle-error">
          {error}
        </p>
      )}
      {notice && (
        <p role="status" className="notice" data-testid="lifecycle-notice">
          {notice}
        </p>
      )}
    </section>
  );
}
