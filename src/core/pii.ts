/**
 * Personal data in incident narratives: the kinds redaction finds (src/text/redact.ts), the
 * placeholders that replace them, and the span that labels one finding (the synthetic narratives
 * label what they embed with the same type, src/synthetic/narratives.ts).
 */

export const PII_KINDS = ['dni', 'phone', 'plate', 'email', 'name', 'address'] as const;
export type PiiKind = (typeof PII_KINDS)[number];

/** What replaces each finding in a redacted text. */
export const PII_PLACEHOLDERS: Readonly<Record<PiiKind, string>> = {
  dni: '[DNI]',
  phone: '[TELÉFONO]',
  plate: '[PLACA]',
  email: '[CORREO]',
  name: '[NOMBRE]',
  address: '[DIRECCIÓN]',
};

/** One finding: `text.slice(start, end)` is personal data of this kind. */
export interface PiiSpan {
  kind: PiiKind;
  start: number;
  end: number;
}
