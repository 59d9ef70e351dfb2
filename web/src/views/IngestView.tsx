/** Upload a file for ingestion and read the job's report and rejected rows. */
import { useRef, useState } from 'react';
import { type Answer, get, send } from '../api.ts';
import { formatInstant, formatNumber, t, useLang } from '../i18n.ts';
import { Head } from './common.tsx';

/**
 * An ingest job (the contract's answer), with the report fields this view reads: the contract keeps
 * `result` open (the ingest report of services/ingest.ts).
 */
type Job = Omit<Answer<'GET /api/v1/ingest/jobs/:id'>['job'], 'result'> & {
  result: {
    accepted: number;
    rejected: number;
    existing: number;
    file: string;
    /** `already-ingested`: the same file was loaded before; `in-progress`: it is being loaded now. */
    status?: 'loaded' | 'already-ingested' | 'in-progress';
    alreadyIngested?: { batchId: number; at: string } | null;
  } | null;
};

export function IngestView(): React.JSX.Element {
  useLang();
  const fileRef = useRef<HTMLInputElement>(null);
  const [format, setFormat] = useState('sidpol-geo');
  const [job, setJob] = useState<Job | null>(null);
  const [rejects, setRejects] = useState<{ rowNumber: number; field: string; reason: string }[]>([]);
  const [error, setError] = useState<string | null>(null);

  const poll = async (id: number): Promise<void> => {
    for (;;) {
      const j = (await get('GET /api/v1/ingest/jobs/:id', { id })).job as Job;
      setJob(j);
      if (j.status === 'done' || j.status === 'failed') {
        if (j.status === 'done' && (j.result?.rejected ?? 0) > 0)
          setRejects((await get('GET /api/v1/ingest/jobs/:id/rejects', { id, limit: 200 })).rejects);
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  const submit = async (): Promise<void> => {
    setError(null);
    setJob(null);
    setRejects([]);
    const file = fileRef.current?.files?.[0];
    if (!file) return setError(t('chooseFile'));
    if (!/\.(csv|json|geojson)$/i.test(file.name)) return setError(t('wrongType'));
    if (file.size === 0) return setError(t('emptyFile'));
    const form = new FormData();
    form.append('file', file, file.name);
    try {
      const { job: j } = await send('POST /api/v1/ingest/jobs', { params: { format }, form });
      setJob(j as Job);
      await poll(j.id);
    } catch (e) {
      setError(e instanceof Error ? e.message : t('unexpected'));
    }
  };

  return (
    <section aria-label={t('view.ingest')}>
      <h2>{t('view.ingest')}</h2>
      <p className="note">{t('uploadHelp')}</p>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          {t('format')}
          <select value={format} onChange={(e) => setFormat(e.target.value)}>
            <option value="sidpol-geo">SIDPOL georreferenciado</option>
            <option value="sidpol-monthly">SIDPOL mensual</option>
          </select>
        </label>
        <label>
          {t('chooseFile')}
          <input ref={fileRef} type="file" accept=".csv,.json,.geojson" data-testid="file" />
        </label>
        <button type="submit">{t('upload')}</button>
      </form>
      {error && (
        <p role="alert" className="error" data-testid="upload-error">
          {error}
        </p>
      )}
      {job && (
        <div aria-live="polite" data-testid="job-status" data-status={job.status}>
          {job.status === 'queued' || job.status === 'running' ? (
            <p>{t('jobQueued')}</p>
          ) : job.status === 'failed' ? (
            <p role="alert" className="error">
              {t('jobFailed')}: {job.error?.message}
            </p>
          ) : job.result?.alreadyIngested ? (
            <p data-testid="already-ingested">
              {`${t('alreadyIngested')} ${job.result.alreadyIngested.batchId}${t('alreadyIngestedOn')} ${formatInstant(job.result.alreadyIngested.at)}${t('alreadyIngestedRest')}`}
            </p>
          ) : job.result?.status === 'in-progress' ? (
            <p data-testid="already-ingested">{t('ingestInProgress')}</p>
          ) : (
            <p>
              {t('jobDone')}: {formatNumber(job.result?.accepted ?? 0)} {t('accepted')},{' '}
              {formatNumber(job.result?.existing ?? 0)} {t('existing')},{' '}
              {formatNumber(job.result?.rejected ?? 0)} {t('rejected')}
            </p>
          )}
        </div>
      )}
      {rejects.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption>{t('rejectReport')}</caption>
            <Head cols={[t('row'), t('field'), t('reason')]} />
            <tbody>
              {rejects.map((r) => (
                <tr key={`${r.rowNumber}-${r.field}`}>
                  <td>{r.rowNumber}</td>
                  <td>{r.field}</td>
                  <td>{r.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
