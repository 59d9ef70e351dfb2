/**
 * The officials' and researchers' downloads (issue 13): the default period (the last 12 whole
 * months in the dashboard's zone), the links of the indicator report (PDF, XLSX) and of the
 * exports (incidents and a backtest as CSV or Parquet), the roles the server lets download them
 * (kept equal to the permission table by src/server/exports-dashboard.test.ts), and the words the
 * panels use.
 */
import { utcToLocal } from '../../src/core/time.ts';
import type { Role } from './api.ts';
import { timeZone } from './local-time.ts';

const pad = (n: number): string => String(n).padStart(2, '0');

/** The last 12 whole months before today's month in the zone: from the 1st, to the last day. */
export function lastTwelveMonths(
  nowMs: number = Date.now(),
  tz: string = timeZone(),
): { from: string; to: string } {
  const { year, month } = utcToLocal(nowMs, tz);
  // The month before this one, and its last day (day 0 of this month).
  const endYear = month === 1 ? year - 1 : year;
  const endMonth = month === 1 ? 12 : month - 1;
  const lastDay = new Date(Date.UTC(year, month - 1, 0)).getUTCDate();
  return {
    from: `${year - 1}-${pad(month)}-01`,
    to: `${endYear}-${pad(endMonth)}-${pad(lastDay)}`,
  };
}

/** Roles the server gives the indicator report (REPORT_ROLES of server/permissions.ts). */
export const REPORT_ROLES: readonly Role[] = ['admin', 'analyst', 'planner', 'official'];
/** Roles the server gives the exports (EXPORT_ROLES of server/permissions.ts). */
export const EXPORT_ROLES: readonly Role[] = ['admin', 'analyst', 'researcher'];

const query = (q: Record<string, string | null | undefined>): string => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v) s.set(k, v);
  return s.toString();
};

type IndicatorPeriod = { from: string; to: string; district: string | null };

/** The query of the indicators (JSON) and their reports: a period and (optionally) one district. */
export function indicatorsQuery(p: IndicatorPeriod): string {
  return query({ from: p.from, to: p.to, district: p.district });
}

/** The one-page PDF report or the XLSX of the indicators. */
export function indicatorsUrl(kind: 'pdf' | 'xlsx', p: IndicatorPeriod): string {
  return `/api/v1/indicators/report.${kind}?${indicatorsQuery(p)}`;
}

/** De-identified incidents of a period as CSV or Parquet. */
export function incidentsExportUrl(format: 'csv' | 'parquet', p: { from: string; to: string }): string {
  return `/api/v1/exports/incidents?${query({ format, from: p.from, to: p.to })}`;
}

/** A stored backtest's results as CSV or Parquet. */
export function backtestExportUrl(id: number, format: 'csv' | 'parquet'): string {
  return `/api/v1/exports/backtests/${id}?format=${format}`;
}

const es = {
  period: 'Período',
  from: 'Desde',
  to: 'Hasta',
  district: 'Distrito',
  wholeArea: 'Toda el área',
  reportPdf: 'Reporte de una página (PDF)',
  reportXlsx: 'Hoja de cálculo (XLSX)',
  indicators: 'Indicadores por tipo de delito',
  type: 'Tipo de delito',
  cases: 'Casos',
  previous: 'Un año antes',
  change: 'Variación (IC 95 %)',
  rate: 'Tasa por 1 000 hab.',
  previousRate: 'Tasa un año antes',
  fewCases: 'pocos casos',
  fewCasesTitle: 'Menos de 10 casos en alguno de los dos períodos: la variación puede deberse al azar',
  noPopulation:
    'No hay tabla de población cargada para este período y zona, así que no se muestran tasas por 1 000 habitantes. Un analista la carga con «vigia population load ARCHIVO.csv --source "fuente"» (o subiendo el CSV distrito,año,población en POST /api/v1/populations); Vigía no incluye cifras de población.',
  population: 'Población usada',
  source: 'fuente',
  exports: 'Exportar datos (anonimizados)',
  exportsNote:
    'Incidentes anonimizados: seudónimos, hora redondeada, ubicación generalizada a ≈275 m, sin relato ni categorías protegidas. Cada descarga queda en la auditoría.',
  incidentsCsv: 'Incidentes (CSV)',
  incidentsParquet: 'Incidentes (Parquet)',
  backtestCsv: 'Este backtest (CSV)',
  backtestParquet: 'Este backtest (Parquet)',
};

const en: Record<keyof typeof es, string> = {
  period: 'Period',
  from: 'From',
  to: 'To',
  district: 'District',
  wholeArea: 'Whole area',
  reportPdf: 'One-page report (PDF)',
  reportXlsx: 'Spreadsheet (XLSX)',
  indicators: 'Indicators per crime type',
  type: 'Crime type',
  cases: 'Cases',
  previous: 'A year earlier',
  change: 'Change (95 % CI)',
  rate: 'Rate per 1,000 inh.',
  previousRate: 'Rate a year earlier',
  fewCases: 'few cases',
  fewCasesTitle: 'Fewer than 10 cases in one of the two periods: the change may be chance',
  noPopulation:
    'No population table is loaded for this period and area, so no rates per 1,000 inhabitants are shown. An analyst loads one with «vigia population load FILE.csv --source "source"» (or by uploading the district,year,population CSV to POST /api/v1/populations); Vigía ships no population figures.',
  population: 'Population used',
  source: 'source',
  exports: 'Export data (de-identified)',
  exportsNote:
    'De-identified incidents: pseudonyms, time to the hour, location generalised to ≈275 m, no narrative or protected categories. Every download is audited.',
  incidentsCsv: 'Incidents (CSV)',
  incidentsParquet: 'Incidents (Parquet)',
  backtestCsv: 'This backtest (CSV)',
  backtestParquet: 'This backtest (Parquet)',
};

/** The panels' words in the dashboard's language. */
export function words(lang: 'es' | 'en'): Record<keyof typeof es, string> {
  return lang === 'en' ? en : es;
}
