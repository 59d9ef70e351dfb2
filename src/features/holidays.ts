/**
 * National public holidays (feriados) by country, the one place they live. Only Peru's so far
 * (Callao). Días no laborables decreed year by year by the executive are not holidays and are not
 * listed.
 *
 * Source for Peru: article 6 of Decreto Legislativo 713 (1991) as amended by Ley 31381 (9 December,
 * first observed 2022), Ley 31530 (6 August, 2022), Ley 31822 (23 July, 2023) and Ley 31788
 * (7 June, first observed 2024), all published in El Peruano. Jueves and Viernes Santo move with
 * Easter (Gregorian computus).
 */
import { ValidationError } from '../core/errors.ts';

/** A holiday on a fixed calendar day, observed from `since` (inclusive) on. */
interface FixedHoliday {
  readonly month: number;
  readonly day: number;
  readonly name: string;
  readonly since: number;
}

interface HolidayCalendar {
  readonly fixed: readonly FixedHoliday[];
  /** Holidays at a fixed distance from Easter Sunday, in days (−3 = Jueves Santo). */
  readonly easter: readonly { readonly offsetDays: number; readonly name: string }[];
}

const PERU: HolidayCalendar = {
  fixed: [
    { month: 1, day: 1, name: 'Año Nuevo', since: 1991 },
    { month: 5, day: 1, name: 'Día del Trabajo', since: 1991 },
    { month: 6, day: 7, name: 'Batalla de Arica y Día de la Bandera', since: 2024 },
    { month: 6, day: 29, name: 'San Pedro y San Pablo', since: 1991 },
    { month: 7, day: 23, name: 'Día de la Fuerza Aérea del Perú', since: 2023 },
    { month: 7, day: 28, name: 'Fiestas Patrias', since: 1991 },
    { month: 7, day: 29, name: 'Fiestas Patrias', since: 1991 },
    { month: 8, day: 6, name: 'Batalla de Junín', since: 2022 },
    { month: 8, day: 30, name: 'Santa Rosa de Lima', since: 1991 },
    { month: 10, day: 8, name: 'Combate de Angamos', since: 1991 },
    { month: 11, day: 1, name: 'Todos los Santos', since: 1991 },
    { month: 12, day: 8, name: 'Inmaculada Concepción', since: 1991 },
    { month: 12, day: 9, name: 'Batalla de Ayacucho', since: 2022 },
    { month: 12, day: 25, name: 'Navidad del Señor', since: 1991 },
  ],
  easter: [
    { offsetDays: -3, name: 'Jueves Santo' },
    { offsetDays: -2, name: 'Viernes Santo' },
  ],
};

/** Countries with a holiday calendar (ISO 3166-1 alpha-2). */
export const HOLIDAY_CALENDARS = { PE: PERU } as const satisfies Record<string, HolidayCalendar>;
export type HolidayCountry = keyof typeof HOLIDAY_CALENDARS;

/** The holiday calendar of an area by its IANA time zone (one zone per calendar we hold). */
const COUNTRY_OF_TIME_ZONE: Readonly<Record<string, HolidayCountry>> = { 'America/Lima': 'PE' };

/**
 * The holiday country of an area's time zone, or undefined when we hold no calendar for it
 * (Chicago, Vancouver: no holiday feature).
 * @example
 * holidayCountryOf('America/Lima'); // → 'PE'
 */
export function holidayCountryOf(timeZone: string): HolidayCountry | undefined {
  return Object.hasOwn(COUNTRY_OF_TIME_ZONE, timeZone) ? COUNTRY_OF_TIME_ZONE[timeZone] : undefined;
}

/** Easter Sunday of a Gregorian year (anonymous Gregorian algorithm), as [month, day]. */
export function easterSunday(year: number): [number, number] {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [month, day];
}

const byYear = new Map<string, ReadonlySet<number>>();

/** Day keys (days since the epoch of the local date, as UTC midnight) of a country's holidays in a year. */
function holidayDays(country: HolidayCountry, year: number): ReadonlySet<number> {
  const key = `${country}:${year}`;
  let set = byYear.get(key);
  if (!set) {
    const cal: HolidayCalendar = HOLIDAY_CALENDARS[country];
    const days = new Set<number>();
    for (const h of cal.fixed) if (year >= h.since) days.add(Date.UTC(year, h.month - 1, h.day) / 86_400_000);
    const [em, ed] = easterSunday(year);
    for (const h of cal.easter) days.add(Date.UTC(year, em - 1, ed + h.offsetDays) / 86_400_000);
    set = days;
    byYear.set(key, set);
  }
  return set;
}

/** True when the local calendar date (month 1–12) is a national holiday of `country`. */
export function isHoliday(country: HolidayCountry, year: number, month: number, day: number): boolean {
  return holidayDays(country, year).has(Date.UTC(year, month - 1, day) / 86_400_000);
}

/** Checks a country code from options or files. */
export function assertHolidayCountry(value: string): asserts value is HolidayCountry {
  if (!Object.hasOwn(HOLIDAY_CALENDARS, value))
    throw new ValidationError(
      'country',
      `país sin calendario de feriados "${value}" (disponibles: ${Object.keys(HOLIDAY_CALENDARS).join(', ')})`,
    );
}
