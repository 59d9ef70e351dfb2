/** The model lifecycle's answers (GET /models/lifecycle, POST /models/promote, POST /models/rollback). */
import { z } from 'zod';

const horizon = z.enum(['turno', 'day', 'week']);
const instant = z.string().describe('ISO 8601');

/** A stored trained model with its lineage (no artifact, no feature schema). */
export const lifecycleModel = z.object({
  id: z.number().int(),
  kind: z.string(),
  version: z.number().int(),
  horizon,
  dataCutoff: instant,
  dataSha256: z.string(),
  eventsUsed: z.number().int(),
  codeVersion: z.string(),
  seed: z.number().int(),
  config: z.unknown(),
  metrics: z.record(z.string(), z.number()),
  artifactSha256: z.string(),
  createdAt: instant,
  createdBy: z.string(),
  trainedVia: z.enum(['cli', 'api', 'job']),
});

export const championEntry = z.object({
  id: z.number().int(),
  area: z.string(),
  group: z.string(),
  horizon,
  trainedModelId: z.number().int(),
  cause: z.enum(['first', 'promotion', 'rollback']),
  decisionId: z.number().int().nullable(),
  createdAt: instant,
  createdBy: z.string(),
});

export const promotionDecision = z.object({
  id: z.number().int(),
  area: z.string(),
  group: z.string(),
  horizon,
  championId: z.number().int(),
  challengerId: z.number().int(),
  periodFrom: z.string(),
  periodTo: z.string().describe('exclusivo'),
  windows: z.number().int().describe('ventanas con delitos comparadas'),
  metric: z.string().describe('hitRate@0.05: acierto por ventana al 5 % del área'),
  championValue: z.number().nullable(),
  challengerValue: z.number().nullable(),
  difference: z.number().describe('media de las diferencias por ventana (retador − campeón)'),
  intervalLow: z.number().nullable().describe('intervalo bootstrap pareado al 95 %'),
  intervalHigh: z.number().nullable(),
  pValue: z.number().nullable().describe('Wilcoxon de rangos con signo, pareado, bilateral'),
  alpha: z.number(),
  decision: z.enum(['promoted', 'kept']),
  reason: z.string(),
  createdAt: instant,
  createdBy: z.string(),
});

export const lifecycleAnswer = z.object({
  entries: z.array(
    z.object({
      area: z.string(),
      group: z.string(),
      horizon,
      champion: lifecycleModel,
      history: z.array(championEntry),
      challengers: z.array(lifecycleModel),
      decisions: z.array(promotionDecision),
    }),
  ),
});

export const promotionAnswer = z.object({
  decision: promotionDecision.nullable(),
  champion: championEntry,
});

export const rollbackAnswer = z.object({ champion: championEntry });
