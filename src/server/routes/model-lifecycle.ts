/** The model lifecycle (issue 15): champion, challengers and decisions; promotion; rollback. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type Answer, responses } from '../../contract/api.ts';
import { modelLifecycle, promoteChallenger, rollbackChampion } from '../../services/model-lifecycle.ts';
import type { TrainedModelMeta } from '../../services/training.ts';
import { auditContext } from '../auth.ts';
import { areaParam, dayParam, type RouteDeps, typed } from './deps.ts';

/** Dates become ISO strings on the wire. */
const wire = <T>(value: unknown): T => JSON.parse(JSON.stringify(value)) as T;

/** A trained model's lineage without its artifact or feature schema. */
function lineage(m: TrainedModelMeta) {
  return {
    id: m.id,
    kind: m.kind,
    version: m.version,
    horizon: m.horizon,
    dataCutoff: m.dataCutoff,
    dataSha256: m.dataSha256,
    eventsUsed: m.eventsUsed,
    codeVersion: m.codeVersion,
    seed: m.seed,
    config: m.config,
    metrics: m.metrics,
    artifactSha256: m.artifactSha256,
    createdAt: m.createdAt,
    createdBy: m.createdBy,
    trainedVia: m.trainedVia,
  };
}

const trainedId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export function registerModelLifecycleRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const api = typed(app);
  api.get(
    '/api/v1/models/lifecycle',
    {
      schema: {
        response: responses('GET /api/v1/models/lifecycle'),
        tags: ['modelos'],
        summary:
          'Campeón de cada grupo × horizonte con su linaje, retadores, historial de campeones y últimas decisiones con su evidencia',
        querystring: z.object({ area: areaParam, group: z.string().max(40).optional() }),
      },
    },
    async (request) => {
      const life = await modelLifecycle(deps.db, {
        area: request.query.area ?? deps.defaultArea,
        ...(request.query.group ? { group: request.query.group } : {}),
      });
      return wire<Answer<'GET /api/v1/models/lifecycle'>>({
        entries: life.map((e) => ({
          ...e,
          champion: lineage(e.champion),
          challengers: e.challengers.map(lineage),
        })),
      });
    },
  );
  api.post(
    '/api/v1/models/promote',
    {
      schema: {
        response: responses('POST /api/v1/models/promote'),
        tags: ['modelos'],
        summary:
          'Propone un modelo entrenado como campeón: sin campeón lo es; si no, pasa solo si su backtest le gana al campeón (prueba pareada); la decisión y su evidencia se guardan',
        body: z.strictObject({
          challenger: trainedId.describe('id del modelo entrenado'),
          from: dayParam
            .optional()
            .describe('primer día del backtest (por defecto, el corte de datos más tardío)'),
          to: dayParam
            .optional()
            .describe('día siguiente al último (por defecto, VIGIA_PROMOTION_DAYS días después)'),
        }),
      },
    },
    async (request) => {
      const b = request.body;
      const r = await promoteChallenger(deps.db, {
        challenger: b.challenger,
        ...(b.from ? { from: b.from } : {}),
        ...(b.to ? { to: b.to } : {}),
        audit: auditContext(request),
        settings: deps.lifecycle,
      });
      return wire<Answer<'POST /api/v1/models/promote'>>(r);
    },
  );
  api.post(
    '/api/v1/models/rollback',
    {
      schema: {
        response: responses('POST /api/v1/models/rollback'),
        tags: ['modelos'],
        summary:
          'Vuelve a un campeón anterior de su historial: los próximos pronósticos lo usan; los guardados no se reescriben',
        body: z.strictObject({ to: trainedId.describe('id del modelo entrenado, campeón anterior') }),
      },
    },
    async (request) => {
      const champion = await rollbackChampion(deps.db, { to: request.body.to, audit: auditContext(request) });
      return wire<Answer<'POST /api/v1/models/rollback'>>({ champion });
    },
  );
}
