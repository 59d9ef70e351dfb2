-- Stored forecasts: one risk surface per study area × crime group × window × model, with the
-- model's settings and the data cutoff, ready for the API and the dashboard. Re-running a forecast
-- for the same key replaces it.

create table forecasts (
  id            bigint generated always as identity primary key,
  study_area    text not null references study_areas(id),
  crime_group   text not null,
  horizon       text not null check (horizon in ('turno', 'day', 'week')),
  turno         text check (turno in ('madrugada', 'mañana', 'tarde', 'noche')),
  target_day    date not null,         -- local day (study area's time zone) the forecast is for
  window_start  timestamptz not null,
  window_end    timestamptz not null check (window_end > window_start),
  model_kind    text not null,
  model_config  jsonb not null,
  data_cutoff   timestamptz not null check (data_cutoff <= window_start),
  events_used   integer not null,
  grid          jsonb not null,        -- GridSpec
  mask          bytea not null,        -- one byte per cell (1 = valid)
  risk          bytea not null,        -- float32 little-endian, one per VALID cell, in cell order
  created_at    timestamptz not null default now(),
  unique (study_area, crime_group, horizon, window_start, model_kind)
);
create index forecasts_latest on forecasts (study_area, crime_group, horizon, window_start desc);
