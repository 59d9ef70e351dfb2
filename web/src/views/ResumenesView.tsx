/**
 * "Resúmenes" (issue 14): the generated texts of the area — summaries, committee (CODISEC) briefings
 * and community bulletins — as drafts and approved texts. Open one to read it sentence by sentence
 * with the verifier's marks (verificada / sin verificar / rechazada with its reasons; rejected
 * sentences struck out, left out of the published text), the figures it may cite, a new version
 * (edit), the review (approve / reject: the server's four-eyes rule and its Spanish refusal are
 * shown as they come) and a briefing's PDF. Analysts and administrators generate from a small form.
 * What each role may do is the server's permission table (texts.ts mirrors it; the server decides).
 */
import { useCallback, useEffect, useState } from 'react';
import { get, type Role, send } from '../api.ts';
import { formatInstant, formatNumber, type MessageKey, t, useLang } from '../i18n.ts';
import {
  lastWholeMonth,
  periodText,
  type SentenceCheck,
  TEXT_EDITORS,
  TEXT_GENERATORS,
  TEXT_REVIEWERS,
  type TextDraft,
  type TextItem,
  textPdfUrl,
} from '../texts.ts';
import { useApi } from '../use-api.ts';
import { Head, Pending } from './common.tsx';

type Kind = TextItem['kind'];
const KINDS: readonly Kind[] = ['summary', 'briefing', 'bulletin'];

const message = (e: unknown): string => (e instanceof Error ? e.message : t('unexpected'));

const MARK: Record<SentenceCheck['status'], MessageKey> = {
  ok: 'texts.mark.ok',
  'sin verificar': 'texts.mark.unverified',
  rechazada: 'texts.mark.rejected',
};

