import { describe, expect, it } from 'vitest';
import { findPii, type PiiKind, redact } from './redact.ts';

/** The kinds and texts found in `text`. */
function found(text: string, protectedCategory = false): [PiiKind, string][] {
  return findPii(text, { protectedCategory }).map((s) => [s.kind, text.slice(s.start, s.end)]);
}

describe('redact', () => {
  it('replaces each finding by its Spanish placeholder and reports spans into the input', () => {
    const text =
      'El agraviado Juan Pérez Quispe, DNI N.° 45678912, cel. 987 654 321, denunció el robo en la Av. Sáenz Peña 1245. Pérez dio su correo juan.perez@gmail.com.';
    const r = redact(text, { protectedCategory: false });
    expect(r.text).toBe(
      'El agraviado [NOMBRE], DNI N.° [DNI], cel. [TELÉFONO], denunció el robo en la [DIRECCIÓN]. [NOMBRE] dio su correo [CORREO].',
    );
    expect(r.spans.map((s) => [s.kind, text.slice(s.start, s.end)])).toEqual([
      ['name', 'Juan Pérez Quispe'],
      ['dni', '45678912'],
      ['phone', '987 654 321'],
      ['address', 'Av. Sáenz Peña 1245'],
      ['name', 'Pérez'],
      ['email', 'juan.perez@gmail.com'],
    ]);
  });

  it('finds DNI numbers with and without cues', () => {
    expect(found('D.N.I. 4567 8912')).toEqual([['dni', '4567 8912']]);
    expect(found('con documento de identidad N° 07654321.')).toEqual([['dni', '07654321']]);
    expect(found('identificado con 45678912 y')).toEqual([['dni', '45678912']]);
  });

  it('finds mobiles, Lima landlines and cued 7-digit numbers', () => {
    expect(found('llamó al 987-654-321 y al +51 912345678')).toEqual([
      ['phone', '987-654-321'],
      ['phone', '+51 912345678'],
    ]);
    expect(found('fijo (01) 425-3344, oficina 01 4253344, casa 425-3344, telf. 4253344')).toEqual([
      ['phone', '(01) 425-3344'],
      ['phone', '01 4253344'],
      ['phone', '425-3344'],
      ['phone', '4253344'],
    ]);
  });

  it('finds car and motorcycle plates, lower case with a dash, spaced after "placa"', () => {
    expect(found('el auto ABC-123, la camioneta A1B-234 y el taxi BXF456')).toEqual([
      ['plate', 'ABC-123'],
      ['plate', 'A1B-234'],
      ['plate', 'BXF456'],
    ]);
    expect(found('mototaxi 1234-AB, moto 4521-5A, placa abc-123, placa de rodaje N° F5G 789')).toEqual([
      ['plate', '1234-AB'],
      ['plate', '4521-5A'],
      ['plate', 'abc-123'],
      ['plate', 'F5G 789'],
    ]);
  });

  it('finds names after cues, in capitals too, and nicknames', () => {
    expect(found('la denunciante Sra. Rosa Huamán de la Cruz refirió')).toEqual([
      ['name', 'Rosa Huamán de la Cruz'],
    ]);
    expect(found('EL INTERVENIDO JOSE LUIS RAMOS CON DNI 12345678 FUE CONDUCIDO A LA CPNP')).toEqual([
      ['name', 'JOSE LUIS RAMOS'],
      ['dni', '12345678'],
    ]);
    expect(found('un sujeto conocido como alias "Chato" y otro alias cholo')).toEqual([
      ['name', '"Chato"'],
      ['name', 'cholo'],
    ]);
    expect(found('identificado como Carlos Ruiz, de nombre Ana Soto')).toEqual([
      ['name', 'Carlos Ruiz'],
      ['name', 'Ana Soto'],
    ]);
  });

  it('finds exact addresses in every category, street mentions only in protected ones', () => {
    const text = 'ocurrió en Jr. Callao cdra. 5, cerca de la Av. 2 de Mayo N° 345 y de la Mz. B Lt. 12.';
    expect(found(text)).toEqual([
      ['address', 'Av. 2 de Mayo N° 345'],
      ['address', 'Mz. B Lt. 12'],
    ]);
    expect(found(text, true)).toEqual([
      ['address', 'Jr. Callao cdra. 5'],
      ['address', 'Av. 2 de Mayo N° 345'],
      ['address', 'Mz. B Lt. 12'],
    ]);
  });

  it('keeps years, times, amounts, file numbers, comisarías, districts and streets without a number', () => {
    const text =
      'El 15 de marzo de 2024 a las 22:30 horas, en la Av. Colonial (Bellavista), le sustrajeron S/ 1 200 y US$ 300; monto total S/ 12345678. Expediente N° 20240012; denuncia registrada en la Comisaría Sarita Colonia del Callao; periodo 2023-II; 1 500 000 soles.';
    expect(found(text)).toEqual([]);
    expect(redact(text, { protectedCategory: false }).text).toBe(text);
  });

  it('handles empty, huge and non-Spanish text', () => {
    expect(redact('', { protectedCategory: true })).toEqual({ text: '', spans: [] });
    const big = 'El agraviado Juan Pérez fue asaltado en la Av. Colonial 123. '.repeat(2000);
    const r = redact(big, { protectedCategory: true });
    expect(r.spans.filter((s) => s.kind === 'address')).toHaveLength(2000);
    expect(r.text).not.toMatch(/Pérez|Colonial 123/);
    expect(found('The victim John Smith was robbed on Main Street at 10 pm.')).toEqual([]);
  });
});
