/**
 * `vigia briefing` (the district security committee's briefing, optionally its PDF) and
 * `vigia bulletin` (the community bulletin): numbers from the store, narrative from the configured
 * model or the built-in method, stored as drafts for review (issue 14, docs/text.md, "Informes y
 * boletines").
 */
import type { Command } from 'commander';
import {
  briefingPdf,
  generateBriefing,
  generateBulletin,
  writeBriefingPdf,
} from '../../services/briefing-drafts.ts';
import type { TextDraft } from '../../services/texts.ts';
import { withStore } from '../context.ts';
import { cliAuditContext } from '../secret.ts';

interface Options {
  district?: string;
  from: string;
  to: string;
  area?: string;
  pdf?: string;
  json?: boolean;
}

function draftLines(d: TextDraft): string[] {
  const v = d.versions[0]?.verification as { counts: { ok: number; unverified: number; rejected: number } };
  return [
    `Borrador #${d.id} (${d.kind === 'briefing' ? 'informe CODISEC' : 'boletín comunitario'}) escrito por ${d.generator}${d.modelVersion ? ` (${d.modelVersion})` : ''}.`,
    ...(d.fallbackReason
      ? [`El modelo no respondió (${d.fallbackReason}): escribió el método incorporado.`]
      : []),
    `Verificación: ${v.counts.ok} oraciones verificadas, ${v.counts.unverified} sin verificar, ${v.counts.rejected} rechazadas.`,
    'Pendiente de revisión: otra persona debe aprobarlo (API /api/v1/texts o el tablero, vista Resúmenes).',
  ];
}

export function registerBriefingCommands(program: Command): void {
  program
    .command('briefing')
    .description(
      'informe para el Comité Distrital de Seguridad Ciudadana (CODISEC) de un distrito y período, guardado como borrador; con --pdf, también el PDF',
    )
    .requiredOption('--district <código>', 'distrito (ubigeo)')
    .requiredOption('--from <AAAA-MM-DD>', 'primer día')
    .requiredOption('--to <AAAA-MM-DD>', 'último día (incluido)')
    .option('-a, --area <id>', 'área de estudio (por defecto VIGIA_STUDY_AREA)')
    .option('--pdf <archivo>', 'escribe el informe (PDF A4, marcado BORRADOR hasta su aprobación)')
    .option('--json', 'salida JSON (los datos del informe y el borrador)')
    .addHelpText(
      'after',
      '\nEjemplo: vigia briefing --district 070101 --from 2025-03-01 --to 2025-03-31 --pdf informe.pdf',
    )
    .action(async (o: Options) => {
      await withStore(async (db, config) => {
        const actor = cliAuditContext();
        const r = await generateBriefing(db, {
          area: o.area ?? config.studyArea,
          district: o.district as string,
          from: o.from,
          to: o.to,
          llm: config.llm,
          actor,
        });
        if (o.pdf !== undefined)
          await writeBriefingPdf(o.pdf, (await briefingPdf(db, r.draft.id, actor, new Date())).pdf);
        if (o.json) {
          process.stdout.write(`${JSON.stringify(r)}\n`);
          return;
        }
        const b = r.briefing;
        const lines = [
          `Informe CODISEC — ${b.district.name} (${b.district.code}), ${b.period.from} a ${b.period.to}`,
          ...b.trends.map(
            (t) =>
              `  ${t.label}: ${t.count ?? 'reservado'} (antes ${t.previous ?? 'reservado'}) — ${t.verdict}`,
          ),
          ...draftLines(r.draft),
          ...(o.pdf === undefined ? [] : [`PDF: ${o.pdf}`]),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    });

  program
    .command('bulletin')
    .description(
      'boletín para la comunidad (meses completos, solo cifras publicadas), guardado como borrador',
    )
    .option('--district <código>', 'distrito (ubigeo); sin él, toda el área')
    .requiredOption('--from <AAAA-MM-DD>', 'primer día de un mes')
    .requiredOption('--to <AAAA-MM-DD>', 'último día de un mes')
    .option('-a, --area <id>', 'área de estudio (por defecto VIGIA_STUDY_AREA)')
    .option('--json', 'salida JSON')
    .action(async (o: Options) => {
      await withStore(async (db, config) => {
        const r = await generateBulletin(db, {
          area: o.area ?? config.studyArea,
          ...(o.district ? { district: o.district } : {}),
          from: o.from,
          to: o.to,
          ...(config.adviceFile ? { adviceFile: config.adviceFile } : {}),
          llm: config.llm,
          actor: cliAuditContext(),
        });
        if (o.json) {
          process.stdout.write(`${JSON.stringify(r)}\n`);
          return;
        }
        const lines = [...r.bulletin.rows.map((x) => `  ${x.sentence}`), ...draftLines(r.draft)];
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    });
}
