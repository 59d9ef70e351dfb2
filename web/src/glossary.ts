/**
 * The glossary (issue 13): what every figure of the dashboard is, in plain words, Spanish and
 * English, and where it appears. The one source of these texts: the header's "Glosario" dialog
 * shows them all, and every view takes a figure's tooltip (`short`) and its link from here.
 */
import { useSyncExternalStore } from 'react';
import { type Lang, useLang } from './i18n.ts';

interface Text {
  es: string;
  en: string;
}

export interface GlossaryEntry {
  term: Text;
  /** One line: what the number is (a tooltip). */
  short: Text;
  /** The plain-words explanation. */
  long: Text;
  /** Where it appears. */
  where: Text;
}

export const GLOSSARY = {
  expected: {
    term: { es: 'Delitos esperados', en: 'Expected crimes' },
    short: {
      es: 'delitos esperados en la celda o el área en este turno (o día), según el pronóstico',
      en: 'crimes expected in the cell or area in this turno (or day), according to the forecast',
    },
    long: {
      es: 'Cuántos delitos del grupo elegido espera el modelo en ese lugar durante la ventana del pronóstico (un turno de 6 horas o un día). Es un promedio: 0,2 quiere decir «uno cada cinco turnos como este», no una certeza.',
      en: 'How many crimes of the chosen group the model expects in that place during the forecast window (a 6-hour turno or a day). It is an average: 0.2 means "one every five turnos like this", not a certainty.',
    },
    where: {
      es: 'Mapa de riesgo (panel de la celda, lista de zonas prioritarias), Mi turno, Patrullaje.',
      en: 'Risk map (cell panel, priority list), My shift, Patrols.',
    },
  },
  percentile: {
    term: { es: 'Percentil', en: 'Percentile' },
    short: {
      es: 'percentil: qué parte de las celdas del área tiene un valor igual o menor (100 = la más alta)',
      en: 'percentile: the share of the area’s cells with an equal or lower value (100 = the highest)',
    },
    long: {
      es: 'Un percentil 95 quiere decir que la celda está por encima del 95 % de las celdas del área. Se calcula con su puesto: 100 × (1 − (puesto − 1) / celdas).',
      en: 'A 95th percentile means the cell is above 95 % of the area’s cells. From its rank: 100 × (1 − (rank − 1) / cells).',
    },
    where: { es: 'Mapa de riesgo (panel de la celda).', en: 'Risk map (cell panel).' },
  },
  rank: {
    term: { es: 'Puesto', en: 'Rank' },
    short: {
      es: 'puesto de la celda en el área: 1 = la de más delitos esperados',
      en: 'rank of the cell in the area: 1 = the most expected crimes',
    },
    long: {
      es: 'Las celdas ordenadas de más a menos delitos esperados; «12 / 6 455» es la duodécima de 6 455 celdas.',
      en: 'Cells ordered from most to fewest expected crimes; "12 / 6,455" is the twelfth of 6,455 cells.',
    },
    where: { es: 'Mapa de riesgo (panel de la celda, lista).', en: 'Risk map (cell panel, list).' },
  },
  areaShare: {
    term: { es: 'Parte del área', en: 'Share of the area' },
    short: {
      es: 'parte del área: las celdas de más riesgo que suman ese porcentaje de la superficie',
      en: 'share of the area: the highest-risk cells that make up that percentage of the surface',
    },
    long: {
      es: 'La leyenda colorea las celdas por su puesto: el 1 % más alto del área (el 1 % de las celdas con más delitos esperados), del 1 al 5 %, y así. Patrullar el 5 % del área es patrullar esas celdas.',
      en: 'The legend colours cells by rank: the top 1 % of the area (the 1 % of cells with most expected crimes), 1 to 5 %, and so on. Patrolling 5 % of the area means patrolling those cells.',
    },
    where: {
      es: 'Mapa de riesgo (leyenda), Evaluación de modelos.',
      en: 'Risk map (legend), Model evaluation.',
    },
  },
  turno: {
    term: { es: 'Turno', en: 'Turno (shift)' },
    short: {
      es: 'turno policial de 6 horas: madrugada 0–6, mañana 6–12, tarde 12–18, noche 18–24 (hora local)',
      en: 'police shift of 6 hours: madrugada 0–6, mañana 6–12, tarde 12–18, noche 18–24 (local time)',
    },
    long: {
      es: 'Los pronósticos y los planes de patrullaje se hacen por turno: madrugada (0–6 h), mañana (6–12 h), tarde (12–18 h) y noche (18–24 h), en hora local.',
      en: 'Forecasts and patrol plans are made per turno: madrugada (0–6), mañana (6–12), tarde (12–18) and noche (18–24), local time.',
    },
    where: {
      es: 'Mapa de riesgo, Mi turno, Patrullaje, Tendencias.',
      en: 'Risk map, My shift, Patrols, Trends.',
    },
  },
  hitRate: {
    term: { es: 'Tasa de acierto', en: 'Hit rate' },
    short: {
      es: 'tasa de acierto: qué parte de los delitos ocurrió en las celdas señaladas',
      en: 'hit rate: the share of crimes that happened in the flagged cells',
    },
    long: {
      es: 'Si se patrulla el 5 % del área que el modelo señala como más riesgosa, ¿qué parte de los delitos que luego ocurrieron estaba ahí? 40 % quiere decir 4 de cada 10.',
      en: 'If the 5 % of the area the model flags as riskiest is patrolled, what share of the crimes that then happened were there? 40 % means 4 in 10.',
    },
    where: { es: 'Evaluación de modelos.', en: 'Model evaluation.' },
  },
  pai: {
    term: { es: 'PAI', en: 'PAI' },
    short: {
      es: 'PAI: tasa de acierto dividida por la parte del área (1 = no mejor que el azar)',
      en: 'PAI: hit rate divided by the share of the area (1 = no better than chance)',
    },
    long: {
      es: 'Índice de precisión predictiva: cuántas veces más delitos caen en las celdas señaladas que en una parte igual del área elegida al azar. Un PAI de 8 en el 5 % del área: 40 % de los delitos en el 5 % del área.',
      en: 'Predictive accuracy index: how many times more crimes fall in the flagged cells than in an equal, randomly chosen share of the area. A PAI of 8 at 5 % of the area: 40 % of crimes in 5 % of the area.',
    },
    where: { es: 'Evaluación de modelos.', en: 'Model evaluation.' },
  },
  pei: {
    term: { es: 'PEI*', en: 'PEI*' },
    short: {
      es: 'PEI*: aciertos del modelo frente al máximo posible con la misma área (1 = perfecto)',
      en: 'PEI*: the model’s hits against the most possible with the same area (1 = perfect)',
    },
    long: {
      es: 'Índice de eficiencia predictiva: los delitos que el modelo captó dividido por los que habría captado quien hubiera sabido de antemano dónde ocurrirían, con la misma superficie. 0,6 = 60 % de lo alcanzable.',
      en: 'Predictive efficiency index: the crimes the model caught divided by those someone who knew in advance where they would happen would have caught with the same surface. 0.6 = 60 % of what was reachable.',
    },
    where: { es: 'Evaluación de modelos.', en: 'Model evaluation.' },
  },
  interval: {
    term: { es: 'Intervalo de confianza 95 %', en: '95 % confidence interval' },
    short: {
      es: 'intervalo de confianza 95 %: el valor real está casi seguro entre estos dos números',
      en: '95 % confidence interval: the true value is very likely between these two numbers',
    },
    long: {
      es: 'Con pocos casos un porcentaje cambia mucho por azar. El intervalo dice entre qué valores está el verdadero con 95 % de confianza; si es ancho, la cifra es poco firme.',
      en: 'With few cases a percentage moves a lot by chance. The interval gives the values the true one lies between with 95 % confidence; a wide one means a shaky figure.',
    },
    where: {
      es: 'Evaluación de modelos, Indicadores (variación), Patrullaje (efecto medido).',
      en: 'Model evaluation, Indicators (change), Patrols (measured effect).',
    },
  },
  pBetter: {
    term: { es: 'P(> referencia)', en: 'P(> naive)' },
    short: {
      es: 'probabilidad de que el modelo acierte más que el conteo simple (la referencia)',
      en: 'probability that the model hits more than simple counts (the baseline)',
    },
    long: {
      es: 'Comparando ventana por ventana con el conteo simple (lo que ya sabe cualquier comisaría), qué tan probable es que el modelo sea de verdad mejor. Cerca de 50 %: no se distingue de la referencia.',
      en: 'Comparing window by window with simple counts (what any station already knows), how likely it is that the model really is better. Near 50 %: no different from the baseline.',
    },
    where: { es: 'Evaluación de modelos.', en: 'Model evaluation.' },
  },
  coverage: {
    term: { es: 'Cobertura', en: 'Coverage' },
    short: {
      es: 'cobertura: parte de los delitos esperados del turno que queda dentro de las áreas patrulladas',
      en: 'coverage: the share of the turno’s expected crimes inside the patrolled areas',
    },
    long: {
      es: 'Suma de los delitos esperados en las áreas del plan dividida por los del distrito o del área. Más unidades cubren más, pero cada unidad adicional agrega menos.',
      en: 'Expected crimes in the plan’s areas divided by those of the district or area. More units cover more, but each extra unit adds less.',
    },
    where: {
      es: 'Patrullaje (escenarios), Mi turno, hoja de misión.',
      en: 'Patrols (scenarios), My shift, mission sheet.',
    },
  },
  dosage: {
    term: { es: 'Dosis (Koper)', en: 'Dosage (Koper)' },
    short: {
      es: 'dosis: visitas por turno y minutos por visita a cada área',
      en: 'dosage: visits per turno and minutes per visit to each area',
    },
    long: {
      es: 'La disuasión de una parada en un punto caliente crece hasta unos 15 minutos y luego rinde cada vez menos (Koper, 1995): por eso se hacen varias visitas cortas con pausas, no una larga.',
      en: 'The deterrence of a stop at a hot spot grows up to about 15 minutes and then yields less and less (Koper, 1995): hence several short visits with pauses, not one long one.',
    },
    where: { es: 'Mi turno, hoja de misión.', en: 'My shift, mission sheet.' },
  },
  disparity: {
    term: { es: 'Alertas de disparidad', en: 'Disparity flags' },
    short: {
      es: 'alerta: el tiempo de patrullaje de un distrito se aparta mucho de su parte del riesgo',
      en: 'flag: a district’s patrol time departs far from its share of the risk',
    },
    long: {
      es: 'Para cada distrito y turno se compara su parte del tiempo patrullado con su parte del riesgo pronosticado y de los delitos denunciados. Una alerta señala un reparto que conviene revisar, no una falta.',
      en: 'For each district and turno its share of patrol time is compared with its share of forecast risk and of reported crime. A flag marks an allocation worth reviewing, not a fault.',
    },
    where: { es: 'Patrullaje (disparidad).', en: 'Patrols (disparity).' },
  },
  rateRatio: {
    term: { es: 'Razón de tasas (observacional)', en: 'Rate ratio (observational)' },
    short: {
      es: 'razón de tasas: delitos en áreas patrulladas sobre áreas comparables (menos de 1 = menos delitos); observacional',
      en: 'rate ratio: crimes in patrolled areas over comparable areas (below 1 = fewer crimes); observational',
    },
    long: {
      es: 'Cuántos delitos hubo donde se patrulló comparado con áreas de riesgo parecido que no se patrullaron. Es observacional: muestra una asociación, no prueba que el patrullaje la causó.',
      en: 'How many crimes happened where patrols went compared with similar-risk areas that were not patrolled. Observational: it shows an association, not proof that patrolling caused it.',
    },
    where: { es: 'Patrullaje (efecto medido).', en: 'Patrols (measured effect).' },
  },
  per1000: {
    term: { es: 'Tasa por 1 000 habitantes', en: 'Rate per 1,000 inhabitants' },
    short: {
      es: 'casos por cada 1 000 habitantes del distrito en el período',
      en: 'cases per 1,000 inhabitants of the district in the period',
    },
    long: {
      es: 'Permite comparar distritos de distinto tamaño. Solo aparece cuando se cargó una tabla de población con su fuente; Vigía no inventa poblaciones.',
      en: 'Lets districts of different sizes be compared. Shown only once a population table with its source is loaded; Vigía invents no populations.',
    },
    where: { es: 'Indicadores.', en: 'Indicators.' },
  },
  count: {
    term: { es: 'Casos', en: 'Cases' },
    short: {
      es: 'casos: delitos registrados (denuncias) en el período y lugar',
      en: 'cases: crimes recorded (reports) in the period and place',
    },
    long: {
      es: 'Denuncias registradas por la policía. Los recuentos menores de 5 se muestran como «—» en las vistas públicas para proteger a las víctimas.',
      en: 'Reports recorded by the police. Counts under 5 show as "—" in public views to protect victims.',
    },
    where: {
      es: 'Indicadores, Tendencias, Mi distrito, Mapa (últimos 12 meses).',
      en: 'Indicators, Trends, My district, Map (last 12 months).',
    },
  },
  persistence: {
    term: { es: 'Meses en el 5 % más alto', en: 'Months in the top 5 %' },
    short: {
      es: 'parte de los meses en que la celda estuvo en el 5 % más alto del área',
      en: 'share of the months in which the cell was in the top 5 % of the area',
    },
    long: {
      es: 'Una zona persistente lo es mes tras mes: 75 % quiere decir que estuvo entre el 5 % de celdas con más delitos en 3 de cada 4 meses del período.',
      en: 'A persistent hot spot is one month after month: 75 % means it was among the 5 % of cells with most crimes in 3 of every 4 months of the period.',
    },
    where: { es: 'Zonas persistentes (leyenda).', en: 'Persistent hotspots (legend).' },
  },
  priority: {
    term: { es: 'Zonas prioritarias', en: 'Priority areas' },
    short: {
      es: 'número en el mapa · lugar · delitos esperados en este turno (puesto en el área)',
      en: 'number on the map · place · crimes expected in this turno (rank in the area)',
    },
    long: {
      es: 'Las 10 celdas con más delitos esperados (del distrito elegido, si hay uno), numeradas en el mapa y en la lista en el mismo orden.',
      en: 'The 10 cells with most expected crimes (of the chosen district, if any), numbered on the map and in the list in the same order.',
    },
    where: {
      es: 'Mapa de riesgo (lista y números en el mapa).',
      en: 'Risk map (list and numbers on the map).',
    },
  },
  crimeTypes: {
    term: { es: 'Tipos más probables', en: 'Most likely types' },
    short: {
      es: 'tipos de delito más probables en la celda en este turno: qué parte de los delitos esperados sería de cada tipo',
      en: 'most likely crime types in the cell this turno: the share of the expected crimes of each type',
    },
    long: {
      es: 'Un clasificador entrenado con el año anterior estima, si ocurre un delito en la celda y turno, qué tan probable es cada tipo. «robo agravado 41 %» = 4 de cada 10.',
      en: 'A classifier trained on the year before estimates, if a crime happens in the cell and turno, how likely each type is. "robo agravado 41 %" = 4 in 10.',
    },
    where: { es: 'Mapa de riesgo (panel de la celda).', en: 'Risk map (cell panel).' },
  },
  dataAge: {
    term: { es: 'Antigüedad de los datos', en: 'Data age' },
    short: {
      es: 'fecha de la denuncia más reciente cargada y cuántos días han pasado',
      en: 'date of the newest report loaded and how many days ago it was',
    },
    long: {
      es: 'Si la última denuncia cargada es antigua, los pronósticos no ven lo reciente; el aviso aparece en todas las vistas.',
      en: 'If the newest loaded report is old, forecasts do not see what is recent; the banner appears on every view.',
    },
    where: {
      es: 'Todas las vistas (aviso bajo el encabezado).',
      en: 'Every view (banner under the header).',
    },
  },
  whyHigh: {
    term: { es: 'Por qué está alta', en: 'Why it is high' },
    short: {
      es: 'nivel habitual (promedio del último año) frente a hechos recientes alrededor (7 y 30 días)',
      en: 'usual level (last year’s average) against recent events around it (7 and 30 days)',
    },
    long: {
      es: 'El panel de la celda compara su nivel habitual — sus delitos del último año, en promedio por turno — con los hechos de los últimos 7 y 30 días en ella y sus 8 vecinas. Una celda alta por su nivel habitual lo es desde hace tiempo; una alta por hechos recientes puede bajar pronto. Si el modelo del pronóstico se explica a sí mismo, el panel muestra además cómo arma su valor: el proceso autoexcitado (ETAS), qué parte es nivel de fondo y qué parte disparan hechos recientes cercanos; los árboles, su punto de partida y las variables que más lo suben o bajan. Se guarda para las celdas que la lista de prioridad puede mostrar.',
      en: 'The cell panel compares its usual level — its crimes of the last year, on average per turno — with the events of the last 7 and 30 days in it and its 8 neighbours. A cell high from its usual level has been so for long; one high from recent events may soon drop. When the forecast’s model explains itself, the panel also shows how it makes up its value: the self-exciting process (ETAS), which part is background level and which part recent nearby events trigger; the trees, their starting point and the variables that raise or lower it most. It is stored for the cells the priority list can show.',
    },
    where: { es: 'Mapa de riesgo (panel de la celda).', en: 'Risk map (cell panel).' },
  },
  champion: {
    term: { es: 'Campeón', en: 'Champion' },
    short: {
      es: 'campeón: el modelo entrenado que usan los pronósticos de este grupo y horizonte',
      en: 'champion: the trained model the forecasts of this group and horizon use',
    },
    long: {
      es: 'Por área, grupo de delitos y horizonte hay a lo sumo un campeón: el modelo guardado con el que se hacen los pronósticos programados y los de «vigia forecast» sin modelo. Cambia solo por una promoción con evidencia (el retador le gana en un backtest) o por una vuelta atrás a un campeón anterior; el historial guarda cada cambio, quién lo hizo y cuándo.',
      en: 'Per area, crime group and horizon there is at most one champion: the stored model the scheduled forecasts (and "vigia forecast" without a model) use. It changes only through a promotion with evidence (the challenger beats it in a backtest) or a rollback to an earlier champion; the history keeps every change, who made it and when.',
    },
    where: {
      es: 'Evaluación de modelos (Modelos en producción).',
      en: 'Model evaluation (Models in production).',
    },
  },
  challenger: {
    term: { es: 'Retador', en: 'Challenger' },
    short: {
      es: 'retador: otro modelo entrenado del mismo grupo y horizonte, guardado para compararlo con el campeón',
      en: 'challenger: another trained model of the same group and horizon, kept to compare with the champion',
    },
    long: {
      es: 'Cada modelo entrenado que no es el campeón es un retador. Para promoverlo, ambos se prueban tal como están guardados en los días posteriores a sus dos cortes de datos; pasa a campeón solo si acierta más por ventana al 5 % del área y la prueba de Wilcoxon lo confirma (p < 0,05). Si no, se conserva para comparar.',
      en: 'Every trained model that is not the champion is a challenger. To promote it, both are tested as stored on the days after both data cutoffs; it becomes champion only if it catches more per window at 5 % of the area and the Wilcoxon test confirms it (p < 0.05). Otherwise it is kept for comparison.',
    },
    where: {
      es: 'Evaluación de modelos (Modelos en producción).',
      en: 'Model evaluation (Models in production).',
    },
  },
  wilcoxon: {
    term: { es: 'Prueba de Wilcoxon (p)', en: 'Wilcoxon test (p)' },
    short: {
      es: 'p de Wilcoxon: probabilidad de ver una diferencia así entre los dos modelos por puro azar',
      en: 'Wilcoxon p: the chance of seeing such a difference between the two models by luck alone',
    },
    long: {
      es: 'La prueba de rangos con signo de Wilcoxon compara, ventana por ventana, el acierto del retador con el del campeón (pareada, bilateral). Un p menor que 0,05 dice que la diferencia difícilmente es azar; con un p mayor, o con menos de 5 ventanas con delitos, se mantiene el campeón.',
      en: 'The Wilcoxon signed-rank test compares, window by window, the challenger’s hit rate with the champion’s (paired, two-sided). A p below 0.05 says the difference is hardly luck; with a larger p, or fewer than 5 windows with crimes, the champion stays.',
    },
    where: { es: 'Evaluación de modelos (última decisión).', en: 'Model evaluation (last decision).' },
  },
} as const satisfies Record<string, GlossaryEntry>;

