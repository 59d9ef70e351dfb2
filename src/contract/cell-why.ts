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
  components: z
    .discriminatedUnion('kind', [
      z.object({
        kind: z.literal('etas'),
        value: z.number().describe('valor del modelo para la celda (delitos esperados en la ventana)'),
        background: z
          .number()
          .describe('nivel de fondo: tasa de fondo μ de la celda × duración de la ventana'),
        triggered: z
          .number()
          .describe('parte disparada: suma de los núcleos de los hechos pasados de la celda en la ventana'),
        backgroundShare: z.number().describe('fracción del valor que es nivel de fondo (0 a 1)'),
      }),
      z.object({
        kind: z.literal('features'),
        value: z.number().describe('valor del modelo para la celda (delitos esperados en la ventana)'),
        link: z
          .enum(['log', 'identity'])
          .describe(
            "escala de las contribuciones: 'log' = logaritmo de la tasa (una contribución v multiplica el valor por e^v); 'identity' = delitos esperados que suma",
          ),
        base: z
          .number()
          .describe('puntaje de partida del modelo (igual para todas las celdas), en esa escala'),
        start: z.number().describe('el mismo punto de partida como valor (delitos esperados)'),
        contributions: z
          .array(
            z.object({
              feature: z.string().describe('nombre de la variable'),
              label: z.string().describe('la variable en castellano'),
              value: z.number().describe('contribución en la escala del modelo'),
              direction: z.enum(['up', 'down']).describe('up: sube el valor; down: lo baja'),
            }),
          )
          .describe('las variables que más mueven el valor, de mayor a menor efecto (a lo sumo 8)'),
        rest: z.number().describe('suma de las contribuciones de las demás variables'),
      }),
    ])
    .nullable()
    .describe(
      'cómo arma el modelo su valor: nivel de fondo y parte disparada (ETAS) o las variables que lo suben y bajan (árboles); null si el modelo no lo descompone o la celda no está entre las explicadas',
    ),
  componentsNote: z
    .string()
    .nullable()
    .describe('por qué no hay componentes, en castellano (null si los hay)'),
  reading: z.enum(['recent', 'habitual', 'both', 'surroundings', 'not-high']),
  text: z.string().describe('lectura en una frase, en castellano'),
});
