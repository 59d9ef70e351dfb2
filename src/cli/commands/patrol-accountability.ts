/**
 * `vigia disparity`, `vigia scenario`, `vigia patrol-effect`: the accountability report, the
 * officials' scenario curve and the measured (observational) effect of patrol plans.
 */
import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.ts';
import { modelName } from '../../core/models.ts';
import { CRIME_GROUPS } from '../../core/taxonomy.ts';
import { TURNOS } from '../../core/time.ts';
import { dmy } from '../../services/data-age.ts';
import { patrolDisparity, patrolEffect, patrolScenario } from '../../services/patrol-accountability.ts';
import { withStore } from '../context.ts';
import { table } from '../output.ts';
import { cliAuditContext } from '../secret.ts';

/** The service names API parameters; the CLI names its options. */
const OPTION: Readonly<Record<string, string>> = {
  from: '--from',
  to: '--to',
  group: '--group',
  turno: '--turno',
  day: '--day',
  maxUnits: '--max-units',
  maxCells: '--max-cells',
};

async function asOptions<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const option = err instanceof ValidationError ? OPTION[err.field] : undefined;
    if (err instanceof ValidationError && option)
      throw new ValidationError(option, err.message.slice(err.field.length + 2));
    throw err;
  }
}

function required(value: string | undefined, option: string, what: string): string {
  if (value === undefined) throw new ValidationError(option, `indique ${what}`);
  return value;
}

function whole(value: string, option: string): number {
  if (!/^\s*\d{1,9}\s*$/.test(value))
    throw new ValidationError(option, `se espera un entero ≥ 0, se recibió "${value}"`);
  return Number(value);
}

const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
const num = (x: number | null, digits = 2): string =>
  x === null ? '—' : x === Number.POSITIVE_INFINITY ? '∞' : x.toFixed(digits);
const groupHelp = `grupo de delitos: ${Object.keys(CRIME_GROUPS).join(', ')}`;

