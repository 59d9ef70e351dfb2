/**
 * Patrol dosage (issue 12): how long a unit stays in its area per visit, how long it is away before
 * the next visit, and hence how many visits fit in a turno. The one place of these numbers.
 *
 * Minutes per visit default to 15: Koper (1995, "Just enough police presence: reducing crime and
 * disorderly behavior by optimizing patrol time in crime hot spots", Justice Quarterly 12(4)) found
 * that the residual deterrence after a stop in a hot spot grows with its length up to about 14–15
 * minutes and then falls. The pause between two visits to one area defaults to 60 minutes, so a
 * unit alternates several short visits over the turno instead of one long stay. A turno's length
 * comes from its hour band in core/time.ts.
 */
import { ValidationError } from '../core/errors.ts';
import { TURNO_BANDS } from '../core/time.ts';

/** Defaults and bounds, in minutes. */
export const DOSAGE = {
  minutesPerVisit: { default: 15, min: 1 },
  pauseMinutes: { default: 60, min: 0 },
} as const;

/** Settings a caller may give (minutes, integers). */
export interface DosageSettings {
  minutesPerVisit?: number;
  pauseMinutes?: number;
}

/** The dosage of one turno. */
export interface Dosage {
  minutesPerVisit: number;
  pauseMinutes: number;
  /** Length of the turno in minutes (from its hour band). */
  turnoMinutes: number;
  /** Visits per turno: n visits take n · minutesPerVisit + (n − 1) · pauseMinutes ≤ turnoMinutes. */
  visits: number;
}

/** The length of a turno in minutes, from its hour band. @throws ValidationError for an unknown turno */
export function turnoMinutes(turno: string, field = 'turno'): number {
  const band = TURNO_BANDS.find((b) => b.turno === turno);
  if (!band)
    throw new ValidationError(
      field,
      `turno desconocido "${turno}" (use ${TURNO_BANDS.map((b) => b.turno).join(', ')})`,
    );
  return (band.toHour - band.fromHour) * 60;
}

/**
 * The dosage of a turno: minutes per visit (default 15), pause between visits to one area (default
 * 60) and the visits that fit in the turno.
 * @param fields names of the parameters in error messages (a CLI passes its option names)
 * @throws ValidationError naming the parameter: an unknown turno, minutes per visit that are not an
 *   integer between 1 and the turno's length, a pause that is not an integer between 0 and the turno's length
 */
export function dosageFor(
  turno: string,
  settings: DosageSettings = {},
  fields: { turno?: string; minutesPerVisit?: string; pauseMinutes?: string } = {},
): Dosage {
  const length = turnoMinutes(turno, fields.turno ?? 'turno');
  const minutesPerVisit = settings.minutesPerVisit ?? DOSAGE.minutesPerVisit.default;
  const pauseMinutes = settings.pauseMinutes ?? DOSAGE.pauseMinutes.default;
  if (
    !Number.isInteger(minutesPerVisit) ||
    minutesPerVisit < DOSAGE.minutesPerVisit.min ||
    minutesPerVisit > length
  )
    throw new ValidationError(
      fields.minutesPerVisit ?? 'minutesPerVisit',
      `minutos por visita: se espera un entero entre ${DOSAGE.minutesPerVisit.min} y ${length} (la duración del turno ${turno}), se recibió ${minutesPerVisit}`,
    );
  if (!Number.isInteger(pauseMinutes) || pauseMinutes < DOSAGE.pauseMinutes.min || pauseMinutes > length)
    throw new ValidationError(
      fields.pauseMinutes ?? 'pauseMinutes',
      `minutos entre visitas a una misma área: se espera un entero entre ${DOSAGE.pauseMinutes.min} y ${length} (la duración del turno ${turno}), se recibió ${pauseMinutes}`,
    );
  const visits = Math.floor((length + pauseMinutes) / (minutesPerVisit + pauseMinutes));
  return { minutesPerVisit, pauseMinutes, turnoMinutes: length, visits };
}
