-- Redacted narratives (issue 14, docs/text.md#redacción): the text with personal data replaced by
-- placeholders (src/text/redact.ts), computed at ingest beside the original. Every view below the
-- full one reads only this column. Rows stored before this migration have a narrative and no
-- redacted text: they fail closed (no narrative shown below the full view) until the next ingest
-- or `vigia start` fills them (services/narratives.ts, idempotent).
alter table incidents add column narrative_redacted text;

-- The rows still to redact: found without a scan.
create index incidents_narrative_unredacted on incidents (source, external_id)
  where narrative is not null and narrative_redacted is null;
