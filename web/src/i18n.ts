/** Spanish first, English on request; dates as dd/mm/yyyy in America/Lima. */
import { useSyncExternalStore } from 'react';

const es = {
  appName: 'Vigía',
  tagline: 'Predicción y prevención del delito — Callao',
  login: 'Iniciar sesión',
  username: 'Usuario',
  password: 'Contraseña',
  logout: 'Cerrar sesión',
  language: 'English',
  loginFailed: 'Usuario o contraseña incorrectos',
  tooManyAttempts: 'Demasiados intentos. Espere unos minutos e intente de nuevo.',
  required: 'Complete este campo',
  'view.map': 'Mapa de riesgo',
  'view.shift': 'Mi turno',
  'view.incidents': 'Incidentes',
  'view.ingest': 'Carga de datos',
  'view.community': 'Mi distrito',
  'view.backtests': 'Evaluación de modelos',
  group: 'Grupo de delitos',
  'group.property': 'Patrimonio (hurto y robo)',
  'group.extorsion': 'Extorsión',
  'group.violent': 'Violentos',
  'group.all': 'Todos',
  turno: 'Turno',
  'turno.madrugada': 'Madrugada (00–06)',
  'turno.mañana': 'Mañana (06–12)',
  'turno.tarde': 'Tarde (12–18)',
  'turno.noche': 'Noche (18–24)',
  district: 'Distrito',
  allDistricts: 'Todos los distritos',
  forecastFor: 'Pronóstico para el',
  model: 'modelo',
  noForecast: 'No hay pronóstico vigente para esta selección.',
  legend: 'Riesgo (porcentaje del área)',
  'legend.1': '1 % más alto',
  'legend.5': '1–5 %',
  'legend.10': '5–10 %',
  'legend.20': '10–20 %',
  'legend.rest': 'resto',
  hotspots: 'Zonas prioritarias',
  rank: 'Puesto',
  risk: 'Riesgo',
  expected: 'eventos esperados',
  percentile: 'percentil',
  cell: 'Celda',
  goTo: 'Ver',
  loading: 'Cargando…',
  from: 'Desde',
  to: 'Hasta',
  category: 'Categoría',
  search: 'Buscar',
  more: 'Más resultados',
  date: 'Fecha',
  type: 'Tipo',
  location: 'Ubicación',
  protectedHidden: 'protegido: ubicación oculta',
  noRows: 'Sin resultados.',
  reversedRange: 'La fecha "Desde" debe ser anterior o igual a "Hasta".',
  invalidDate: 'Fecha inválida (use dd/mm/aaaa).',
  upload: 'Subir archivo',
  uploadHelp: 'Archivo CSV o JSON de SIDPOL (capa georreferenciada o mensual).',
  format: 'Formato',
  chooseFile: 'Elija un archivo',
  emptyFile: 'El archivo está vacío: no se envió nada.',
  wrongType: 'Tipo de archivo no admitido (use .csv, .json o .geojson): no se envió nada.',
  jobQueued: 'Archivo recibido; procesando…',
  jobDone: 'Carga terminada',
  jobFailed: 'La carga falló',
  accepted: 'aceptadas',
  rejected: 'rechazadas',
  existing: 'ya existentes',
  rejectReport: 'Filas rechazadas',
  row: 'Fila',
  field: 'Campo',
  reason: 'Motivo',
  month: 'Mes',
  count: 'Conteo',
  suppressedNote: 'Los conteos menores que 5 se ocultan (—) para proteger a las víctimas.',
  total: 'Total',
  error: 'Error',
  unexpected: 'Ocurrió un error inesperado.',
  hitRate: 'Acierto al 5 % del área',
  report: 'Reporte',
  period: 'Periodo',
  exportPng: 'Mapa (PNG)',
  exportCsv: 'Zonas (CSV)',
  exportGeojson: 'Pronóstico (GeoJSON)',
  'view.kpis': 'Indicadores',
  'view.admin': 'Usuarios y tokens',
  lastMonth: 'Último mes',
  yoy: 'vs. mismo mes del año anterior',
  trend12: 'Últimos 12 meses',
  models: 'Modelos',
  pai: 'PAI',
  curve: 'Curva de acierto',
  areaShare: 'Porcentaje del área',
  crimesCaught: 'Porcentaje de delitos',
  noReports: 'Aún no hay reportes de backtest (vigia backtest).',
  interval: 'IC 95 %',
  betterThanNaive: 'P(mejor que naive)',
  recentIncidents: 'Incidentes recientes en la celda',
  'view.persistence': 'Zonas persistentes',
  months: 'Meses',
  monthsBetween: 'Meses del',
  legendMonths: 'Meses en el 5 % más alto del área',
  'legend.m75': '75 % de los meses o más',
  'legend.m50': '50–75 %',
  'legend.m25': '25–50 %',
  'legend.m0': 'menos del 25 %',
  'legend.never': 'nunca',
} as const;

export type MessageKey = keyof typeof es;

