/** `vigia ingest`, `vigia batches`, `vigia rejects`. */
import type { Command } from 'commander';
import {
  ADAPTERS,
  type AdapterName,
  batchRejects,
  type IngestReport,
  ingestFile,
  listBatches,
} from '../../services/ingest.ts';
import { withStore } from '../context.ts';
import { EXIT, n, progressBar, table } from '../output.ts';
import { cliAuditContext } from '../secret.ts';

const FORMATS = [...Object.keys(ADAPTERS), 'mapped'];

function printReport(r: IngestReport): void {
  const out = process.stdout;
  if (r.alreadyIngested) {
    out.write(
      `${r.file}: ya fue ingerido en el lote #${r.alreadyIngested.batchId} (${r.alreadyIngested.at.toISOString()}); no se agregó nada.\n`,
    );
    return;
  }
  if (r.status === 'in-progress') {
    out.write(
      `${r.file}: otro proceso ya lo está ingiriendo en este momento; no se agregó nada (vea "vigia batches" cuando termine).\n`,
    );
    return;
  }
  out.write(
    `${r.file} → lote #${r.batchId} (${r.adapter}, área ${r.area}, codificación ${r.encoding}, ${r.seconds.toFixed(1)} s)\n` +
      `  filas leídas:   ${n(r.rowsRead)}\n` +
      `  nuevas:         ${n(r.accepted)}\n` +
      `  ya existentes:  ${n(r.existing)}\n` +
      `  rechazadas:     ${n(r.rejected)}\n` +
      (r.skipped > 0 ? `  omitidas:       ${n(r.skipped)} (filtro del mapeo)\n` : ''),
  );
  if (r.rejects.length > 0) {
    out.write(`\nPrimeros rechazos (todos: vigia rejects ${r.batchId}):\n`);
    out.write(
      `${table(
        ['fila', 'campo', 'motivo', 'valor'],
        r.rejects.map((x) => [x.rowNumber, x.field, x.reason, x.value]),
      )}\n`,
    );
  }
}

export function registerIngestCommands(program: Command): void {
  program
    .command('ingest <files...>')
    .description('carga archivos de incidentes o conteos; cada archivo es un lote atómico e idempotente')
    .requiredOption('-f, --format <format>', `formato: ${FORMATS.join(' | ')}`)
    .option('-m, --mapping <file.json>', 'archivo de mapeo de columnas (formato mapped)')
    .option('-a, --area <id>', 'área de estudio (por defecto VIGIA_STUDY_AREA)')
    .option('--strict', `termina con código ${EXIT.rowsRejected} si alguna fila fue rechazada`)
    .option('--json', 'salida JSON')
    .addHelpText(
      'after',
      `
Formatos:
  sidpol-geo      capa georreferenciada SIDPOL (CSV o JSON de ArcGIS)
  sidpol-monthly  tabla SIDPOL agregada mensual (ANIO, MES, …, P_MODALIDADES, cantidad)
  mapped          cualquier CSV/GeoJSON con un archivo de mapeo (ver mappings/chicago.json)

Ejemplos:
  vigia ingest test-data/sidpol/denuncias_sidpol_lima_sample.csv -f sidpol-monthly
  vigia ingest crimes.csv -f mapped -m mappings/chicago.json --area chicago`,
    )
    .action(
      async (
        files: string[],
        o: { format: string; mapping?: string; area?: string; strict?: boolean; json?: boolean },
      ) => {
        await withStore(async (db, config) => {
          const reports: IngestReport[] = [];
          for (const file of files) {
            const bar = o.json ? null : progressBar(file.split('/').pop() ?? file, 100, '%');
            try {
              const report = await ingestFile(db, {
                audit: cliAuditContext(),
                file,
                adapter: o.format as AdapterName,
                area: o.area ?? config.studyArea,
                ...(o.mapping ? { mappingFile: o.mapping } : {}),
                onProgress: (read, total, rows) =>
                  bar?.update(Math.round((100 * read) / Math.max(total, 1)), { rows: ` | ${n(rows)} filas` }),
              });
              bar?.update(100);
              bar?.stop();
              reports.push(report);
              if (!o.json) printReport(report);
            } catch (err) {
              bar?.stop();
              throw err;
            }
          }
          if (o.json)
            process.stdout.write(`${JSON.stringify(reports.length === 1 ? reports[0] : reports)}\n`);
          if (o.strict && reports.some((r) => r.rejected > 0)) process.exitCode = EXIT.rowsRejected;
        });
      },
    );

  program
    .command('batches')
    .description('lista los lotes de ingesta')
    .option('--limit <n>', 'cuántos', '50')
    .option('--json', 'salida JSON')
    .action(async (o: { limit: string; json?: boolean }) => {
      await withStore(async (db) => {
        const rows = await listBatches(db, Number(o.limit));
        if (o.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
        else
          process.stdout.write(
            `${table(
              [
                'lote',
                'área',
                'formato',
                'archivo',
                'cod.',
                'leídas',
                'nuevas',
                'existentes',
                'rechazadas',
                'omitidas',
                'fin',
              ],
              rows.map((b) => [
                b.id,
                b.studyArea,
                b.adapter,
                b.fileName,
                b.encoding,
                n(b.rowsRead),
                n(b.accepted),
                n(b.existing),
                n(b.rejected),
                n(b.skipped),
                b.finishedAt,
              ]),
            )}\n`,
          );
      });
    });

  program
    .command('rejects <batchId>')
    .description('muestra todas las filas rechazadas de un lote (archivo, fila, campo, motivo)')
    .option('--json', 'salida JSON')
    .action(async (batchId: string, o: { json?: boolean }) => {
      await withStore(async (db) => {
        const { file, rejects: rows } = await batchRejects(db, batchId);
        if (o.json) process.stdout.write(`${JSON.stringify({ file, rejects: rows })}\n`);
        else
          process.stdout.write(
            `${file}: ${n(rows.length)} rechazos\n${table(
              ['fila', 'campo', 'motivo', 'valor'],
              rows.map((x) => [x.rowNumber, x.field, x.reason, x.value]),
            )}\n`,
          );
      });
    });
}
