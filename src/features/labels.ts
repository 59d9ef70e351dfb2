/**
 * Spanish labels of feature columns, for the cell panel's "lo que más lo sube" (issue 13): one label
 * per feature family (`build.ts`, `clusters.ts`, `environment.ts`, `place-types.ts`), with the
 * column's group, days or radius filled in, e.g. `count.property.30d` → "robos y hurtos en la celda,
 * últimos 30 días". A column of no known family keeps its name.
 */

/** Spanish names of the crime groups as feature columns count them. */
const GROUP_LABELS: Readonly<Record<string, string>> = {
  property: 'robos y hurtos',
  extorsion: 'extorsiones',
  violent: 'delitos violentos',
  all: 'delitos',
};

const groupLabel = (g: string): string => GROUP_LABELS[g] ?? `delitos (${g})`;
function days(d: string): string {
  if (d === 'all') return 'todo el historial';
  const n = Number(d.replace(/d$/, ''));
  if (n === 365) return 'último año';
  return n % 365 === 0 ? `últimos ${n / 365} años` : `últimos ${n} días`;
}

/** Labels of the columns without parameters. */
const FIXED: Readonly<Record<string, string>> = {
  'calendar.dayOfWeek': 'día de la semana',
  'calendar.month': 'mes del año',
  'calendar.hour': 'hora del turno',
  'calendar.holiday': 'feriado',
  'window.hours': 'duración de la ventana',
  'hour.cellShare': 'perfil horario de la celda',
  'hour.areaShare': 'perfil horario del área',
  'hour.count.all': 'hechos en la celda a estas horas, todo el historial',
  'hour.block.all': 'hechos en la celda y sus vecinas a estas horas, todo el historial',
  district: 'distrito',
};

/** Labels of cluster columns by their last part (`<prefix>.distance`, …). */
const CLUSTER: Readonly<Record<string, string>> = {
  distance: 'distancia al conglomerado',
  size: 'tamaño del conglomerado más cercano',
  density: 'densidad del conglomerado más cercano',
  kernel: 'densidad de conglomerados cercanos',
};

/**
 * The Spanish label of a feature column.
 * @example featureLabel('ring8.property.30d') // "robos y hurtos en las 8 vecinas, últimos 30 días"
 */
export function featureLabel(name: string): string {
  const fixed = FIXED[name];
  if (fixed) return fixed;
  const parts = name.split('.');
  const [family, a = '', b = ''] = parts;
  switch (family) {
    case 'count':
      return `${groupLabel(a)} en la celda, ${days(b)}`;
    case 'ring8':
      return `${groupLabel(a)} en las 8 vecinas, ${days(b)}`;
    case 'ring16':
      return `${groupLabel(a)} en el segundo anillo de vecinas, ${days(b)}`;
    case 'nearRepeat':
      return `${groupLabel(a)} en la celda y sus vecinas, ${days(b)} (repetición cercana)`;
    case 'decay':
      return `${groupLabel(a)} recientes en la celda (el peso se reduce a la mitad cada ${b.replace(/^h|d$/g, '')} días)`;
    case 'env': {
      const radius = /^count(\d+)m$/.exec(b);
      if (b === 'distance') return `distancia a ${a}`;
      if (radius) return `${a} a menos de ${radius[1]} m`;
      break;
    }
  }
  const raw = parts[parts.length - 1] ?? '';
  const last = raw === '_other' ? 'otro' : raw;
  if (family?.startsWith('cluster') && CLUSTER[raw]) return CLUSTER[raw] as string;
  if (parts.includes('share')) return `proporción de hechos en lugares de tipo ${last}`;
  if (parts.includes('share3x3')) return `proporción de hechos alrededor en lugares de tipo ${last}`;
  if (last === 'count3x3') return 'hechos con tipo de lugar en la celda y sus vecinas';
  if (parts.length === 2 && last === 'count') return 'hechos con tipo de lugar en la celda';
  return name;
}
