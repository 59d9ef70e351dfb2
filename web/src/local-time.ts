/**
 * The dashboard's one time zone and the current turno. Every local date and hour the dashboard
 * shows or asks for (dd/mm/yyyy hh:mm, the default periods, the turno of "now") is in this zone,
 * and turnos come from the shared bands of src/core/time.ts, never re-implemented here. The zone
 * is the server's (VIGIA_TIME_ZONE, answered by GET /api/v1/ui as `timeZone`): the shell sets it
 * once, before any view is shown (App.tsx).
 */
import { type Turno, turnoOfHour, utcToLocal } from '../../src/core/time.ts';

/** The zone until the server has answered (Callao's, the server's default too). */
export const DEFAULT_ZONE = 'America/Lima';

let zone = DEFAULT_ZONE;

/** Sets the dashboard's zone (an IANA name the server has checked): the shell, after /ui. */
export function setTimeZone(tz: string): void {
  zone = tz;
}

/** The dashboard's zone. */
export function timeZone(): string {
  return zone;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The turno and local day of an instant (default: now), from the shared turno bands. */
export function shiftAt(ms = Date.now(), tz = zone): { turno: Turno; day: string } {
  const f = utcToLocal(ms, tz);
  return { turno: turnoOfHour(f.hour), day: `${f.year}-${pad(f.month)}-${pad(f.day)}` };
}

/** An instant (ISO 8601) as dd/mm/yyyy hh:mm, local time in the zone. */
export function formatInstant(iso: string, tz = zone): string {
  const f = utcToLocal(Date.parse(iso), tz);
  return `${pad(f.day)}/${pad(f.month)}/${f.year} ${pad(f.hour)}:${pad(f.minute)}`;
}
