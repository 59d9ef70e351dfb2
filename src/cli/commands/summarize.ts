/** `vigia summarize`: a verified summary stored as a draft for review (issue 14, docs/text.md). */
import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.ts';
import { generateSummary, type Verification } from '../../services/texts.ts';
import { withStore } from '../context.ts';
import { cliAuditContext } from '../secret.ts';

const MARK = { ok: '✓', 'sin verificar': '?', rechazada: '✗' } as const;

export function registerSummarizeCommand(program: Command): void {
  program
    .command('summarize')
    .description(
      'resumen verificado de un periodo (modelo configurado o método incorporado), guardado como borrador para revisión',
    )
    .requiredOption('--from <AAAA-MM-DD>', 'primer día')
    .requiredOption('--to <AAAA-MM-DD>', 'último día (incluido)')
    .option('--district <código>', 'distrito (ubigeo); sin él, toda el área')
    .option(
      '--audience <público>',
      'internal (con relatos anonimizados) o community (solo agregados publicados, meses completos)',
      'internal',
    )
    .option('-a, --area <id>', 'área de estudio (por defecto VIGIA_STUDY_AREA)')
    .option('--json', 'salida JSON (el borrador completo)')
    .addHelpText(
      'after',
      '\nEjemplos: vigia summarize --from 2025-03-01 --to 2025-03-31\n' +
        '          vigia summarize --from 2025-03-01 --to 2025-03-31 --audience community --district 070101\n' +
        'El texto queda como borrador: se revisa y aprueba en la API (/api/v1/texts) o el tablero.',
    )
    .action(
      async (o: {
        from: string;
        to: string;
        district?: string;
        audience: string;
        area?: string;
        json?: boolean;
      }) => {
        if (o.audience !== 'internal' && o.audience !== 'community')
          throw new ValidationError('--audience', `use internal o community, no "${o.audience}"`);
        const audience = o.audience;
        await withStore(async (db, config) => {
          const d = await generateSummary(db, {
            area: o.area ?? config.studyArea,
            district: o.district ?? null,
            from: o.from,
            to: o.to,
            audience,
            llm: config.llm,
            actor: cliAuditContext(),
          });
          if (o.json) {
            process.stdout.write(`${JSON.stringify(d)}\n`);
            return;
          }
          const v = d.versions[0]?.verification as Verification;
          const lines = [
            `Borrador #${d.id} (${d.kind}, ${audience === 'community' ? 'comunidad' : 'interno'}) escrito por ${d.generator}${d.modelVersion ? ` (${d.modelVersion})` : ''}.`,
            ...(d.fallbackReason
              ? [`El modelo no respondió (${d.fallbackReason}): escribió el método incorporado.`]
              : []),
            `Verificación: ${v.counts.ok} oraciones verificadas, ${v.counts.unverified} sin verificar, ${v.counts.rejected} rechazadas${v.leaks.length ? `; datos personales retirados: ${v.leaks.join(', ')}` : ''}.`,
            '',
            ...v.sentences.map(
              (s) =>
                `${MARK[s.status]} ${s.text}${s.reasons.length ? `\n    (${s.reasons.join('; ')})` : ''}`,
            ),
            '',
            'Pendiente de revisión: otra persona debe aprobarlo antes de publicarlo.',
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        });
      },
    );
}
