/**
 * "Mi turno", the officer's first view, phone first: the own sector's patrol plan for the current
 * turno (or another turno / day), an ordered list of areas — name, expected crimes, what to do and
 * for how long, how to get there — a map with the areas outlined and numbered, and check-in /
 * check-out per area with a short report, through a queue that survives a poor connection.
 */
import { useEffect, useState } from 'react';
import { modelName } from '../../../src/core/models.ts';
import { TURNOS } from '../../../src/core/time.ts';
import type { Me } from '../api.ts';
import { formatDay, formatInstant, formatNumber, type MessageKey, t, useLang } from '../i18n.ts';
import { shiftAt } from '../local-time.ts';
import { PATROL_REPORTS, type PatrolReport, type QueueState } from '../patrol-queue.ts';
import { type PlanArea, type ShiftPlan, useShift, type Visit, visitMinutes } from '../use-shift.ts';
import { ShiftMap } from './ShiftMap.tsx';

const REPORT_KEYS: Record<PatrolReport, MessageKey> = {
  'sin novedad': 'shift.report.none',
  'incidente atendido': 'shift.report.incident',
  'táctica aplicada': 'shift.report.tactic',
};

export function ShiftView({ me }: { me: Me }): React.JSX.Element {
  useLang();
  const [turno, setTurno] = useState<string>(() => shiftAt().turno);
  const [day, setDay] = useState('');
  const shift = useShift(me, turno, day);
  const { plan } = shift;
  const data = plan.state === 'ok' ? plan.data : null;
  return (
    <section className="shift-view" aria-label={t('view.shift')}>
      <div className="controls shift-controls">
        <label>
          {t('turno')}
          <select value={turno} onChange={(e) => setTurno(e.target.value)} data-testid="shift-turno">
            {TURNOS.map((x) => (
              <option key={x} value={x}>
                {t(`turno.${x}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('date')}
          <input type="date" value={day} onChange={(e) => setDay(e.target.value)} data-testid="shift-day" />
        </label>
        <QueueBadge queue={shift.queue} />
      </div>
      {shift.queue.refused.length > 0 && (
        <div role="alert" className="error" data-testid="shift-refused">
          <ul>
            {shift.queue.refused.map((r) => (
              <li key={r.entry.id}>
                {t(r.entry.kind === 'check-in' ? 'shift.refusedIn' : 'shift.refusedOut')} {r.entry.areaOrder}:{' '}
                {r.message}
              </li>
            ))}
          </ul>
          <button type="button" onClick={shift.dismissRefusals}>
            {t('shift.dismiss')}
          </button>
        </div>
      )}
      {plan.state === 'loading' && <p>{t('loading')}</p>}
      {plan.state === 'no-sector' && (
        <p role="alert" className="error" data-testid="shift-message">
          {t('shift.noSector')}
        </p>
      )}
      {plan.state === 'none' && (
        <p role="status" className="note" data-testid="shift-message">
          {t('shift.noPlan')}
        </p>
      )}
      {plan.state === 'error' && (
        <p role="alert" className="error" data-testid="shift-message">
          {plan.message}
        </p>
      )}
      {data && <PlanHeader data={data} />}
      {data?.grid && data.areas && data.areas.length > 0 && (
        <ShiftMap grid={data.grid} areas={data.areas} active={shift.open?.checkIn.areaOrder ?? null} />
      )}
      {data && (data.areas?.length ?? 0) === 0 && (
        <p role="status" className="note" data-testid="shift-message">
          {t('shift.noAreas')}
        </p>
      )}
      {data && (
        <ol className="shift-areas" data-testid="shift-areas">
          {(data.areas ?? []).map((a) => (
            <AreaItem
              key={a.order}
              area={a}
              why={data.explanation?.areas.find((x) => x.order === a.order)?.text ?? null}
              dosage={data.plan.dosage}
              visits={shift.visits.get(a.order) ?? []}
              open={shift.open}
              onCheckIn={() => shift.checkIn(a.order)}
              onCheckOut={(report, tactic, note) => shift.checkOut(a.order, report, tactic, note)}
            />
          ))}
        </ol>
      )}
      {data?.explanation && (
        <details className="note" data-testid="plan-why">
          <summary>{t('shift.planWhy')}</summary>
          <p>{data.explanation.forecast}</p>
          <p>{data.explanation.method}</p>
          {data.explanation.sectors.map((x) => (
            <p key={x.code}>{x.text}</p>
          ))}
        </details>
      )}
      {data?.areas?.some((a) => a.place?.attribution) && (
        <p className="note attribution" data-testid="shift-attribution">
          {t('shift.osm')} {data.areas.find((a) => a.place?.attribution)?.place?.attribution} (ODbL)
        </p>
      )}
    </section>
  );
}

function PlanHeader({ data }: { data: ShiftPlan }): React.JSX.Element {
  const lang = useLang();
  const p = data.plan;
  return (
    <div className="shift-header" data-testid="shift-plan" data-plan-id={p.id}>
      <h2>
        {t(`turno.${p.turno}` as MessageKey)} · {formatDay(p.day)}
      </h2>
      <p className="note">
        {t('shift.planMeta')} {p.version} · {t('model')} {modelName(p.modelKind, { lang, withKind: true })} ·{' '}
        {t(`group.${p.group}` as MessageKey)}
      </p>
      <a
        className="button-link"
        href={`/api/v1/patrol-plans/${p.id}/mission-sheet.pdf`}
        data-testid="mission-sheet"
      >
        {t('shift.missionSheet')}
      </a>
    </div>
  );
}

function QueueBadge({ queue }: { queue: QueueState }): React.JSX.Element {
  const n = queue.pending.length;
  return (
    <output
      className={n > 0 ? 'queue-badge pending' : 'queue-badge'}
      data-testid="queue-badge"
      data-pending={n}
    >
      {n > 0 ? `${n} ${t('shift.pending')}` : t('shift.allSent')}
    </output>
  );
}

function AreaItem({
  area,
  why,
  dosage,
  visits,
  open,
  onCheckIn,
  onCheckOut,
}: {
  area: PlanArea;
  why: string | null;
  dosage: ShiftPlan['plan']['dosage'];
  visits: Visit[];
  open: Visit | null;
  onCheckIn: () => void;
  onCheckOut: (report: PatrolReport, tactic: string, note: string) => void;
}): React.JSX.Element {
  const [closing, setClosing] = useState(false);
  const here = open?.checkIn.areaOrder === area.order;
  const done = visits.filter((v) => v.checkOut);
  const doneMinutes = done.reduce((s, v) => s + (visitMinutes(v) ?? 0), 0);
  return (
    <li className="shift-area" data-testid={`area-${area.order}`} data-order={area.order}>
      <h3>
        <span className="area-order" title={t('shift.areaNumber')}>
          {area.order}
        </span>{' '}
        {area.place?.label ?? area.name}
      </h3>
      <p>
        <strong data-testid="area-expected">{formatNumber(area.expected, 2)}</strong> {t('shift.expected')}
      </p>
      <p>
        {t('shift.dosage')}: {dosage.visits} {t('shift.visits')} × {dosage.minutesPerVisit} min (
        {t('shift.pause')} {dosage.pauseMinutes} min)
      </p>
      {area.tactics && area.tactics.length > 0 && (
        <details>
          <summary>{t('shift.whatToDo')}</summary>
          <ul>
            {area.tactics.map((x) => (
              <li key={x.code}>{x.text}</li>
            ))}
          </ul>
        </details>
      )}
      {why && (
        <details data-testid="area-why">
          <summary>{t('shift.why')}</summary>
          <p>{why}</p>
        </details>
      )}
      <div className="area-actions">
        {area.place && (
          <a className="button-link" href={area.place.directionsUrl} target="_blank" rel="noreferrer">
            {t('shift.directions')}
          </a>
        )}
        {!here && (
          <button type="button" onClick={onCheckIn} disabled={open !== null} data-testid="check-in">
            {t('shift.checkIn')}
          </button>
        )}
        {here && !closing && (
          <button type="button" onClick={() => setClosing(true)} data-testid="check-out">
            {t('shift.checkOut')}
          </button>
        )}
      </div>
      {here && open && (
        <p role="status" data-testid="visit-open">
          {t('shift.inVisit')} {formatInstant(open.checkIn.at).slice(-5)} ·{' '}
          <Elapsed since={open.checkIn.at} />
        </p>
      )}
      {here && closing && (
        <CheckoutForm
          tactics={area.tactics ?? []}
          onCancel={() => setClosing(false)}
          onSubmit={(report, tactic, note) => {
            setClosing(false);
            onCheckOut(report, tactic, note);
          }}
        />
      )}
      {done.length > 0 && (
        <p className="visits-done" data-testid="visits-done">
          {t('shift.visitsDone')}: {done.length} · {formatNumber(doneMinutes)} min (
          {done.map((v) => `${formatNumber(visitMinutes(v) ?? 0)} min`).join(', ')})
          {done.some((v) => v.pending) && ` · ${t('shift.notSent')}`}
        </p>
      )}
    </li>
  );
}

function Elapsed({ since }: { since: string }): React.JSX.Element {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  const s = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  return (
    <span data-testid="elapsed">
      {Math.floor(s / 60)} min {String(s % 60).padStart(2, '0')} s
    </span>
  );
}

function CheckoutForm({
  tactics,
  onSubmit,
  onCancel,
}: {
  tactics: { code: string; text: string }[];
  onSubmit: (report: PatrolReport, tactic: string, note: string) => void;
  onCancel: () => void;
}): React.JSX.Element {
  const [report, setReport] = useState<PatrolReport>('sin novedad');
  const [tactic, setTactic] = useState('');
  const [note, setNote] = useState('');
  return (
    <form
      className="checkout-form"
      data-testid="checkout-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(report, tactic, note);
      }}
    >
      <fieldset>
        <legend>{t('shift.report')}</legend>
        {PATROL_REPORTS.map((r) => (
          <label key={r} className="radio">
            <input
              type="radio"
              name="report"
              value={r}
              checked={report === r}
              onChange={() => setReport(r)}
            />
            {t(REPORT_KEYS[r])}
          </label>
        ))}
      </fieldset>
      {tactics.length > 0 && (
        <label>
          {t('shift.tactic')}
          <select value={tactic} onChange={(e) => setTactic(e.target.value)} data-testid="checkout-tactic">
            <option value="">—</option>
            {tactics.map((x) => (
              <option key={x.code} value={x.code}>
                {x.text}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        {t('shift.note')}
        <textarea value={note} maxLength={500} rows={2} onChange={(e) => setNote(e.target.value)} />
      </label>
      <div className="area-actions">
        <button type="submit" data-testid="checkout-save">
          {t('shift.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
