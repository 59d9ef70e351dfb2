-- Issue 10, ingest identity.
-- 1. An incident is identified within its study area: one file loaded into two overlapping areas
--    keeps its rows in both (before, the second area found them "existing" and stored nothing).
--    The old key (source, external_id) is unique, so every stored row stays unique under the new one.
alter table incidents drop constraint incidents_pkey;
alter table incidents add primary key (study_area, source, external_id);

-- 2. A file is "already loaded" only with the same mapping: a corrected mapping re-reads it.
--    jsonb compares by meaning (key order and spacing do not count); the hash keeps index rows small.
drop index ingest_batches_file;
create unique index ingest_batches_file
  on ingest_batches (study_area, adapter, file_sha256, md5(coalesce(mapping::text, '')));
