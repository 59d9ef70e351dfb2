/**
 * The answers of GET /api/v1/hotspots/emerging (planners' emerging hot spots): the summary per class
 * and district, plus the compact grid (a class index per valid cell). Pure: zod only.
 */
import { z } from 'zod';

const perClass = z.record(z.string(), z.number().int()).describe('celdas por código de clase');

/** Cells per class, in total and per district. */
export const emergingSummary = z.object({
  area: z.string(),
  group: z.string(),
  months: z.number().int(),
  from: z.string().describe('primer día del primer mes (hora local)'),
  to: z.string().describe('último día del último mes (hora local)'),
  cellSize: z.number().describe('lado de la celda, metros'),
  eventsUsed: z.number().int().describe('incidentes ubicados contados (sin filas reservadas)'),
  fdr: z.boolean().describe('corrección de la tasa de falsos descubrimientos aplicada'),
  classes: z
    .array(z.object({ code: z.string(), label: z.string(), cells: z.number().int() }))
    .describe('clases en el orden de la leyenda; el índice de cada una es el valor de la grilla'),
  districts: z.array(z.object({ code: z.string(), name: z.string(), cells: perClass })),
});

/** The grid form (format=grid). */
export const emergingGrid = emergingSummary.extend({
  crs: z.object({ code: z.string(), definition: z.string() }),
  grid: z.object({
    x0: z.number(),
    y0: z.number(),
    cellSize: z.number(),
    cols: z.number().int(),
    rows: z.number().int(),
    rotationDeg: z.number(),
    crs: z.string(),
  }),
  validCells: z.number().int(),
  encoding: z.string(),
  mask: z.string().describe('bitset de celdas válidas, base64'),
  cellClasses: z.string().describe('un byte por celda válida (índice en classes), base64'),
});
