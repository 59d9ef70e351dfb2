import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.ts';
import { TURNO_BANDS } from '../core/time.ts';
import { DOSAGE, dosageFor, turnoMinutes } from './dosage.ts';

describe('patrol dosage', () => {
  it('defaults to 15-minute visits with 60-minute pauses: 5 visits in a 6-hour turno', () => {
    const d = dosageFor('noche');
    expect(d).toEqual({ minutesPerVisit: 15, pauseMinutes: 60, turnoMinutes: 360, visits: 5 });
    // 5 visits: 5 × 15 + 4 × 60 = 315 ≤ 360; a sixth would need 390.
    expect(5 * d.minutesPerVisit + 4 * d.pauseMinutes).toBeLessThanOrEqual(d.turnoMinutes);
    expect(6 * d.minutesPerVisit + 5 * d.pauseMinutes).toBeGreaterThan(d.turnoMinutes);
    expect(DOSAGE.minutesPerVisit.default).toBe(15);
  });

  it('takes the turno length from the hour bands of core/time.ts', () => {
    for (const b of TURNO_BANDS) expect(turnoMinutes(b.turno)).toBe((b.toHour - b.fromHour) * 60);
  });

  it('fits visits to the settings: the exact fit, no pause, one visit the whole turno', () => {
    // 3 × 60 + 2 × 90 = 360: exactly three.
    expect(dosageFor('tarde', { minutesPerVisit: 60, pauseMinutes: 90 }).visits).toBe(3);
    expect(dosageFor('mañana', { minutesPerVisit: 20, pauseMinutes: 0 }).visits).toBe(18);
    expect(dosageFor('madrugada', { minutesPerVisit: 360 }).visits).toBe(1);
  });

  it('refuses bad settings with a Spanish message naming the parameter', () => {
    const bad = (f: () => unknown, field: string, text: RegExp) => {
      try {
        f();
        expect.unreachable('should have thrown');
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        expect((e as ValidationError).field).toBe(field);
        expect((e as Error).message).toMatch(text);
      }
    };
    bad(() => dosageFor('siesta'), 'turno', /turno desconocido "siesta"/);
    bad(() => dosageFor('noche', { minutesPerVisit: 0 }), 'minutesPerVisit', /entre 1 y 360/);
    bad(() => dosageFor('noche', { minutesPerVisit: 7.5 }), 'minutesPerVisit', /se recibió 7.5/);
    bad(() => dosageFor('noche', { minutesPerVisit: 361 }), 'minutesPerVisit', /entre 1 y 360/);
    bad(() => dosageFor('noche', { pauseMinutes: -5 }), 'pauseMinutes', /entre 0 y 360/);
    bad(() => dosageFor('noche', { pauseMinutes: Number.NaN }), 'pauseMinutes', /se recibió NaN/);
    bad(
      () => dosageFor('noche', { minutesPerVisit: 0 }, { minutesPerVisit: '--visit-minutes' }),
      '--visit-minutes',
      /minutos por visita/,
    );
  });
});
