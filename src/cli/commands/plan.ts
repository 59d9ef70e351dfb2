/** `vigia plan`: a stored, versioned patrol plan for one turno from the stored forecast. */
import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.ts';
import { modelName } from '../../core/models.ts';
import { CRIME_GROUPS } from '../../core/taxonomy.ts';
import { TURNOS } from '../../core/time.ts';
import { dmy } from '../../services/data-age.ts';
import { excludedCategoriesOf } from '../../services/forecast.ts';
import { missionSheet, writeMissionSheet } from '../../services/mission-sheet.ts';
import { explainStoredPlan } from '../../services/patrol-plan-views.ts';
import { makePatrolPlan } from '../../services/patrol-plans.ts';
import { withStore } from '../context.ts';
import { table } from '../output.ts';
import { cliAuditContext } from '../secret.ts';

/** A whole number given on the command line. @throws ValidationError naming the option */
function wholeNumber(value: string, option: string): number {
  if (!/^\s*\d{1,9}\s*$/.test(value))
    throw new ValidationError(option, `se espera un entero ≥ 0, se recibió "${value}"`);
  return Number(value);
}

/** `070101=10,070102=5` → { "070101": 10, "070102": 5 }. @throws ValidationError naming --units-by */
export function parseUnitsBy(value: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of value.split(',')) {
    const m = /^\s*([^=\s]+)\s*=\s*(\d{1,9})\s*$/.exec(part);
    if (!m)
      throw new ValidationError(
        '--units-by',
        `"${part.trim()}" no tiene la forma código=unidades (ej. 070101=10,070102=5)`,
      );
    const code = m[1] as string;
    if (Object.hasOwn(out, code))
      throw new ValidationError('--units-by', `el distrito "${code}" aparece dos veces`);
    out[code] = Number(m[2]);
  }
  return out;
}

const pct = (share: number): string => `${(share * 100).toFixed(1)} %`;

