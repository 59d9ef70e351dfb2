-- Model lifecycle (issue 15, item 2): how each trained model came to be (CLI, API or a scheduled
-- job), the promotion decisions with their evidence, and the history of champions per study area ×
-- crime group × horizon. The current champion is the newest row of model_champions for its key;
-- every other trained model of that key is a challenger. Rows are only ever appended.

alter table trained_models add column trained_via text not null default 'cli'
  check (trained_via in ('cli', 'api', 'job'));

create table model_decisions (
  id               bigint generated always as identity primary key,
  study_area       text not null references study_areas(id),
  crime_group      text not null,
  horizon          text not null check (horizon in ('turno', 'day', 'week')),
  champion_id      bigint not null references trained_models(id),
  challenger_id    bigint not null references trained_models(id),
  period_from      date not null,                -- the backtest period, local days (to exclusive)
  period_to        date not null,
  windows          integer not null,             -- windows where both models had events
  metric           text not null,                -- e.g. 'hitRate@0.05': per-window hit rate at 5 % of the area
  champion_value   double precision,             -- mean per-window hit rate of each model
  challenger_value double precision,
  difference       double precision not null,    -- mean of the per-window differences (challenger − champion)
  interval_low     double precision,             -- 95 % paired bootstrap interval of that mean
  interval_high    double precision,
  p_value          double precision,             -- paired Wilcoxon signed-rank, two-sided
  alpha            double precision not null,
  decision         text not null check (decision in ('promoted', 'kept')),
  reason           text not null,                -- Spanish, as shown
  created_at       timestamptz not null default now(),
  created_by       text not null
);

create table model_champions (
  id               bigint generated always as identity primary key,
  study_area       text not null references study_areas(id),
  crime_group      text not null,
  horizon          text not null check (horizon in ('turno', 'day', 'week')),
  trained_model_id bigint not null references trained_models(id),
  cause            text not null check (cause in ('first', 'promotion', 'rollback')),
  decision_id      bigint references model_decisions(id),
  created_at       timestamptz not null default now(),
  created_by       text not null
);

create index model_champions_key on model_champions (study_area, crime_group, horizon, id desc);
create index model_decisions_key on model_decisions (study_area, crime_group, horizon, id desc);
