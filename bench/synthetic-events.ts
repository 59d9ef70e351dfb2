/** The 5-year synthetic Callao data as a modelling EventSet (true times and positions), for benches. */
import { createEventSet, type EventSet } from '../src/core/events.ts';
import { CATEGORY_CODES } from '../src/core/taxonomy.ts';
import { compileStudyArea, type StudyArea } from '../src/geo/study-area.ts';
import { callaoStudyArea } from '../src/services/areas.ts';
import { generateSynthetic, SYNTHETIC_KINDS } from '../src/synthetic/generator.ts';

export function syntheticCallaoEvents(years = 5): { area: StudyArea; events: EventSet } {
  const area = compileStudyArea(callaoStudyArea());
  const { truth } = generateSynthetic(area, { years, start: '2021-01-01' });
  const ev = truth.events;
  const events = createEventSet({
    t: ev.timeMs,
    x: ev.x,
    y: ev.y,
    category: Array.from(ev.kind, (k) =>
      CATEGORY_CODES.indexOf(SYNTHETIC_KINDS[k] as (typeof CATEGORY_CODES)[number]),
    ),
  });
  return { area, events };
}
