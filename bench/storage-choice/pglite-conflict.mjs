import { PGlite } from '@electric-sql/pglite';

const [dir, holdMs, tag] = process.argv.slice(2);
try {
  const db = await PGlite.create(dir);
  console.log(tag, 'opened', (await db.query('select count(*)::int c from incidents')).rows[0].c);
  await db.exec(
    `insert into incidents (id, source, external_id, occurred_at, time_precision, geo_quality, category, channel, restricted) values (gen_random_uuid(), 'conflict-${tag}', '1', now(), 'exact', 'none', 'x', 'web', false)`,
  );
  console.log(tag, 'inserted');
  await new Promise((r) => setTimeout(r, Number(holdMs)));
  console.log(tag, 'count now', (await db.query('select count(*)::int c from incidents')).rows[0].c);
  await db.close();
  console.log(tag, 'closed');
} catch (e) {
  console.log(tag, 'ERROR', String(e?.message || e));
}
