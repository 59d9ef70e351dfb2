-- Vigía schema v1: study areas, districts, ingest batches and rejects, incidents, SIDPOL monthly counts.

create table study_areas (
  id          text primary key check (id ~ '^[a-z][a-z0-9-]{1,39}$'),
  name        text not null,
  time_zone   text not null,
  crs_code    text not null,          -- metric projection, e.g. EPSG:32718
  crs_proj4   text not null,
  bbox        double precision[] not null check (cardinality(bbox) = 4),
  boundary    jsonb not null,         -- array of GeoJSON Polygon/MultiPolygon (lon/lat)
  created_at  timestamptz not null default now()
);

create table districts (
  study_area  text not null references study_areas(id) on delete cascade,
  code        text not null,          -- Callao: 6-digit ubigeo string, e.g. '070101'
  name        text not null,
  geometry    jsonb not null,
  area_km2    double precision not null,
  primary key (study_area, code)
);

create table ingest_batches (
  id             bigint generated always as identity primary key,
  study_area     text not null references study_areas(id),
  adapter        text not null,       -- sidpol-geo | sidpol-monthly | mapped
  file_name      text not null,
  file_sha256    text not null,
  file_bytes     bigint not null,
  encoding       text not null,       -- utf-8 | windows-1252
  mapping        jsonb,               -- the mapping file used (mapped adapter)
  rows_read      integer not null default 0,
  rows_accepted  integer not null default 0,   -- new rows stored
  rows_existing  integer not null default 0,   -- valid rows already stored earlier (idempotent re-run)
  rows_rejected  integer not null default 0,
  started_at     timestamptz not null default now(),
  finished_at    timestamptz
);
create unique index ingest_batches_file on ingest_batches (study_area, adapter, file_sha256);

create table ingest_rejects (
  batch_id    bigint not null references ingest_batches(id) on delete cascade,
  row_number  integer not null,       -- 1-based data row (header excluded); feature index for JSON
  field       text not null,
  reason      text not null,
  value       text,                   -- offending value, truncated; never a narrative or an address
  primary key (batch_id, row_number, field)
);

-- Incidents. The stable identity is (source, external_id), shown to users as "source:external_id".
-- No foreign keys here on purpose: per-row FK triggers cost ≈ 3.7 s per 150k rows on bulk COPY
-- (docs/storage.md); the only writer (src/storage/ingest-writer.ts) takes the study area from this
-- database and checks every district code against it.
create table incidents (
  source          text collate "C" not null,   -- e.g. sidpol-geo, synthetic, chicago-cpd
  external_id     text collate "C" not null,   -- byte-wise collation: identifiers, and cheaper index inserts
  study_area      text collate "C" not null,   -- study_areas.id
  batch_id        bigint not null,    -- ingest_batches.id
  occurred_at     timestamptz not null,
  time_precision  text not null check (time_precision in ('exact', 'date', 'month')),
  reported_at     timestamptz,
  lat             double precision check (lat between -90 and 90),
  lon             double precision check (lon between -180 and 180),
  x               double precision,   -- metres in the study area's CRS
  y               double precision,
  geo_quality     text not null check (geo_quality in ('exact', 'street', 'station', 'missing')),
  district_code   text,               -- districts.code of the same study area
  category        text not null,
  tipo            text,
  subtipo         text,
  modalidad       text,
  turno           text check (turno in ('madrugada', 'mañana', 'tarde', 'noche')),
  channel         text not null check (channel in ('reported', 'discovered', 'unknown')),
  restricted      boolean not null,   -- protected category: location and narrative never leave unredacted
  narrative       text,
  primary key (source, external_id),
  check ((lat is null) = (lon is null) and (x is null) = (lat is null)),
  check ((geo_quality = 'missing') = (lat is null))
);
create index incidents_area_time on incidents (study_area, occurred_at);

create table sidpol_monthly (
  study_area     text not null references study_areas(id),
  district_code  text not null,
  year           smallint not null check (year between 2000 and 2100),
  month          smallint not null check (month between 1 and 12),
  modality       text not null,       -- P_MODALIDADES as published
  category       text not null,
  count          integer not null check (count >= 0),
  batch_id       bigint not null references ingest_batches(id),
  primary key (study_area, district_code, year, month, modality),
  foreign key (study_area, district_code) references districts(study_area, code)
);
