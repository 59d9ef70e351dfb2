/**
 * Uploads ingested in the background: the HTTP request stores the file under a generated name and
 * queues a job; one worker per process claims jobs in order (FOR UPDATE SKIP LOCKED, so several
 * processes can share the queue), runs the same ingest use case as the CLI and records the report.
 * Batches are atomic, so a job interrupted by a restart is simply run again.
 */
import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotFoundError, ValidationError, VigiaError } from '../core/errors.ts';
import type { RejectRow } from '../core/records.ts';
import type { Db } from '../storage/db.ts';
import { listRejects } from '../storage/ingest-writer.ts';
import {
  claimJob,
  finishJob,
  getJob,
  insertJob,
  type JobRow,
  listJobs,
  requeueRunning,
} from '../storage/jobs.ts';
import { type AuditContext, audit } from './audit.ts';
import { ADAPTERS, type AdapterName, ingestFile } from './ingest.ts';

export type { JobRow } from '../storage/jobs.ts';

const MAPPINGS_DIR = fileURLToPath(new URL('../../mappings/', import.meta.url));

/** What an ingest job needs. */
export interface IngestJobParams {
  /** Where the upload was stored (a generated name inside the upload folder). */
  storedFile: string;
  /** The client's file name, checked and kept for display only. */
  fileName: string;
  format: AdapterName;
  area: string;
  /** Name of a bundled mapping (mappings/<name>.json), for format "mapped". */
  mapping?: string;
}

/** Upload names: a plain file name, no folders, no control characters, a known extension. */
export function checkUploadName(name: string): string {
  const n = name.normalize('NFC');
  const control = [...n].some((ch) => (ch.codePointAt(0) as number) < 32 || ch === '\u007f');
  if (control || /[/\\]/.test(n) || n.includes('..') || n.length > 200 || n.trim() === '')
    throw new ValidationError(
      'file',
      `nombre de archivo no permitido "${[...n.slice(0, 80)].map((ch) => ((ch.codePointAt(0) as number) < 32 ? '?' : ch)).join('')}": sin carpetas, "..", ni caracteres de control`,
    );
  if (!/\.(csv|json|geojson|txt)$/i.test(n))
    throw new ValidationError('file', 'tipo de archivo no admitido (use .csv, .json o .geojson)');
  return n;
}

/** Validates format and mapping names before anything is stored. */
export function checkIngestOptions(format: string, mapping: string | undefined): void {
  if (format !== 'mapped' && !Object.hasOwn(ADAPTERS, format))
    throw new ValidationError(
      'format',
      `formato desconocido "${format}" (use: ${[...Object.keys(ADAPTERS), 'mapped'].join(', ')})`,
    );
  if (format === 'mapped' && (!mapping || !/^[a-z0-9-]{1,40}$/.test(mapping)))
    throw new ValidationError(
      'mapping',
      'el formato "mapped" necesita el nombre de un mapeo incluido (ej. chicago)',
    );
}

/** The background ingest queue of one process. */
export class IngestQueue {
  private draining: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly log: { error(obj: unknown, msg: string): void } = console,
  ) {}

  /** Re-queues jobs a stopped process left running and starts working. */
  async start(): Promise<void> {
    await requeueRunning(this.db);
    this.kick();
  }

  /** Queues a job (the file is already stored) and audits the upload. */
  async submit(p: IngestJobParams, ctx: AuditContext): Promise<JobRow> {
    const job = await insertJob(this.db, { kind: 'ingest', params: { ...p }, submittedBy: ctx.actor });
    await audit(this.db, ctx, 'ingest.submit', `job:${job.id}`, {
      file: p.fileName,
      format: p.format,
      area: p.area,
    });
    this.kick();
    return job;
  }

  /** Starts the worker loop unless it is running. */
  kick(): void {
    if (this.draining || this.stopped) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
    });
  }

  /** Resolves when the queue is empty (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Lets the running job finish and takes no more. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      const job = await claimJob(this.db);
      if (!job) return;
      await this.run(job);
    }
  }

  private async run(job: JobRow): Promise<void> {
    const p = job.params as unknown as IngestJobParams;
    try {
      const report = await ingestFile(this.db, {
        file: p.storedFile,
        displayName: p.fileName,
        adapter: p.format,
        area: p.area,
        audit: { actor: job.submittedBy, role: null, ip: null, requestId: `job:${job.id}` },
        ...(p.mapping ? { mappingFile: `${MAPPINGS_DIR}${p.mapping}.json` } : {}),
      });
      await finishJob(this.db, job.id, { result: { ...report } });
    } catch (err) {
      // Messages name the client's file, never the server's folders.
      const clean = (m: string): string =>
        m.split(p.storedFile).join(p.fileName).split(basename(p.storedFile)).join(p.fileName);
      const error =
        err instanceof VigiaError
          ? { code: err.code, message: clean(err.message) }
          : { code: 'INTERNAL', message: 'Error interno al procesar el archivo' };
      if (!(err instanceof VigiaError)) this.log.error({ err, job: job.id }, 'ingest job failed');
      await finishJob(this.db, job.id, { error });
    } finally {
      rmSync(p.storedFile, { force: true });
    }
  }
}

/** A job as shown to users (no server paths). */
export type JobView = Omit<JobRow, 'params'> & { params: Omit<IngestJobParams, 'storedFile'> };

function view(j: JobRow): JobView {
  const { storedFile: _, ...params } = j.params as unknown as IngestJobParams;
  return { ...j, params };
}

export async function jobStatus(db: Db, id: number): Promise<JobView> {
  const j = await getJob(db, id);
  if (!j) throw new NotFoundError(`No existe el trabajo ${id}`);
  return view(j);
}

export async function recentJobs(db: Db, limit: number): Promise<JobView[]> {
  return (await listJobs(db, limit)).map(view);
}

/** The rejected rows of a finished job's batch. */
export async function jobRejects(
  db: Db,
  id: number,
  limit: number,
): Promise<{ job: JobView; rejects: RejectRow[] }> {
  const job = await jobStatus(db, id);
  const batchId = (job.result as { batchId?: number | null } | null)?.batchId;
  return { job, rejects: typeof batchId === 'number' ? await listRejects(db, batchId, limit) : [] };
}
