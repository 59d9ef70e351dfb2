-- Patrol plans (issue 12): what `vigia plan` chose for one study area, local day, turno and crime
-- group, from one stored forecast. A plan keeps the forecast it came from (id, creation time, model
-- kind and settings as the forecast service stored them: forecasts are replaced in place by a
-- re-run, so the creation time tells the versions apart), the settings (units per sector, cells per
-- area, dosage), the grid and the chosen areas, and who made it. Versions count up per
-- area × day × turno × group; the same forecast with the same settings is stored once.
-- No foreign key to forecasts: a plan is a record of what was decided and outlives its forecast.

create table patrol_plans (
  id                   bigint generated always as identity primary key,
  study_area           text not null references study_areas(id),
  target_day           date not null,        -- local day (study area's time zone)
  turno                text not null check (turno in ('madrugada', 'mañana', 'tarde', 'noche')),
  crime_group          text not null,
  version              integer not null check (version >= 1),
  forecast_id          bigint not null,
  forecast_created_at  timestamptz not null,
  model_kind           text not null,
  model_config         jsonb not null,
  settings             jsonb not null,       -- units per sector, maxCells, dosage
  settings_sha256      text not null check (settings_sha256 ~ '^[0-9a-f]{64}$'), -- of the canonical settings JSON
  grid                 jsonb not null,       -- GridSpec of the forecast (cells index it)
  areas                jsonb not null,       -- [{ order, code, name, cells, expected }]
  sectors              jsonb not null,       -- coverage per sector
  expected_covered     double precision not null,
  expected_total       double precision not null,
  created_at           timestamptz not null default now(),
  created_by           text not null,
  unique (study_area, target_day, turno, crime_group, version),
  unique (forecast_id, forecast_created_at, settings_sha256)
);
create index patrol_plans_latest on patrol_plans (study_area, target_day desc, turno, crime_group, version desc);
