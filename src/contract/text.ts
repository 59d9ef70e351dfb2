/** Generated texts (issue 14): drafts, versions, verification, review; docs/text.md, docs/api.md. */
import { z } from 'zod';

const isoTime = z.string().describe('instante ISO 8601 (UTC)');
const kind = z.enum(['summary', 'briefing', 'bulletin']).describe('resumen, informe del CODISEC o boletín');
const audience = z.enum(['internal', 'community']);
const status = z.enum(['borrador', 'aprobado', 'rechazado']);

const sentenceCheck = z.object({
  text: z.string(),
  status: z.enum(['ok', 'sin verificar', 'rechazada']),
  reasons: z.array(z.string()).describe('motivos en español'),
});

export const verificationSchema = z.object({
  sentences: z.array(sentenceCheck),
  publishable: z.string().describe('el texto sin las oraciones rechazadas'),
  counts: z.object({ ok: z.number().int(), unverified: z.number().int(), rejected: z.number().int() }),
  leaks: z.array(z.string()).describe('datos personales hallados y retirados (dni, phone, …)'),
});

const statistic = z.object({
  id: z.string(),
  label: z.string(),
  value: z.number(),
  unit: z.string().optional(),
});
const excerpt = z.object({
  id: z.string(),
  text: z.string().describe('relato anonimizado'),
  category: z.string(),
  district: z.string().nullable(),
  occurredAt: z.string(),
  flag: z.string().optional().describe('posible inyección de instrucciones'),
});

export const groundingSchema = z.object({
  audience,
  area: z.string(),
  district: z.string().nullable(),
  period: z.object({ from: z.string(), to: z.string().describe('exclusivo') }),
  statistics: z.array(statistic),
  incidents: z.array(excerpt),
});

/** A text as listed (drafts view) or as published (community). */
const header = {
  id: z.number().int(),
  kind,
  audience,
  area: z.string(),
  district: z.string().nullable(),
  periodFrom: z.string().describe('primer día'),
  periodTo: z.string().describe('día siguiente al último (exclusivo)'),
};

export const textListItem = z.object({
  ...header,
  generator: z.string().describe('incorporado | openai:<modelo> | llama:<archivo>'),
  status,
  generatedBy: z.string(),
  createdAt: isoTime,
  reviewedBy: z.string().nullable(),
  reviewedAt: isoTime.nullable(),
  version: z.number().int(),
});

export const textDraftSchema = textListItem.extend({
  modelVersion: z.string().nullable(),
  fallbackReason: z.string().nullable().describe('por qué escribió el método incorporado'),
  prompt: z.string().nullable().describe('lo enviado al modelo, exacto'),
  rawOutput: z.string().describe('la respuesta del modelo (datos personales retirados)'),
  grounding: groundingSchema,
  reviewNote: z.string().nullable(),
  versions: z.array(
    z.object({
      version: z.number().int(),
      body: z.string(),
      verification: verificationSchema,
      publishable: z.string(),
      author: z.string(),
      createdAt: isoTime,
    }),
  ),
});

export const publishedTextSchema = z.object({
  ...header,
  text: z.string().describe('el texto aprobado'),
  reviewedAt: isoTime.nullable(),
});

/** GET /texts: every draft (drafts view) or approved community texts (published view). */
export const textList = z.object({
  view: z.enum(['drafts', 'published']),
  texts: z.array(z.union([textListItem, publishedTextSchema])),
});

/** GET /texts/:id */
export const textAnswer = z.object({ text: z.union([textDraftSchema, publishedTextSchema]) });

/** POST /texts, PATCH /texts/:id, POST /texts/:id/review */
export const draftAnswer = z.object({ text: textDraftSchema });
