/**
 * The answer of GET /api/v1/narratives/quality (issue 14): narratives whose text reads as another
 * crime category than the recorded one (services/narrative-quality.ts). Incident-level: it quotes
 * redacted narratives, never the original text. Pure: zod only.
 */
import { z } from 'zod';

export const narrativeQualitySchema = z.object({
  area: z.string(),
  period: z
    .object({ from: z.string(), to: z.string() })
    .describe('periodo revisado [from, to), días locales'),
  train: z
    .object({ from: z.string(), to: z.string(), rows: z.number().int() })
    .describe('periodo de entrenamiento, anterior al revisado'),
  threshold: z.number().describe('probabilidad mínima de la categoría predicha para marcar un relato'),
  classes: z.array(z.string()),
  trainRows: z.number().int(),
  checked: z.number().int().describe('relatos revisados (con una categoría que el clasificador conoce)'),
  unchecked: z.number().int().describe('relatos de categorías ausentes en el entrenamiento'),
  flagged: z.number().int().describe('relatos marcados (todos; la lista puede estar limitada)'),
  scores: z.object({
    accuracy: z.number(),
    macroF1: z.number(),
    perClassF1: z.array(z.number().nullable()),
    logLoss: z.number(),
    priorLogLoss: z.number().describe('log loss de la previa de clases en las mismas filas'),
    confusion: z
      .array(z.array(z.number().int()))
      .describe('confusion[registrada][predicha], orden de classes'),
  }),
  flags: z.array(
    z.object({
      id: z.string(),
      occurredAt: z.string(),
      district: z.string().nullable(),
      recorded: z.string(),
      predicted: z.string(),
      probability: z.number(),
      recordedProbability: z.number(),
      text: z.string().describe('relato redactado (sin datos personales), recortado'),
    }),
  ),
});
