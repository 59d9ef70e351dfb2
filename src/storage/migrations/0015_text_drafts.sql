-- Generated texts and their review (issue 14, docs/text.md): summaries, committee briefings and
-- community bulletins. Every text is a draft until a person other than its generator approves it
-- (or rejects it); each edit is a new version, the old ones are kept. The writer's exact prompt and
-- raw output, the Grounding it was given and the verifier's findings are stored with the draft.
create table text_drafts (
  id              bigserial primary key,
  kind            text not null check (kind in ('summary', 'briefing', 'bulletin')),
  audience        text not null check (audience in ('internal', 'community')),
  study_area      text not null references study_areas (id) on delete cascade,
  district_code   text,
  period_from     date not null,
  -- Exclusive end (the Grounding's half-open period).
  period_to       date not null check (period_to > period_from),
  -- 'incorporado' | 'openai:<model>' | 'llama:<file>'
  generator       text not null check (length(generator) between 1 and 300),
  model_version   text,
  -- Why the built-in method wrote it although a model is configured (unreachable, timeout, error).
  fallback_reason text,
  -- What the model was sent (null for the built-in method) and what it answered, personal data removed.
  prompt          text,
  raw_output      text not null,
  grounding       jsonb not null,
  status          text not null default 'borrador' check (status in ('borrador', 'aprobado', 'rechazado')),
  -- The person (user name, or cli:<user>) who generated it; who reviewed it and why.
  generated_by    text not null,
  created_at      timestamptz not null default now(),
  reviewed_by     text,
  reviewed_at     timestamptz,
  review_note     text,
  check ((status = 'borrador') = (reviewed_by is null))
);
create index text_drafts_listing on text_drafts (study_area, created_at desc);

create table text_versions (
  draft_id      bigint not null references text_drafts (id) on delete cascade,
  version       integer not null check (version >= 1),
  -- The text as written (generated, or edited by a person), personal data removed.
  body          text not null,
  -- Per sentence ok / sin verificar / rechazada with reasons (src/text/verify.ts).
  verification  jsonb not null,
  -- The body without rejected sentences: what approval publishes.
  publishable   text not null,
  author        text not null,
  created_at    timestamptz not null default now(),
  primary key (draft_id, version)
);
