/**
 * The answer of GET /api/v1/forecasts/:id/cells/:cell/why (issue 13): why a forecast cell is high,
 * in counts only (no incident). Pure: zod only.
 */
import { z } from 'zod';

export const cellWhySchema = z.object({
  forecastId: z.number().int(),
  cell: z.number().int(),
  modelKind: z.string(),
  group: z.string(),
  turno: z.string().nullable(),
  dataCutoff: z.string().describe('instante (ISO) antes del cual se conocía todo lo usado'),
  windowHours: z.number().describe('duración de la ventana del pronóstico, horas (turno: 6)'),
  expected: z.number().describe('delitos esperados en la celda en la ventana del pronóstico'),
  rank: z.number().int().describe('puesto de la celda en el área (1 = la más alta)'),
  cells: z.number().int().describe('celdas del área'),
  percentile: z.number().describe('percentil de la celda: 100 × (1 − (puesto − 1) / celdas)'),
  background: z.object({
    lastYear: z.number().int().describe('hechos en la celda en los 365 días antes del corte'),
    perWindow: z.number().describe('nivel habitual: promedio por ventana de la misma duración en ese año'),
    rank: z
      .number()
      .int()
      .describe('puesto del nivel habitual (el año sin los últimos 7 días) entre las celdas'),
    percentile: z.number().describe('percentil de ese nivel habitual'),
  }),
  recent: z.object({
    last7Days: z.number().int().describe('hechos en la celda y sus 8 vecinas en los 7 días antes del corte'),
    last30Days: z.number().int().describe('ídem, 30 días'),
    usual7Days: z.number().describe('lo que el nivel habitual de esas 9 celdas da en 7 días'),
  }),
  components: z.null().describe('partes de fondo y disparada del valor (ningún modelo guarda aún su ajuste)'),
  reading: z.enum(['recent', 'habitual', 'both', 'surroundings', 'not-high']),
  text: z.string().describe('lectura en una frase, en castellano'),
});
