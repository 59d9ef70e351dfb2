/**
 * The dashboard's one time zone and the current turno. Every local date and hour the dashboard
 * shows or asks for (dd/mm/yyyy hh:mm, the default periods, the turno of "now") is in this zone,
 * and turnos come from the shared bands of src/core/time.ts, never re-implemented here.
 */
import { type Turno, turnoOfHour, utcToLocal } from '../../src/core/time.ts';

/** The study area's time zone (Callao: Lima). The API does not answer it; this is its one place. */
export const ZONE = 'America/Lima';

/** The turno and local day of an instant (default: now), from the shared turno bands. */
export function shiftAt(ms = Date.now()): { turno: Turno; day: string } {
  const f = utcToLocal(ms, ZONE);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return { turno: turnoOfHour(f.hour), day: `${f.year}-${pad(f.month)}-${pad(f.day)}` };
}
