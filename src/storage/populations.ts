/** Populations per district and year (migration 0013): the denominators of officials' rates. */
import type { Db, Queryable } from './db.ts';

/** One district's population in one year. */
export interface PopulationRow {
  districtCode: string;
  year: number;
  population: number;
  source: string;
}

/** A stored row with who loaded it and when. */
export interface StoredPopulation extends PopulationRow {
  loadedBy: string;
  loadedAt: Date;
}

/** What a load changed: rows added, rows replaced (with their old figure and source), rows unchanged. */
export interface PopulationChanges {
  added: PopulationRow[];
  replaced: { before: PopulationRow; after: PopulationRow }[];
  unchanged: number;
}

/**
 * Writes a file's rows in one transaction. A row equal to the stored one (population and source) is
 * left as it is, so re-loading the same file changes nothing; a different figure for the same year
 * replaces the stored one.
 */
export function savePopulations(
  db: Db,
  area: string,
  rows: readonly PopulationRow[],
  meta: { fileSha256: string; loadedBy: string },
): Promise<PopulationChanges> {
  return db.transaction(async (tx) => {
    const stored = await tx.query<PopulationRow>(
      `select district_code as "districtCode", year, population, source from populations
       where study_area = $1 for update`,
      [area],
    );
    const byKey = new Map(stored.map((r) => [`${r.districtCode}|${r.year}`, r]));
    const changes: PopulationChanges = { added: [], replaced: [], unchanged: 0 };
    for (const r of rows) {
      const before = byKey.get(`${r.districtCode}|${r.year}`);
      if (before && before.population === r.population && before.source === r.source) {
        changes.unchanged++;
        continue;
      }
      await tx.query(
        `insert into populations (study_area, district_code, year, population, source, file_sha256, loaded_by)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (study_area, district_code, year) do update set population = excluded.population,
           source = excluded.source, file_sha256 = excluded.file_sha256, loaded_by = excluded.loaded_by,
           loaded_at = now()`,
        [area, r.districtCode, r.year, r.population, r.source, meta.fileSha256, meta.loadedBy],
      );
      if (before) changes.replaced.push({ before, after: r });
      else changes.added.push(r);
    }
    return changes;
  });
}

/** Stored populations of an area (optionally of some years), by year and district. */
export function listPopulations(
  db: Queryable,
  area: string,
  years?: readonly number[],
): Promise<StoredPopulation[]> {
  return db.query<StoredPopulation>(
    `select district_code as "districtCode", year, population, source, loaded_by as "loadedBy",
       loaded_at as "loadedAt"
     from populations where study_area = $1 and ($2::int[] is null or year = any($2))
     order by year, district_code`,
    [area, years ? [...years] : null],
  );
}
