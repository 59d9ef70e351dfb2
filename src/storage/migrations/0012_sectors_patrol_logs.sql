-- Who is where, and the officer's patrol log (issue 12).
--
-- An account's sector: for now a district of a study area (comisarías are not modelled yet), set
-- by an administrator. Officers see only their sector's areas of a patrol plan.
alter table users
  add column sector_area text references study_areas(id),
  add column sector_code text,
  add constraint users_sector_both check ((sector_area is null) = (sector_code is null));

-- One row per entry of an officer's patrol log, keyed by the id the device generated (a UUID), so
-- an offline queue can resend an entry safely. A check-in names a plan and one of its areas (its
-- order); a check-out names its check-in (`check_in`) and carries the short report. A check-out
-- may arrive before its check-in (an offline queue sending out of order): it is stored, and
-- `minutes` stays null until the check-in arrives and is found consistent. `at` is the device's
-- time; `received_at` the server's.
create table patrol_logs (
  id           uuid primary key,
  user_id      bigint not null references users(id),
  plan_id      bigint not null references patrol_plans(id),
  area_order   integer not null check (area_order >= 1),
  kind         text not null check (kind in ('check-in', 'check-out')),
  at           timestamptz not null,
  check_in     uuid,                   -- check-outs: the client id of their check-in
  minutes      double precision check (minutes >= 0), -- check-outs: time spent, once paired
  report       text check (report in ('sin novedad', 'incidente atendido', 'táctica aplicada')),
  tactic       text,
  note         text,
  received_at  timestamptz not null default now(),
  check ((kind = 'check-in') = (check_in is null)),
  check ((kind = 'check-out') = (report is not null)),
  unique (check_in)
);
create index patrol_logs_plan on patrol_logs (plan_id, user_id, at);