export function registerPatrolAccountabilityCommands(program: Command): void {
  program
    .command('disparity')
    .description(
      'disparidad por distrito y turno: parte del tiempo de patrullaje vs parte del riesgo pronosticado vs parte de los delitos denunciados',
    )
    .option('--from <AAAA-MM-DD>', 'primer día del periodo (obligatorio)')
    .option('--to <AAAA-MM-DD>', 'último día del periodo (obligatorio)')
    .option('--group <grupo>', groupHelp, 'all')
    .option('-a, --area <id>', 'área de estudio (por defecto VIGIA_STUDY_AREA)')
    .option('--json', 'salida JSON')
    .action(async (o: { from?: string; to?: string; group: string; area?: string; json?: boolean }) => {
      const from = required(o.from, '--from', 'el primer día (--from AAAA-MM-DD)');
      const to = required(o.to, '--to', 'el último día (--to AAAA-MM-DD)');
      await withStore(async (db, config) => {
        const r = await asOptions(() =>
          patrolDisparity(
            db,
            { area: o.area ?? config.studyArea, from, to, group: o.group },
            'full',
            cliAuditContext(),
          ),
        );
        if (o.json) {
          process.stdout.write(`${JSON.stringify(r)}\n`);
          return;
        }
        const lines = [
          `Disparidad del patrullaje — área ${r.area}, del ${dmy(r.from)} al ${dmy(r.to)}, grupo "${r.group}"`,
          '',
        ];
        for (const t of r.turnos) {
          lines.push(
            `Turno ${t.turno}: ${num(t.patrolMinutes, 0)} min patrullados (${num(t.plannedMinutes, 0)} planificados en ${t.plans} planes), ${num(t.expected)} delitos esperados (${t.forecastDays} días con pronóstico), ${t.reported} denunciados`,
            table(
              [
                'distrito',
                'patrullaje',
                'planificado',
                'riesgo',
                'denunciados',
                'patrullaje/riesgo',
                'patrullaje/denuncias',
                'alerta',
              ],
              t.districts.map((d) => [
                `${d.name} (${d.code})`,
                pct(d.patrolShare),
                pct(d.plannedShare),
                pct(d.riskShare),
                pct(d.reportedShare),
                num(d.patrolToRisk),
                num(d.patrolToReported),
                d.flags.map((f) => f.against).join(', ') || '—',
              ]),
            ),
            '',
          );
        }
        lines.push(`Regla: ${r.rule.text}`, r.note, `Alertas: ${r.flagged}.`, '');
        process.stdout.write(lines.join('\n'));
      });
    });

  program
    .command('scenario')
    .description(
      'escenario: qué parte de los delitos esperados del turno cubren 0…N unidades, por distrito y en total',
    )
    .option('--turno <turno>', `turno: ${TURNOS.join(', ')} (obligatorio)`)
    .option('--day <AAAA-MM-DD>', 'día local (por defecto, el último día con pronóstico de ese turno)')
    .option('--max-units <n>', 'unidades como máximo, por distrito y en total (obligatorio)')
    .option('--max-cells <n>', 'celdas por área de patrullaje, 1–9 (por defecto 4)')
    .option('--group <grupo>', groupHelp, 'all')
    .option('-a, --area <id>', 'área de estudio (por defecto VIGIA_STUDY_AREA)')
    .option('--json', 'salida JSON')
    .action(
      async (o: {
        turno?: string;
        day?: string;
        maxUnits?: string;
        maxCells?: string;
        group: string;
        area?: string;
        json?: boolean;
      }) => {
        const turno = required(o.turno, '--turno', `el turno (${TURNOS.join(', ')})`);
        const maxUnits = whole(
          required(o.maxUnits, '--max-units', 'las unidades como máximo (--max-units N)'),
          '--max-units',
        );
        const maxCells = o.maxCells === undefined ? undefined : whole(o.maxCells, '--max-cells');
        await withStore(async (db, config) => {
          const r = await asOptions(() =>
            patrolScenario(
              db,
              {
                area: o.area ?? config.studyArea,
                turno,
                group: o.group,
                maxUnits,
                ...(o.day === undefined ? {} : { day: o.day }),
                ...(maxCells === undefined ? {} : { maxCells }),
              },
              cliAuditContext(),
            ),
          );
          if (o.json) {
            process.stdout.write(`${JSON.stringify(r)}\n`);
            return;
          }
          const lines = [
            `Escenario — área ${r.area}, turno ${r.turno} del ${dmy(r.day)}, grupo "${r.group}", pronóstico ${r.forecast.id} (modelo ${modelName(r.forecast.model, { withKind: true })}), áreas de hasta ${r.maxCells} celdas`,
            r.current
              ? `Plan vigente: ${r.current.planId} (versión ${r.current.version}) con ${r.current.units} unidades.`
              : 'No hay plan guardado para este pronóstico.',
            '',
            'En total (unidades repartidas entre distritos según los delitos esperados):',
            table(
              ['unidades', 'delitos cubiertos', 'cobertura', 'ganancia de la última unidad'],
              r.total.curve.map((p) => [p.units, num(p.expectedCovered), pct(p.share), num(p.marginal, 3)]),
            ),
            '',
            'Por distrito (cobertura con 1, 2, … unidades en el distrito):',
            table(
              [
                'distrito',
                'delitos esperados',
                'unidades vigentes',
                ...r.total.curve.slice(1).map((p) => String(p.units)),
              ],
              r.districts.map((d) => [
                `${d.name} (${d.code})`,
                num(d.expectedTotal),
                d.currentUnits ?? '—',
                ...d.curve.slice(1).map((p) => pct(p.share)),
              ]),
            ),
            '',
          ];
          process.stdout.write(lines.join('\n'));
        });
      },
    );

  program
    .command('patrol-effect')
    .description(
      'efecto medido de los planes (observacional): delitos denunciados en áreas patrulladas vs áreas comparables no planificadas',
    )
    .option('--from <AAAA-MM-DD>', 'primer día del periodo (obligatorio)')
    .option('--to <AAAA-MM-DD>', 'último día del periodo (obligatorio)')
    .option('--group <grupo>', groupHelp, 'all')
    .option('-a, --area <id>', 'área de estudio (por defecto VIGIA_STUDY_AREA)')
    .option('--json', 'salida JSON')
    .action(async (o: { from?: string; to?: string; group: string; area?: string; json?: boolean }) => {
      const from = required(o.from, '--from', 'el primer día (--from AAAA-MM-DD)');
      const to = required(o.to, '--to', 'el último día (--to AAAA-MM-DD)');
      await withStore(async (db, config) => {
        const r = await asOptions(() =>
          patrolEffect(db, { area: o.area ?? config.studyArea, from, to, group: o.group }, cliAuditContext()),
        );
        if (o.json) {
          process.stdout.write(`${JSON.stringify(r)}\n`);
          return;
        }
        process.stdout.write(
          [
            `Efecto medido de los planes (OBSERVACIONAL) — área ${r.area}, del ${dmy(r.from)} al ${dmy(r.to)}, grupo "${r.group}"`,
            '',
            table(
              ['', 'áreas × turno', 'delitos denunciados', 'delitos esperados'],
              [
                ['patrulladas', r.patrolled.areas, r.patrolled.crimes, num(r.patrolled.expected)],
                [
                  'comparables no planificadas',
                  r.comparable.areas,
                  r.comparable.crimes,
                  num(r.comparable.expected),
                ],
              ],
            ),
            '',
            `Razón de tasas: ${num(r.rateRatio)}${r.interval ? ` (IC 95 % Poisson: ${num(r.interval[0])}–${num(r.interval[1])})` : ' (sin intervalo: algún grupo sin delitos)'}; ${r.unmatched} áreas patrulladas sin comparable${r.skipped > 0 ? `, ${r.skipped} turnos sin pronóstico guardado` : ''}.`,
            `Emparejamiento: ${r.matching}`,
            r.note,
            '',
          ].join('\n'),
        );
      });
    });
}
