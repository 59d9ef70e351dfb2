-- Rolling backtests and briefings as jobs (issue 15, docs/jobs.md): two more kinds of job record.
-- The scheduled retraining and forecasts are now one record per study area (params.area).

alter table jobs drop constraint jobs_kind_check;
alter table jobs add constraint jobs_kind_check
  check (kind in ('ingest', 'retrain', 'forecast', 'backtest', 'briefing'));