export type GlossaryTerm = keyof typeof GLOSSARY;

const pick = (text: Text, lang: Lang): string => (lang === 'en' ? text.en : text.es);

/** A figure's tooltip: what it is, in the current language. */
export function explain(term: GlossaryTerm, lang: Lang): string {
  return pick(GLOSSARY[term].short, lang);
}

/** The texts of an entry in a language. */
export function entry(
  term: GlossaryTerm,
  lang: Lang,
): { term: string; short: string; long: string; where: string } {
  const e = GLOSSARY[term];
  return {
    term: pick(e.term, lang),
    short: pick(e.short, lang),
    long: pick(e.long, lang),
    where: pick(e.where, lang),
  };
}

// ── the dialog's state: which entry is open (null: closed), shared by the header and the views ──
let open: { term: GlossaryTerm | 'all' } | null = null;
const listeners = new Set<() => void>();
const emit = (): void => {
  for (const l of listeners) l();
};

/** Opens the glossary at one entry (or at the top). */
export function openGlossary(term: GlossaryTerm | 'all' = 'all'): void {
  open = { term };
  emit();
}
export function closeGlossary(): void {
  open = null;
  emit();
}
export function useGlossaryState(): { term: GlossaryTerm | 'all' } | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => open,
  );
}

/** The current language's texts for a term (a hook, re-rendered on a language switch). */
export function useExplain(): (term: GlossaryTerm) => string {
  const lang = useLang();
  return (term) => explain(term, lang);
}
