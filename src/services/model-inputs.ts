/**
 * The optional inputs of learned models' fit contexts (`FitContext.placeTypes`, `.environment`),
 * loaded only when some model's settings use them (`PredictorModule.usesInputs`): the incidents'
 * place types known before a cut (column `modalidad`, where Chicago's mapping puts `loc_cat`; the
 * backtest harness cuts them again at each window) and the area's bundled environment layers
 * (services/places.ts: Callao's OpenStreetMap markets and named streets; other areas have none).
 */
import type { CrimeCategory } from '../core/taxonomy.ts';
import type { StudyArea } from '../geo/study-area.ts';
import type { FitContext, PredictorModule } from '../models/predictor.ts';
import type { Queryable } from '../storage/db.ts';
import { loadPlaceTypes } from '../storage/place-types.ts';
import { environmentLayersOf } from './places.ts';

/** What {@link loadModelInputs} gives: spread into a FitContext or a backtest's input. */
export type ModelInputs = Pick<FitContext, 'placeTypes' | 'environment'>;

/**
 * Loads the inputs that `models` use with their settings, nothing when none does.
 * @param before the cut: only incidents that occurred and were registered before it
 * @param categories the categories whose place types count (default all)
 */
export async function loadModelInputs(
  db: Queryable,
  area: StudyArea,
  models: readonly { module: PredictorModule<unknown>; config: unknown }[],
  before: number,
  categories?: readonly CrimeCategory[],
): Promise<ModelInputs> {
  const used = new Set(models.flatMap((m) => m.module.usesInputs?.(m.config) ?? []));
  return {
    ...(used.has('placeTypes')
      ? {
          placeTypes: await loadPlaceTypes(db, {
            area: area.def.id,
            before,
            ...(categories ? { categories } : {}),
          }),
        }
      : {}),
    ...(used.has('environment')
      ? {
          environment: {
            layers: environmentLayersOf(area),
            project: (lon: number, lat: number) => area.projection.forward(lon, lat),
          },
        }
      : {}),
  };
}
