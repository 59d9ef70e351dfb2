-- Populations per district and year (issue 13): the denominators of the officials' rates per
-- 1,000 inhabitants. Loaded by `vigia population load` or POST /api/v1/populations from a CSV with
-- its source; nothing ships (no figure is invented). One row per area × district × year: a later
-- load for the same year replaces the figure, and the audit log keeps the old one (population.load).
create table populations (
  study_area     text not null,
  district_code  text not null,
  year           integer not null check (year between 1900 and 2200),
  population     integer not null check (population > 0),
  source         text not null check (length(source) between 1 and 300),
  file_sha256    text not null check (file_sha256 ~ '^[0-9a-f]{64}$'),
  loaded_by      text not null,
  loaded_at      timestamptz not null default now(),
  primary key (study_area, district_code, year),
  foreign key (study_area, district_code) references districts (study_area, code) on delete cascade
);
