-- Trained models as versioned artifacts: what `vigia train` fitted (the model's artifact JSON,
-- gzipped), with everything needed to trust and reproduce it — settings, feature schema, data
-- cutoff, a hash of the training data, code version, seed and training metrics. Versions count up
-- per study area × crime group × model; the same artifact is never stored twice for one key.

create table trained_models (
  id               bigint generated always as identity primary key,
  study_area       text not null references study_areas(id),
  crime_group      text not null,
  model_kind       text not null,
  version          integer not null check (version >= 1),
  schema_version   integer not null,
  config           jsonb not null,
  grid             jsonb not null,             -- GridSpec the model was fitted on
  horizon          text not null check (horizon in ('turno', 'day', 'week')), -- window layout it was fitted for
  artifact         bytea not null,             -- gzip of the artifact JSON (kind, schemaVersion, config, state)
  artifact_size    bigint not null,            -- bytes of the artifact JSON before gzip
  artifact_sha256  text not null check (artifact_sha256 ~ '^[0-9a-f]{64}$'), -- of the JSON before gzip
  feature_schema   jsonb,                      -- the artifact state's featureSchema, when it has one
  data_cutoff      timestamptz not null,
  data_sha256      text not null check (data_sha256 ~ '^[0-9a-f]{64}$'),
  events_used      integer not null,
  code_version     text not null,
  seed             integer not null,
  metrics          jsonb not null default '{}',
  created_at       timestamptz not null default now(),
  created_by       text not null,
  unique (study_area, crime_group, model_kind, version),
  unique (study_area, crime_group, model_kind, artifact_sha256)
);
