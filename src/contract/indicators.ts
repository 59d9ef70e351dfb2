/**
 * The answers of the officials' and researchers' routes (issue 13): the population upload and the
 * indicators. The PDF, XLSX, CSV and Parquet answers are documents (their content type is the
 * contract). Pure: zod only.
 */
import { z } from 'zod';

const change = {
  change: z.number().nullable().describe('variación relativa (0.25 = +25 %); null si el año anterior es 0'),
  lower: z.number().nullable().describe('límite inferior del IC 95 % de la variación'),
  upper: z.number().nullable().describe('límite superior del IC 95 %; null si no tiene límite'),
};
const indicatorRow = z.object({
  category: z.string(),
  label: z.string(),
  count: z.number().int().nullable().describe('casos del período (null: reservado en la vista comunitaria)'),
  suppressed: z.boolean(),
  previous: z.number().int().nullable().describe('casos del mismo período un año antes'),
  previousSuppressed: z.boolean(),
  ratePer1000: z
    .number()
    .nullable()
    .describe('casos por 1 000 habitantes en el período (sin población: null)'),
  previousRatePer1000: z.number().nullable(),
  ...change,
  fewCases: z.boolean().describe('pocos casos: menos de 10 en alguno de los dos períodos'),
});
const populationUsed = z
  .object({ year: z.number().int(), population: z.number().int(), sources: z.array(z.string()) })
  .nullable();
export const indicatorsSchema = z.object({
  area: z.string(),
  areaName: z.string(),
  view: z.enum(['full', 'exact', 'suppressed']),
  from: z.string(),
  to: z.string(),
  previous: z.object({ from: z.string(), to: z.string() }),
  districts: z.array(z.object({ code: z.string(), name: z.string() })).nullable(),
  population: populationUsed,
  previousPopulation: populationUsed,
  rows: z.array(indicatorRow),
  total: indicatorRow,
  notes: z.array(z.string()),
});
export const populationLoadSchema = z.object({
  area: z.string(),
  file: z.string(),
  rows: z.number().int(),
  added: z.number().int(),
  replaced: z.number().int(),
  unchanged: z.number().int(),
  auditSeq: z.number().int().nullable(),
});