/** The generation form: kind, audience (summaries), district, period. */
function GenerateForm({ onDone }: { onDone: (id: number) => void }): React.JSX.Element {
  useLang();
  const districts = useApi('GET /api/v1/districts', {});
  const [form, setForm] = useState(() => ({
    kind: 'summary' as Kind,
    audience: 'internal' as 'internal' | 'community',
    district: '',
    ...lastWholeMonth(),
  }));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="filters"
      data-testid="texts-generate"
      aria-label={t('texts.generate')}
      onSubmit={async (e) => {
        e.preventDefault();
        if (form.kind === 'briefing' && !form.district) return setError(t('texts.briefingNeedsDistrict'));
        setBusy(true);
        setError(null);
        const where = { ...(form.district ? { district: form.district } : {}), from: form.from, to: form.to };
        try {
          const r = await send('POST /api/v1/texts', {
            body:
              form.kind === 'summary'
                ? { kind: 'summary', audience: form.audience, ...where }
                : { kind: form.kind, ...where },
          });
          onDone(r.text.id);
        } catch (err) {
          setError(message(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h3>{t('texts.generate')}</h3>
      <label>
        {t('texts.kind')}
        <select
          value={form.kind}
          data-testid="texts-kind"
          onChange={(e) => setForm({ ...form, kind: e.target.value as Kind })}
        >
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`texts.kind.${k}` as MessageKey)}
            </option>
          ))}
        </select>
      </label>
      {form.kind === 'summary' && (
        <label>
          {t('texts.audience')}
          <select
            value={form.audience}
            data-testid="texts-audience"
            onChange={(e) => setForm({ ...form, audience: e.target.value as 'internal' | 'community' })}
          >
            <option value="internal">{t('texts.audience.internal')}</option>
            <option value="community">{t('texts.audience.community')}</option>
          </select>
        </label>
      )}
      <label>
        {t('district')}
        <select
          value={form.district}
          data-testid="texts-district"
          onChange={(e) => setForm({ ...form, district: e.target.value })}
        >
          <option value="">{t('texts.wholeArea')}</option>
          {(districts.data?.features ?? []).map((f) => (
            <option key={f.properties.code} value={f.properties.code}>
              {f.properties.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('from')}
        <input
          type="date"
          value={form.from}
          data-testid="texts-from"
          onChange={(e) => e.target.value && setForm({ ...form, from: e.target.value })}
        />
      </label>
      <label>
        {t('to')}
        <input
          type="date"
          value={form.to}
          data-testid="texts-to"
          onChange={(e) => e.target.value && setForm({ ...form, to: e.target.value })}
        />
      </label>
      <button type="submit" disabled={busy} data-testid="texts-submit">
        {busy ? t('texts.generating') : t('texts.generateButton')}
      </button>
      <p className="note">{t(`texts.hint.${form.kind}` as MessageKey)}</p>
      {error && (
        <p role="alert" className="error" data-testid="texts-generate-error">
          {error}
        </p>
      )}
    </form>
  );
}

/** One sentence with its mark; rejected ones struck out, with the reasons. */
function Sentence({ s }: { s: SentenceCheck }): React.JSX.Element {
  const mark = t(MARK[s.status]);
  return (
    <li data-status={s.status} className={`sentence sentence-${s.status.replace(' ', '-')}`}>
      <span className="mark" title={mark}>
        {s.status === 'ok' ? '✓' : s.status === 'rechazada' ? '✗' : '?'} {mark}
      </span>{' '}
      {s.status === 'rechazada' ? (
        <del data-server-text="">{s.text}</del>
      ) : (
        <span data-server-text="">{s.text}</span>
      )}
      {s.reasons.length > 0 && (
        <span className="reasons" data-explained="" data-server-text="">
          {' '}
          — {t('texts.reasons')}: {s.reasons.join('; ')}
        </span>
      )}
    </li>
  );
}

/** An open draft: its text with marks, figures, edit, review, PDF. */
function DraftPanel({
  id,
  role,
  onChanged,
}: {
  id: number;
  role: Role;
  onChanged: () => void;
}): React.JSX.Element {
  useLang();
  const [draft, setDraft] = useState<TextDraft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [body, setBody] = useState('');
  const [note, setNote] = useState('');
  useEffect(() => {
    let cancelled = false;
    setDraft(null);
    setError(null);
    setNotice(null);
    get('GET /api/v1/texts/:id', { id })
      .then((r) => {
        if (cancelled) return;
        const d = r.text as TextDraft;
        setDraft(d);
        setBody(d.versions[d.versions.length - 1]?.body ?? '');
      })
      .catch((e: unknown) => !cancelled && setError(message(e)));
    return () => {
      cancelled = true;
    };
  }, [id]);
  const act = async (fn: () => Promise<{ text: TextDraft }>, done: MessageKey): Promise<void> => {
    setError(null);
    setNotice(null);
    try {
      const r = await fn();
      setDraft(r.text);
      setBody(r.text.versions[r.text.versions.length - 1]?.body ?? '');
      setNotice(t(done));
      onChanged();
    } catch (e) {
      setError(message(e));
    }
  };
  if (!draft) return <Pending error={error} ready={false} />;
  const current = draft.versions[draft.versions.length - 1];
  const v = current?.verification;
  const open = draft.status === 'borrador';
  return (
    <article
      className="text-draft"
      data-testid="text-draft"
      data-id={draft.id}
      data-status={draft.status}
      data-kind={draft.kind}
    >
      <h3>
        {t(`texts.kind.${draft.kind}` as MessageKey)} — {t('texts.id')} {draft.id}
      </h3>
      <dl className="text-meta">
        <dt>{t('texts.status')}</dt>
        <dd data-testid="text-status">{t(`texts.status.${draft.status}` as MessageKey)}</dd>
        <dt>{t('texts.audience')}</dt>
        <dd>{t(`texts.audience.${draft.audience}` as MessageKey)}</dd>
        <dt>{t('texts.period')}</dt>
        <dd>{periodText(draft.periodFrom, draft.periodTo)}</dd>
        <dt>{t('texts.generator')}</dt>
        <dd>
          {draft.generator}
          {draft.modelVersion ? ` (${draft.modelVersion})` : ''}
        </dd>
        <dt>{t('texts.generatedBy')}</dt>
        <dd>
          {draft.generatedBy}, {formatInstant(draft.createdAt)}
        </dd>
        <dt>{t('texts.version')}</dt>
        <dd>{draft.version}</dd>
        {draft.reviewedBy && (
          <>
            <dt>{t('texts.reviewedBy')}</dt>
            <dd>
              {draft.reviewedBy}
              {draft.reviewedAt ? `, ${formatInstant(draft.reviewedAt)}` : ''}
              {draft.reviewNote ? ` — ${draft.reviewNote}` : ''}
            </dd>
          </>
        )}
      </dl>
      {draft.fallbackReason && (
        <p className="note">
          {t('texts.fallback')} <span data-server-text="">{draft.fallbackReason}</span>
        </p>
      )}
      {v && (
        <>
          <h4>{t('texts.verification')}</h4>
          <dl className="text-counts" data-testid="text-counts">
            <dt>{t('texts.mark.ok')}</dt>
            <dd>{formatNumber(v.counts.ok)}</dd>
            <dt>{t('texts.mark.unverified')}</dt>
            <dd>{formatNumber(v.counts.unverified)}</dd>
            <dt>{t('texts.mark.rejected')}</dt>
            <dd>{formatNumber(v.counts.rejected)}</dd>
          </dl>
          {v.leaks.length > 0 && (
            <p className="note" data-testid="text-leaks">
              {t('texts.leaks')}: {v.leaks.join(', ')}
            </p>
          )}
          <ol className="sentences" data-testid="text-sentences">
            {v.sentences.map((s, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: sentences of one fixed version
              <Sentence key={i} s={s} />
            ))}
          </ol>
        </>
      )}
      {draft.kind === 'briefing' && draft.status !== 'rechazado' && (
        <p>
          <a className="download-link" href={textPdfUrl(draft.id)} download data-testid="text-pdf">
            {t('texts.pdf')}
          </a>
        </p>
      )}
      {error && (
        <p role="alert" className="error" data-testid="text-error">
          {error}
        </p>
      )}
      {notice && (
        <p role="status" className="notice" data-testid="text-notice">
          {notice}
        </p>
      )}
      {open && TEXT_REVIEWERS.includes(role) && (
        <div className="filters" data-testid="text-review">
          <label>
            {t('texts.note')}
            <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} />
          </label>
          <button
            type="button"
            data-testid="text-approve"
            onClick={() =>
              act(
                () =>
                  send('POST /api/v1/texts/:id/review', {
                    params: { id },
                    body: { decision: 'aprobar', ...(note.trim() ? { note } : {}) },
                  }),
                'texts.approved',
              )
            }
          >
            {t('texts.approve')}
          </button>
          <button
            type="button"
            data-testid="text-reject"
            onClick={() =>
              act(
                () =>
                  send('POST /api/v1/texts/:id/review', {
                    params: { id },
                    body: { decision: 'rechazar', ...(note.trim() ? { note } : {}) },
                  }),
                'texts.rejected',
              )
            }
          >
            {t('texts.reject')}
          </button>
          <p className="note">{t('texts.fourEyes')}</p>
        </div>
      )}
      {open && TEXT_EDITORS.includes(role) && (
        <form
          data-testid="text-edit"
          onSubmit={(e) => {
            e.preventDefault();
            void act(
              () => send('PATCH /api/v1/texts/:id', { params: { id }, body: { body } }),
              'texts.saved',
            );
          }}
        >
          <label>
            {t('texts.edit')}
            <textarea value={body} rows={8} onChange={(e) => setBody(e.target.value)} />
          </label>
          <button type="submit" disabled={body.trim() === ''}>
            {t('texts.save')}
          </button>
        </form>
      )}
      <div className="table-wrap">
        <table data-testid="text-statistics">
          <caption>{t('texts.statistics')}</caption>
          <Head cols={[t('texts.statId'), t('texts.statLabel'), t('texts.statValue')]} />
          <tbody>
            {draft.grounding.statistics.map((s) => (
              <tr key={s.id}>
                <td>[{s.id}]</td>
                <td data-server-text="">{s.label}</td>
                <td>
                  {formatNumber(s.value)}
                  {s.unit ? ` ${s.unit}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </article>
  );
}

export function ResumenesView({ role }: { role: Role }): React.JSX.Element {
  useLang();
  const [texts, setTexts] = useState<TextItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const load = useCallback(async () => {
    try {
      setTexts((await get('GET /api/v1/texts', {})).texts);
      setError(null);
    } catch (e) {
      setError(message(e));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <section aria-label={t('view.texts')}>
      <h2>{t('view.texts')}</h2>
      {TEXT_GENERATORS.includes(role) && (
        <GenerateForm
          onDone={(id) => {
            setSelected(id);
            void load();
          }}
        />
      )}
      <h3>{t('texts.list')}</h3>
      <Pending error={error} ready={texts !== null} />
      {texts && texts.length === 0 && <p>{t('texts.none')}</p>}
      {texts && texts.length > 0 && (
        <div className="table-wrap">
          <table data-testid="texts-list">
            <Head
              cols={[
                t('texts.id'),
                t('texts.kind'),
                t('texts.audience'),
                t('district'),
                t('texts.period'),
                t('texts.generatedBy'),
                t('texts.status'),
                '',
              ]}
            />
            <tbody>
              {texts.map((x) => (
                <tr
                  key={x.id}
                  data-testid={`text-row-${x.id}`}
                  aria-selected={x.id === selected}
                  className={x.id === selected ? 'selected' : undefined}
                >
                  <td>{x.id}</td>
                  <td>{t(`texts.kind.${x.kind}` as MessageKey)}</td>
                  <td>{t(`texts.audience.${x.audience}` as MessageKey)}</td>
                  <td>{x.district ?? t('texts.wholeArea')}</td>
                  <td>{periodText(x.periodFrom, x.periodTo)}</td>
                  <td>{'generatedBy' in x ? `${x.generatedBy} (${x.generator})` : ''}</td>
                  <td>{'status' in x ? t(`texts.status.${x.status}` as MessageKey) : ''}</td>
                  <td>
                    <button type="button" onClick={() => setSelected(x.id)} data-testid={`text-open-${x.id}`}>
                      {t('texts.open')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected !== null && (
        <DraftPanel key={selected} id={selected} role={role} onChanged={() => void load()} />
      )}
    </section>
  );
}
