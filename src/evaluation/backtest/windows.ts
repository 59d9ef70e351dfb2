/**
 * Forecast windows for rolling-origin backtests, on local calendar days of the study area's time
 * zone (a "day" in Callao starts at 00:00 America/Lima = 05:00 UTC): one window per day, per
 * seven days, or per police shift (turno).
 */
import { ValidationError } from '../../core/errors.ts';
import { HORIZONS, type Horizon, isRealDate, localToUtc, TURNO_BANDS, type Turno } from '../../core/time.ts';
import type { ForecastWindow } from '../../models/predictor.ts';

export { HORIZONS, type Horizon } from '../../core/time.ts';

/** A window with a label for reports. */
export interface LabelledWindow extends ForecastWindow {
  /** Local date (YYYY-MM-DD) of the window start, plus the turno for shift windows. */
  readonly label: string;
  readonly turno?: Turno;
}

function parseLocalDay(value: string, field: string): { year: number; month: number; day: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const f = m
    ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: 0, minute: 0, second: 0 }
    : null;
  if (!f || !isRealDate(f)) throw new ValidationError(field, `fecha inválida "${value}" (AAAA-MM-DD)`);
  return f;
}

/**
 * Rolling windows from the local day `from` up to (excluding) the local day `to`.
 * @throws ValidationError for bad dates, `from` not before `to`, or an unknown horizon
 */
export function rollingWindows(
  from: string,
  to: string,
  horizon: Horizon,
  timeZone: string,
): LabelledWindow[] {
  if (!(HORIZONS as readonly string[]).includes(horizon))
    throw new ValidationError('horizon', `horizonte desconocido "${horizon}" (use: ${HORIZONS.join(', ')})`);
  const a = parseLocalDay(from, 'from');
  const b = parseLocalDay(to, 'to');
  const days: { year: number; month: number; day: number }[] = [];
  for (
    let d = new Date(Date.UTC(a.year, a.month - 1, a.day));
    d < new Date(Date.UTC(b.year, b.month - 1, b.day));
    d.setUTCDate(d.getUTCDate() + 1)
  )
    days.push({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
  if (days.length === 0)
    throw new ValidationError('from', `el periodo ${from} → ${to} está vacío (from debe ser anterior a to)`);
  const at = (f: { year: number; month: number; day: number }, hour: number): number => {
    // Hour 24 is the next local midnight.
    const next = new Date(Date.UTC(f.year, f.month - 1, f.day + (hour === 24 ? 1 : 0)));
    return localToUtc(
      {
        year: next.getUTCFullYear(),
        month: next.getUTCMonth() + 1,
        day: next.getUTCDate(),
        hour: hour % 24,
        minute: 0,
        second: 0,
      },
      timeZone,
    );
  };
  const label = (f: { year: number; month: number; day: number }): string =>
    `${f.year}-${String(f.month).padStart(2, '0')}-${String(f.day).padStart(2, '0')}`;
  const out: LabelledWindow[] = [];
  if (horizon === 'turno') {
    for (const f of days)
      for (const band of TURNO_BANDS)
        out.push({
          start: at(f, band.fromHour),
          end: at(f, band.toHour),
          label: `${label(f)} ${band.turno}`,
          turno: band.turno,
        });
  } else if (horizon === 'day') {
    for (const f of days) out.push({ start: at(f, 0), end: at(f, 24), label: label(f) });
  } else {
    for (let i = 0; i + 7 <= days.length; i += 7) {
      const f = days[i] as { year: number; month: number; day: number };
      const last = days[i + 6] as { year: number; month: number; day: number };
      out.push({ start: at(f, 0), end: at(last, 24), label: label(f) });
    }
    if (out.length === 0) throw new ValidationError('to', 'el periodo es más corto que una semana');
  }
  return out;
}
