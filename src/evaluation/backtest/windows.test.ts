import { describe, expect, it } from 'vitest';
import { rollingWindows } from './windows.ts';

describe('rollingWindows', () => {
  it('gives local days in Lima (05:00 UTC boundaries)', () => {
    const w = rollingWindows('2025-01-30', '2025-02-02', 'day', 'America/Lima');
    expect(w.map((x) => x.label)).toEqual(['2025-01-30', '2025-01-31', '2025-02-01']);
    expect(new Date(w[0]?.start ?? 0).toISOString()).toBe('2025-01-30T05:00:00.000Z');
    expect(w[0]?.end).toBe(w[1]?.start);
  });

  it('splits days into the four turnos and builds whole weeks', () => {
    const t = rollingWindows('2025-03-01', '2025-03-02', 'turno', 'America/Lima');
    expect(t.map((x) => x.turno)).toEqual(['madrugada', 'mañana', 'tarde', 'noche']);
    expect(new Date(t[1]?.start ?? 0).toISOString()).toBe('2025-03-01T11:00:00.000Z');
    const weeks = rollingWindows('2025-03-01', '2025-03-16', 'week', 'America/Lima');
    expect(weeks).toHaveLength(2);
    expect((weeks[0]?.end ?? 0) - (weeks[0]?.start ?? 0)).toBe(7 * 86_400_000);
  });

  it('handles a DST change (Chicago: a 23-hour day)', () => {
    const [d] = rollingWindows('2024-03-10', '2024-03-11', 'day', 'America/Chicago');
    expect(((d?.end ?? 0) - (d?.start ?? 0)) / 3_600_000).toBe(23);
  });

  it('refuses empty periods, bad dates and unknown horizons', () => {
    expect(() => rollingWindows('2025-02-01', '2025-02-01', 'day', 'America/Lima')).toThrow(/vacío/);
    expect(() => rollingWindows('2025-02-30', '2025-03-01', 'day', 'America/Lima')).toThrow(/fecha inválida/);
    expect(() => rollingWindows('2025-01-01', '2025-01-03', 'week', 'America/Lima')).toThrow(/semana/);
    expect(() => rollingWindows('2025-01-01', '2025-01-03', 'month' as 'day', 'America/Lima')).toThrow(
      /horizonte/,
    );
  });
});
