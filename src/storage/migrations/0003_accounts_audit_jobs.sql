-- Accounts, API tokens, login sessions, the tamper-evident audit log, background jobs and stored
-- backtest reports (issue 5).

-- One row of server secrets, made by the database's CSPRNG (gen_random_uuid) when the schema is
-- created: keys for opaque paging cursors and researcher pseudonyms, shared by every replica.
create table app_secrets (
  id          boolean primary key default true check (id),
  cursor_key  text not null default replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''),
  pseudonym_key text not null default replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')
);
insert into app_secrets default values;

create table users (
  id            bigint generated always as identity primary key,
  username      text collate "C" not null unique check (username ~ '^[a-z0-9._-]{3,40}$'),
  display_name  text not null,
  role          text not null check (role in ('admin', 'analyst', 'officer', 'planner', 'official', 'community', 'researcher')),
  password_hash text not null,         -- argon2id PHC string
  disabled      boolean not null default false,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);

-- API tokens: "vgt_<id>_<secret>"; only SHA-256 of the secret is stored (the secret has 256 bits).
create table api_tokens (
  id            bigint generated always as identity primary key,
  user_id       bigint not null references users(id),
  name          text not null,
  secret_hash   text not null,
  scopes        text[] not null,
  created_at    timestamptz not null default now(),
  expires_at    timestamptz,
  revoked_at    timestamptz,
  last_used_at  timestamptz
);
create index api_tokens_user on api_tokens (user_id);

-- Dashboard sessions: the cookie holds a random value; only its SHA-256 is stored.
create table sessions (
  id_hash       text primary key,
  user_id       bigint not null references users(id),
  csrf_token    text not null,
  created_at    timestamptz not null default now(),
  last_seen_at  timestamptz not null default now(),
  expires_at    timestamptz not null   -- absolute end; the idle timeout is checked against last_seen_at
);
create index sessions_user on sessions (user_id);

-- Audit log: append-only, each row chained to the previous one by SHA-256 (computed by the
-- application over the stored values; `vigia audit verify` recomputes it). audit_head holds the
-- last sequence number and hash, so that deleting the newest rows is detected too.
create table audit_log (
  seq         bigint primary key,
  at          timestamptz not null,
  actor       text not null,          -- username, "token:<id> (<username>)" or "cli:<os user>"
  role        text,
  action      text not null,          -- e.g. incidents.list, user.create, login.failure
  target      text,
  detail      text not null,          -- canonical JSON, hashed as stored
  ip          text,
  request_id  text,
  prev_hash   text not null,
  hash        text not null
);
create index audit_log_at on audit_log (at);
create table audit_head (
  id    boolean primary key default true check (id),
  seq   bigint not null,
  hash  text not null
);
insert into audit_head (seq, hash) values (0, repeat('0', 64));

create function vigia_audit_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_log es de solo anexado (append-only): % rechazado', tg_op;
end $$;
create trigger audit_log_no_change before update or delete on audit_log
  for each row execute function vigia_audit_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
  for each statement execute function vigia_audit_append_only();

-- Background jobs (uploads for ingestion). A job is claimed with FOR UPDATE SKIP LOCKED.
create table jobs (
  id            bigint generated always as identity primary key,
  kind          text not null check (kind in ('ingest')),
  status        text not null check (status in ('queued', 'running', 'done', 'failed')),
  params        jsonb not null,
  result        jsonb,
  error         jsonb,
  submitted_by  text not null,
  created_at    timestamptz not null default now(),
  started_at    timestamptz,
  finished_at   timestamptz
);
create index jobs_queued on jobs (id) where status = 'queued';

-- Backtest reports as produced by the harness (the same JSON as the report files).
create table backtest_reports (
  id           bigint generated always as identity primary key,
  study_area   text not null,
  crime_group  text not null,
  horizon      text not null,
  period_from  date not null,
  period_to    date not null,
  report       jsonb not null,
  created_at   timestamptz not null default now()
);
create index backtest_reports_latest on backtest_reports (study_area, crime_group, created_at desc);