export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description('plan de patrullaje de un turno a partir del pronóstico guardado (versionado y auditado)')
    .option('--turno <turno>', `turno: ${TURNOS.join(', ')} (obligatorio)`)
    .option('--day <AAAA-MM-DD>', 'día local (por defecto, el último día con pronóstico de ese turno)')
    .option('--group <grupo>', `grupo de delitos: ${Object.keys(CRIME_GROUPS).join(', ')}`, 'all')
    .option('--units <n>', 'unidades en total, repartidas entre distritos según los delitos esperados')
    .option('--units-by <código=n,…>', 'unidades por distrito (código INEI), ej. 070101=10,070102=5')
    .option('--max-cells <n>', 'celdas por área de patrullaje, 1–9 (por defecto 4)')
    .option('--visit-minutes <n>', 'minutos por visita (por defecto 15, curva de Koper)')
    .option('--pause-minutes <n>', 'minutos entre visitas a una misma área (por defecto 60)')
    .option('-a, --area <id>', 'área de estudio (por defecto VIGIA_STUDY_AREA)')
    .option('--json', 'salida JSON')
    .option('--pdf <archivo>', 'escribe además la hoja de misión del plan (PDF, en español) en ese archivo')
    .addHelpText(
      'after',
      '\nEjemplos: vigia plan --area callao --turno noche --units 100\n          vigia plan --turno tarde --day 2026-01-01 --units-by 070101=10,070102=5 --max-cells 3',
    )
    .action(
      async (o: {
        turno?: string;
        day?: string;
        group: string;
        units?: string;
        unitsBy?: string;
        maxCells?: string;
        visitMinutes?: string;
        pauseMinutes?: string;
        area?: string;
        json?: boolean;
        pdf?: string;
      }) => {
        if (o.turno === undefined)
          throw new ValidationError('--turno', `indique el turno (${TURNOS.join(', ')})`);
        const { turno } = o;
        const units = o.units === undefined ? undefined : wholeNumber(o.units, '--units');
        const unitsBySector = o.unitsBy === undefined ? undefined : parseUnitsBy(o.unitsBy);
        const maxCells = o.maxCells === undefined ? undefined : wholeNumber(o.maxCells, '--max-cells');
        const dosage = {
          ...(o.visitMinutes === undefined
            ? {}
            : { minutesPerVisit: wholeNumber(o.visitMinutes, '--visit-minutes') }),
          ...(o.pauseMinutes === undefined
            ? {}
            : { pauseMinutes: wholeNumber(o.pauseMinutes, '--pause-minutes') }),
        };
        await withStore(async (db, config) => {
          const { plan, duplicate } = await makePatrolPlan(db, {
            area: o.area ?? config.studyArea,
            turno,
            group: o.group,
            actor: cliAuditContext(),
            dosage,
            ...(o.day === undefined ? {} : { day: o.day }),
            ...(units === undefined ? {} : { units }),
            ...(unitsBySector === undefined ? {} : { unitsBySector }),
            ...(maxCells === undefined ? {} : { maxCells }),
          });
          if (o.pdf !== undefined) {
            const sheet = await missionSheet(db, {
              planId: plan.id,
              view: 'full',
              principal: null,
              actor: cliAuditContext(),
              generatedAt: new Date(),
            });
            await writeMissionSheet(o.pdf, sheet, '--pdf');
          }
          const explanation = await explainStoredPlan(db, plan);
          if (o.json) {
            process.stdout.write(`${JSON.stringify({ ...plan, duplicate, explanation })}\n`);
            return;
          }
          const { dosage: d } = plan.settings;
          const excluded = excludedCategoriesOf(plan.modelConfig);
          const totalUnits = Object.values(plan.settings.unitsBySector).reduce((a, b) => a + b, 0);
          const share = plan.expectedTotal > 0 ? plan.expectedCovered / plan.expectedTotal : 0;
          // The group's tactics are the same on every area (plans stored before tactics have none).
          const tactics = plan.areas[0]?.tactics ?? [];
          const attributions = [
            ...new Set(plan.areas.flatMap((a) => (a.place?.attribution ? [a.place.attribution] : []))),
          ];
          process.stdout.write(
            [
              `Plan de patrullaje ${plan.id} (versión ${plan.version}) — área ${plan.area}, turno ${plan.turno} del ${dmy(plan.day)}, grupo "${plan.group}"`,
              `Pronóstico ${plan.forecastId} (modelo ${modelName(plan.modelKind, { withKind: true })}); ${duplicate ? 'ya estaba guardado con el mismo pronóstico y ajustes' : `guardado por ${plan.createdBy}`}.`,
              '',
              table(
                ['orden', 'lugar', 'celdas', 'delitos esperados', 'minutos por visita', 'visitas'],
                plan.areas.map((a) => [
                  a.order,
                  `${a.place?.label ?? a.name} (${a.code})`,
                  a.cells.join(' '),
                  a.expected.toFixed(2),
                  d.minutesPerVisit,
                  d.visits,
                ]),
              ),
              '',
              `Cobertura: ${plan.expectedCovered.toFixed(2)} de ${plan.expectedTotal.toFixed(2)} delitos esperados en el turno (${pct(share)}), con ${plan.areas.length} áreas para ${totalUnits} unidades (hasta ${plan.settings.maxCells} celdas cada una).`,
              `Dosis: ${d.visits} visitas de ${d.minutesPerVisit} min por área, ${d.pauseMinutes} min entre visitas (turno de ${d.turnoMinutes} min).`,
              `Excluidos por depender de la actividad policial: ${excluded.length > 0 ? excluded.join(', ') : 'ninguno'} (VIGIA_PATROL_EXCLUDE, al hacer el pronóstico).`,
              '',
              'Por qué este plan:',
              `  ${explanation.forecast}`,
              `  ${explanation.method}`,
              ...(tactics.length > 0
                ? ['', 'Qué hacer en cada área:', ...tactics.map((t) => `  - ${t.text} [${t.code}]`)]
                : []),
              ...(attributions.length > 0
                ? [
                    '',
                    `Nombres de calles y lugares: ${attributions.join('; ')} (ODbL). Cómo llegar: enlaces en --json.`,
                  ]
                : []),
              ...(o.pdf === undefined ? [] : ['', `Hoja de misión (PDF): ${o.pdf}`]),
              '',
            ].join('\n'),
          );
        });
      },
    );
}
