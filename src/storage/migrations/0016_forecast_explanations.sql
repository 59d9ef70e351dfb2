-- What a forecast's model says its value is made of (issue 13): for the cells the map's priority
-- list can show (the 50 highest of the area and the 10 highest of each district), the model's own
-- explanation (ETAS: background and triggered parts; tree ensembles: per-feature contributions),
-- written with the surface so that the cell panel never refits. JSON written by
-- services/forecast.ts: {"cells": [...]} or {"cells": null} when the model does not explain itself;
-- null for forecasts stored before this column existed.
alter table forecasts add column explanations jsonb;
