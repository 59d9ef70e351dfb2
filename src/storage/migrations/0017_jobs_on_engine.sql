-- Jobs on the job engine (pg-boss, docs/jobs.md): the `jobs` table stays the record of the product's
-- jobs (the API's numeric ids, status, result, error, the metrics' source), but no process claims
-- rows from it any more — pg-boss queues and leases the work. An upload's bytes are stored with its
-- job (any worker on any machine can read them) and cleared once the job has finished. Scheduled
-- work (retraining, forecasts before each turno) is recorded here too.

alter table jobs add column upload bytea;
alter table jobs add column engine_id text;
alter table jobs drop constraint jobs_kind_check;
alter table jobs add constraint jobs_kind_check check (kind in ('ingest', 'retrain', 'forecast'));
drop index if exists jobs_queued;