const en: Record<MessageKey, string> = {
  appName: 'Vigía',
  tagline: 'Crime prediction and prevention — Callao',
  login: 'Log in',
  username: 'Username',
  password: 'Password',
  logout: 'Log out',
  language: 'Español',
  loginFailed: 'Invalid username or password',
  tooManyAttempts: 'Too many attempts. Wait a few minutes and try again.',
  required: 'Fill in this field',
  'view.map': 'Risk map',
  'view.shift': 'My shift',
  'view.incidents': 'Incidents',
  'view.ingest': 'Data upload',
  'view.community': 'My district',
  'view.backtests': 'Model evaluation',
  group: 'Crime group',
  'group.property': 'Property (theft and robbery)',
  'group.extorsion': 'Extortion',
  'group.violent': 'Violent',
  'group.all': 'All',
  turno: 'Shift',
  'turno.madrugada': 'Night (00–06)',
  'turno.mañana': 'Morning (06–12)',
  'turno.tarde': 'Afternoon (12–18)',
  'turno.noche': 'Evening (18–24)',
  district: 'District',
  allDistricts: 'All districts',
  forecastFor: 'Forecast for',
  model: 'model',
  noForecast: 'No current forecast for this selection.',
  legend: 'Risk (share of the area)',
  'legend.1': 'top 1 %',
  'legend.5': '1–5 %',
  'legend.10': '5–10 %',
  'legend.20': '10–20 %',
  'legend.rest': 'rest',
  hotspots: 'Priority areas',
  rank: 'Rank',
  risk: 'Risk',
  expected: 'expected events',
  percentile: 'percentile',
  cell: 'Cell',
  goTo: 'Show',
  loading: 'Loading…',
  from: 'From',
  to: 'To',
  category: 'Category',
  search: 'Search',
  more: 'More results',
  date: 'Date',
  type: 'Type',
  location: 'Location',
  protectedHidden: 'protected: location hidden',
  noRows: 'No results.',
  reversedRange: '"From" must be on or before "To".',
  invalidDate: 'Invalid date (use dd/mm/yyyy).',
  upload: 'Upload file',
  uploadHelp: 'SIDPOL CSV or JSON file (geo-referenced layer or monthly).',
  format: 'Format',
  chooseFile: 'Choose a file',
  emptyFile: 'The file is empty: nothing was sent.',
  wrongType: 'File type not accepted (use .csv, .json or .geojson): nothing was sent.',
  jobQueued: 'File received; processing…',
  jobDone: 'Upload finished',
  jobFailed: 'Upload failed',
  accepted: 'accepted',
  rejected: 'rejected',
  existing: 'already stored',
  rejectReport: 'Rejected rows',
  row: 'Row',
  field: 'Field',
  reason: 'Reason',
  month: 'Month',
  count: 'Count',
  suppressedNote: 'Counts below 5 are hidden (—) to protect victims.',
  total: 'Total',
  error: 'Error',
  unexpected: 'An unexpected error occurred.',
  hitRate: 'Hit rate at 5 % of the area',
  report: 'Report',
  period: 'Period',
  exportPng: 'Map (PNG)',
  exportCsv: 'Areas (CSV)',
  exportGeojson: 'Forecast (GeoJSON)',
  'view.kpis': 'Indicators',
  'view.admin': 'Users and tokens',
  lastMonth: 'Last month',
  yoy: 'vs. same month last year',
  trend12: 'Last 12 months',
  models: 'Models',
  pai: 'PAI',
  curve: 'Hit-rate curve',
  areaShare: 'Share of the area',
  crimesCaught: 'Share of crimes',
  noReports: 'No backtest reports yet (vigia backtest).',
  interval: '95 % CI',
  betterThanNaive: 'P(better than naive)',
  recentIncidents: 'Recent incidents in the cell',
  'view.persistence': 'Persistent hotspots',
  months: 'Months',
  monthsBetween: 'Months from',
  legendMonths: 'Months in the top 5 % of the area',
  'legend.m75': '75 % of the months or more',
  'legend.m50': '50–75 %',
  'legend.m25': '25–50 %',
  'legend.m0': 'under 25 %',
  'legend.never': 'never',
};

export type Lang = 'es' | 'en';
const listeners = new Set<() => void>();
let lang: Lang =
  typeof localStorage !== 'undefined' && localStorage.getItem('vigia.lang') === 'en' ? 'en' : 'es';

export function setLang(next: Lang): void {
  lang = next;
  localStorage.setItem('vigia.lang', next);
  document.documentElement.lang = next;
  for (const l of listeners) l();
}

/** The current language, re-rendering on change. */
export function useLang(): Lang {
  return useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => lang,
  );
}

export function t(key: MessageKey): string {
  return lang === 'en' ? en[key] : es[key];
}

/** YYYY-MM-DD → dd/mm/yyyy. */
export function formatDay(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d}/${m}/${y}`;
}

const LIMA = new Intl.DateTimeFormat('es-PE', {
  timeZone: 'America/Lima',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** An instant as dd/mm/yyyy hh:mm, Lima time. */
export function formatInstant(iso: string): string {
  return LIMA.format(new Date(iso)).replace(',', '');
}

/** dd/mm/yyyy → YYYY-MM-DD, or null when it is not a real date. */
export function parseDay(text: string): string | null {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text.trim());
  if (!m) return null;
  const [, d, mo, y] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (date.getUTCDate() !== Number(d) || date.getUTCMonth() !== Number(mo) - 1) return null;
  return `${y}-${mo}-${d}`;
}

/** Numbers the Peruvian way. */
export function formatNumber(n: number, digits = 0): string {
  return n.toLocaleString(lang === 'en' ? 'en-US' : 'es-PE', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}
