/**
 * What ships in deploy/, the Dockerfile and the CI workflow, checked without Docker or a cluster:
 * every metric the alerts and the Grafana dashboard name exists on a real server's /metrics; the
 * Dockerfile passes hadolint-style rules; the Kubernetes manifests pass the Kubernetes schemas
 * (kubernetes-models) and Vigía's own rules; every command the containers run exists in the CLI;
 * the workflow runs the steps of .ci/run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { buildApp } from './server/app.ts';
import { runCli } from './test/cli.ts';
import { createTestDb, type TestDb } from './test/db.ts';

const root = (p: string) => fileURLToPath(new URL(`../${p}`, import.meta.url));
const read = (p: string) => readFileSync(root(p), 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML/JSON documents are walked untyped
type Any = any;

// ---------------------------------------------------------------------------------------------------
// PromQL: the metric names an expression reads (conservative: anything that is not a function,
// keyword, label name, label value, duration or number counts as a metric name)
// ---------------------------------------------------------------------------------------------------

const PROMQL_KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);
/** Series Prometheus makes itself (not exported by Vigía). */
const PROMETHEUS_SERIES = new Set(['up']);

function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ') // strings
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges, subqueries
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // label lists
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w.])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const [, name, call] = m as unknown as [string, string, string | undefined];
    if (call || PROMQL_KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}

/** Every series name a Prometheus text exposition offers (histograms: _bucket, _sum, _count). */
function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\w+)$/gm)) {
    const [, name, type] = m as unknown as [string, string, string];
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
  }
  return names;
}

describe('PromQL metric names', () => {
  it('reads names, not functions, labels, strings, ranges or numbers', () => {
    expect(
      promqlMetricNames(
        'histogram_quantile(0.95, sum by (le, route) (rate(vigia_x_bucket{status=~"5.."}[5m]))) / clamp_min(foo, 1e-9) > 7 * 86400 and on (area) up',
      ).sort(),
    ).toEqual(['foo', 'up', 'vigia_x_bucket']);
  });
});

describe('monitoring files (deploy/prometheus, deploy/grafana)', () => {
  let t: TestDb;
  let exposed: Set<string>;
  beforeAll(async () => {
    t = await createTestDb('server');
    const app = buildApp({ db: t.db, logLevel: 'silent', uploadDir: '/nonexistent' });
    try {
      const base = await app.listen({ host: '127.0.0.1', port: 0 });
      await fetch(`${base}/healthz`); // one request, so that the HTTP series exist
      exposed = exposedNames(await (await fetch(`${base}/metrics`)).text());
    } finally {
      await app.close();
    }
  });
  afterAll(async () => {
    await t?.drop();
  });

  const alerts = parseYaml(read('deploy/prometheus/alerts.yml')) as Any;
  const rules: { name: string; expr: string }[] = alerts.groups.flatMap((g: Any) =>
    g.rules.map((r: Any) => ({ name: r.alert as string, expr: r.expr as string })),
  );
  const dashboard = JSON.parse(read('deploy/grafana/dashboards/vigia.json')) as Any;
  const panels: { name: string; expr: string }[] = dashboard.panels.flatMap((p: Any) =>
    p.targets.map((x: Any) => ({ name: p.title as string, expr: x.expr as string })),
  );

  it('alerts cover stale data, a missing forecast, hit rate, drift, job failures, dead letters and API 5xx', () => {
    const all = rules.map((r) => r.expr).join('\n');
    expect(all).toMatch(/vigia_feature_psi > 0\.25/);
    for (const name of [
      'vigia_data_latest_incident_timestamp_seconds',
      'vigia_forecast_age_seconds',
      'vigia_forecast_hit_rate',
      'vigia_jobs_failed_24h',
      'vigia_jobs_dead_letter',
      'vigia_http_requests_total',
    ])
      expect(all).toContain(name);
    expect(all).toMatch(/status=~"5\.\."/);
    for (const r of alerts.groups.flatMap((g: Any) => g.rules))
      expect(r.annotations?.summary, r.alert).toBeTruthy();
  });

  it('every metric the alerts and the dashboard read exists on /metrics', () => {
    expect(exposed.size).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const { name, expr } of [...rules, ...panels]) {
      const names = promqlMetricNames(expr);
      expect(names.length, `${name}: ${expr}`).toBeGreaterThan(0);
      for (const m of names) if (!exposed.has(m) && !PROMETHEUS_SERIES.has(m)) missing.push(`${name}: ${m}`);
    }
    expect(missing).toEqual([]);
    expect(panels.length).toBeGreaterThanOrEqual(10);
  });

  it('Prometheus loads the alert rules and scrapes /metrics', () => {
    const prom = parseYaml(read('deploy/prometheus/prometheus.yml')) as Any;
    expect(prom.rule_files).toContain('/etc/prometheus/alerts.yml');
    expect(prom.scrape_configs.map((s: Any) => s.metrics_path ?? '/metrics')).toContain('/metrics');
  });
});

// ---------------------------------------------------------------------------------------------------
// Dockerfile (hadolint-style rules that can be checked statically)
// ---------------------------------------------------------------------------------------------------

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name: string | null;
  body: Instruction[];
}

function dockerStages(text: string): Stage[] {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op = '', args = ''] = line.match(/^(\w+)\s+(.*)$/) ?? [];
    const upper = op.toUpperCase();
    if (upper === 'FROM') {
      const [image = '', , name = null] = args.split(/\s+/);
      stages.push({ from: image, name, body: [] });
    } else stages.at(-1)?.body.push({ op: upper, args });
  }
  return stages;
}

describe('Dockerfile', () => {
  const stages = dockerStages(read('Dockerfile'));
  const runtime = stages.at(-1) as Stage;

  it('pins every base image to a version tag on node 20 bookworm-slim, never latest', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) {
      expect(s.from).toMatch(/^[\w./-]+:[\w.-]*\d[\w.-]*(@sha256:[a-f0-9]{64})?$/);
      expect(s.from).not.toMatch(/:latest\b/);
    }
    expect(runtime.from).toMatch(/^node:20\.\d+\.\d+-bookworm-slim$/);
  });

  it('runs as a non-root user with a health check on /readyz or /healthz', () => {
    const users = runtime.body.filter((i) => i.op === 'USER').map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    const health = runtime.body.filter((i) => i.op === 'HEALTHCHECK');
    expect(health).toHaveLength(1);
    expect(health[0]?.args).toMatch(/\/(readyz|healthz)/);
    expect(runtime.body.some((i) => i.op === 'CMD')).toBe(true);
  });

  it('installs with npm ci from the lock file copied before the source (layer cache)', () => {
    for (const s of stages) {
      const npm = s.body.findIndex((i) => i.op === 'RUN' && /\bnpm ci\b/.test(i.args));
      for (const i of s.body) if (i.op === 'RUN') expect(i.args).not.toMatch(/\bnpm (install|i)\b/);
      if (npm < 0) continue;
      const lock = s.body.findIndex((i) => i.op === 'COPY' && /package-lock\.json/.test(i.args));
      expect(lock, `${s.name}: package files copied`).toBeGreaterThanOrEqual(0);
      expect(lock).toBeLessThan(npm);
      const source = s.body.findIndex((i) => i.op === 'COPY' && /^(\.|src)\s/.test(i.args));
      if (source >= 0) expect(source, `${s.name}: source after npm ci`).toBeGreaterThan(npm);
    }
  });

  it('ships no devDependencies, tests or the optional local model runtime by default; keeps platform binaries', () => {
    // The runtime's node_modules come from a stage that installs with --omit=dev (and --omit=optional
    // unless the WITH_LLAMA build argument asks).
    const copyModules = runtime.body.find((i) => i.op === 'COPY' && /node_modules/.test(i.args));
    const from = copyModules?.args.match(/--from=(\S+)/)?.[1];
    const deps = stages.find((s) => s.name === from);
    expect(deps).toBeDefined();
    const install = deps?.body.find((i) => i.op === 'RUN' && /npm ci/.test(i.args))?.args ?? '';
    expect(install).toMatch(/npm ci [^&;]*--omit=dev/);
    expect(install).toMatch(/"\$WITH_LLAMA" != "true" \]; then rm -rf node_modules\/node-llama-cpp/);
    // Never --omit=optional: the platform binaries (esbuild, argon2, rolldown) are optional packages.
    for (const s of stages) for (const i of s.body) expect(i.args).not.toMatch(/--omit=optional/);
    for (const i of runtime.body) if (i.op === 'RUN') expect(i.args).not.toMatch(/npm ci|npm install/);
    const ignore = read('.dockerignore').split(/\r?\n/);
    for (const p of ['**/*.test.ts', 'src/test', 'node_modules', '.git', 'data', '.env', 'bench'])
      expect(ignore).toContain(p);
  });

  it('keeps secrets out of ENV and ARG', () => {
    for (const s of stages)
      for (const i of s.body)
        if (i.op === 'ENV' || i.op === 'ARG')
          expect(i.args).not.toMatch(/(PASSWORD|SECRET|TOKEN|API_KEY|AUDIT_KEY|DATABASE_URL)/i);
  });
});

// ---------------------------------------------------------------------------------------------------
// Kubernetes (deploy/k8s) and compose (deploy/compose.yaml)
// ---------------------------------------------------------------------------------------------------

const K8S_DIR = 'deploy/k8s';
const manifests: Any[] = readdirSync(root(K8S_DIR))
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .flatMap((f) =>
    parseAllDocuments(read(`${K8S_DIR}/${f}`)).map((d) => {
      expect(d.errors, f).toEqual([]);
      return { ...(d.toJS() as Any), __file: f };
    }),
  );

/** The kubernetes-models class of a built-in kind (its module path is the apiVersion). */
async function modelClass(apiVersion: string, kind: string): Promise<(new (x: unknown) => Any) | null> {
  try {
    const mod = (await import(`kubernetes-models/${apiVersion}/${kind}`)) as Record<string, unknown>;
    return (mod[kind] ?? null) as (new (x: unknown) => Any) | null;
  } catch {
    return null;
  }
}

function podSpecs(m: Any): Any[] {
  if (m.kind === 'Deployment') return [m.spec.template.spec];
  if (m.kind === 'CronJob') return [m.spec.jobTemplate.spec.template.spec];
  return [];
}

const VIGIA = /^node bin\/vigia\.js\b/;

describe('Kubernetes manifests', () => {
  const kinds = manifests.map((m) => `${m.kind}/${m.metadata.name}`);

  it('has the api Deployment, Service, HPA and PDB, the worker, CronJobs, NetworkPolicies and the database', () => {
    for (const k of [
      'Deployment/vigia-api',
      'Service/vigia-api',
      'HorizontalPodAutoscaler/vigia-api',
      'PodDisruptionBudget/vigia-api',
      'Deployment/vigia-worker',
      'CronJob/vigia-audit-anchor',
      'NetworkPolicy/default-deny',
      'Cluster/vigia-db',
    ])
      expect(kinds).toContain(k);
    expect(kinds.filter((k) => k.startsWith('Secret/'))).toEqual([]);
  });

  it('passes the Kubernetes schemas (built-in kinds, kubernetes-models 4.5)', async () => {
    let validated = 0;
    for (const m of manifests.filter((x) => !x.apiVersion.includes('cnpg.io'))) {
      const { __file, ...doc } = m;
      const Model = await modelClass(doc.apiVersion, doc.kind);
      expect(Model, `${__file}: ${doc.apiVersion} ${doc.kind}`).not.toBeNull();
      const model = new (Model as new (x: unknown) => Any)(doc);
      expect(() => model.validate(), `${__file}: ${doc.kind}/${doc.metadata.name}`).not.toThrow();
      validated++;
    }
    expect(validated).toBeGreaterThanOrEqual(12);
    // The schemas catch a broken manifest.
    const api = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'vigia-api');
    const { __file, ...doc } = api;
    const broken = structuredClone(doc);
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'ocho mil';
    const Model = (await modelClass('apps/v1', 'Deployment')) as new (x: unknown) => Any;
    expect(() => new Model(broken).validate()).toThrow();
  });

  it('checks the CloudNativePG Cluster shape it can (CRD: no schema installed here)', () => {
    const cluster = manifests.find((m) => m.kind === 'Cluster');
    expect(cluster.apiVersion).toBe('postgresql.cnpg.io/v1');
    expect(Number.isInteger(cluster.spec.instances) && cluster.spec.instances >= 1).toBe(true);
    expect(cluster.spec.storage.size).toMatch(/^\d+(Gi|Ti)$/);
    expect(cluster.spec.bootstrap.initdb).toMatchObject({ database: 'vigia', owner: 'vigia' });
    expect(cluster.spec.imageName).toMatch(/:\d+(\.\d+)?$/);
    for (const b of manifests.filter((m) => m.kind === 'ScheduledBackup')) {
      expect(b.spec.cluster.name).toBe(cluster.metadata.name);
      expect(b.spec.schedule.split(' ')).toHaveLength(6); // CNPG's cron has seconds
    }
    // The pods read the operator's app secret (<cluster>-app, key uri) by reference.
    const refs = manifests
      .flatMap(podSpecs)
      .flatMap((p) =>
        p.containers.flatMap((c: Any) => (c.env ?? []).map((e: Any) => e.valueFrom?.secretKeyRef?.name)),
      );
    expect(refs).toContain(`${cluster.metadata.name}-app`);
  });

  it('every container: requests and limits, non-root, pinned image, secrets by reference; long-running ones probed', () => {
    const pods = manifests.flatMap((m) => podSpecs(m).map((p) => ({ m, p })));
    expect(pods.length).toBeGreaterThanOrEqual(4);
    for (const { m, p } of pods) {
      expect(p.securityContext?.runAsNonRoot, m.metadata.name).toBe(true);
      for (const c of p.containers) {
        const where = `${m.metadata.name}/${c.name}`;
        for (const k of ['cpu', 'memory']) {
          expect(c.resources?.requests?.[k], `${where} requests.${k}`).toBeDefined();
          expect(c.resources?.limits?.[k], `${where} limits.${k}`).toBeDefined();
        }
        expect(c.image, where).toMatch(/^[\w./-]+:[\w.-]*\d[\w.-]*$/);
        expect(c.image).not.toMatch(/:latest$/);
        expect(c.securityContext?.runAsNonRoot, where).toBe(true);
        expect(c.securityContext?.allowPrivilegeEscalation, where).toBe(false);
        for (const e of c.env ?? [])
          if (/(PASSWORD|SECRET|TOKEN|KEY|DATABASE_URL)/.test(e.name)) {
            expect(e.value, `${where} ${e.name}`).toBeUndefined();
            expect(e.valueFrom?.secretKeyRef, `${where} ${e.name}`).toBeDefined();
          }
        if (m.kind === 'Deployment') expect(c.livenessProbe ?? c.readinessProbe, where).toBeDefined();
      }
    }
    const api = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'vigia-api');
    const apiC = api.spec.template.spec.containers[0];
    expect(apiC.readinessProbe.httpGet.path).toBe('/readyz');
    expect(apiC.livenessProbe.httpGet.path).toBe('/healthz');
  });

  it('wires Service, HPA and PDB to the api pods; NetworkPolicies deny by default and let the worker reach PostgreSQL only', () => {
    const api = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'vigia-api');
    const labels = api.spec.template.metadata.labels;
    const matches = (sel: Record<string, string>) => Object.entries(sel).every(([k, v]) => labels[k] === v);
    const of = (kind: string) => manifests.find((m) => m.kind === kind && m.metadata.name === 'vigia-api');
    expect(matches(of('Service').spec.selector)).toBe(true);
    expect(matches(of('PodDisruptionBudget').spec.selector.matchLabels)).toBe(true);
    expect(of('HorizontalPodAutoscaler').spec.scaleTargetRef).toMatchObject({
      kind: 'Deployment',
      name: 'vigia-api',
    });
    const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
    const deny = policies.find((p) => p.metadata.name === 'default-deny');
    expect(deny.spec.podSelector).toEqual({});
    expect(deny.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
    // The worker's labels are selected by egress rules that reach only the database and DNS.
    const worker = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'vigia-worker');
    const wl = worker.spec.template.metadata.labels;
    const selects = (p: Any) =>
      Object.entries(p.spec.podSelector.matchLabels ?? {}).every(([k, v]) => wl[k] === v);
    const egress = policies.filter((p) => selects(p) && p.spec.policyTypes.includes('Egress') && p !== deny);
    expect(egress.length).toBeGreaterThan(0);
    const ports = egress.flatMap((p) =>
      p.spec.egress.flatMap((e: Any) => (e.ports ?? []).map((x: Any) => x.port)),
    );
    expect(new Set(ports)).toEqual(new Set([5432, 53]));
    for (const p of egress)
      for (const e of p.spec.egress) expect(e.to?.length, p.metadata.name).toBeGreaterThan(0);
    // The api takes traffic only through a policy that names where from.
    const ingress = policies.filter(
      (p) =>
        p.spec.policyTypes.includes('Ingress') && p !== deny && matches(p.spec.podSelector.matchLabels ?? {}),
    );
    expect(ingress.flatMap((p) => p.spec.ingress.flatMap((r: Any) => r.from)).length).toBeGreaterThan(0);
  });
});

describe('compose (deploy/compose.yaml)', () => {
  const compose = parseYaml(read('deploy/compose.yaml'), { merge: true }) as Any;

  it('runs api, worker, PostgreSQL, Prometheus and Grafana on pinned images, secrets by reference', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'api',
      'grafana',
      'postgres',
      'prometheus',
      'worker',
    ]);
    for (const [name, s] of Object.entries<Any>(compose.services)) {
      expect(s.image, name).toMatch(/^[\w./-]+:[\w.-]*\d[\w.-]*$/);
      for (const [k, v] of Object.entries<string>(s.environment ?? {}))
        if (/(PASSWORD|SECRET|TOKEN|KEY|DATABASE_URL)/.test(k))
          expect(v, `${name} ${k}`).toMatch(/\$\{[A-Z_]+:\?/);
      for (const v of s.volumes ?? []) {
        const [src] = String(v).split(':');
        if (src?.startsWith('./'))
          expect(existsSync(root(`deploy/${src.slice(2)}`)), `${name} ${src}`).toBe(true);
      }
    }
    expect(compose.services.api.build.dockerfile).toBe('Dockerfile');
  });
});

describe('commands the containers run', () => {
  const commands = new Set<string>();
  const add = (argv: unknown) => {
    if (!Array.isArray(argv) || !VIGIA.test(argv.join(' '))) return;
    // The subcommand path: the words before the first option.
    const rest = argv.slice(2) as string[];
    const end = rest.findIndex((a) => a.startsWith('-'));
    commands.add(rest.slice(0, end < 0 ? rest.length : end).join(' '));
  };
  for (const s of Object.values<Any>(
    (parseYaml(read('deploy/compose.yaml'), { merge: true }) as Any).services,
  ))
    add(s.command);
  for (const p of manifests.flatMap(podSpecs))
    for (const c of p.containers) {
      add([...(c.command ?? []), ...(c.args ?? [])]);
      add(c.livenessProbe?.exec?.command);
      add(c.readinessProbe?.exec?.command);
    }
  const cmd = dockerStages(read('Dockerfile'))
    .at(-1)
    ?.body.find((i) => i.op === 'CMD');
  add(JSON.parse(cmd?.args ?? '[]'));

  it('includes serve and worker', () => {
    expect([...commands]).toEqual(expect.arrayContaining(['serve', 'worker']));
  });

  it.each([...commands].sort())('vigia %s exists in the CLI', async (command) => {
    const words = command.split(' ');
    const r = await runCli([...words, '--help'], {});
    expect(r.stderr).not.toMatch(/unknown command/);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Usage: vigia ${words.join(' ')}`));
  });
});

describe('CI workflow (.github/workflows/ci.yml)', () => {
  it('runs the steps of .ci/run: its Debian packages, npm ci, npm test, on Node 20', () => {
    const ci = read('.ci/run');
    const packages = [...ci.matchAll(/apt-get install [^\n]*?--no-install-recommends ([\w.+-]+)/g)].map(
      (m) => m[1],
    );
    expect(packages.length).toBeGreaterThanOrEqual(3);
    const wf = parseYaml(read('.github/workflows/ci.yml')) as Any;
    const jobs = Object.values<Any>(wf.jobs);
    expect(jobs).toHaveLength(1);
    const job = jobs[0];
    expect(job.container.image).toMatch(/^node:20\.\d+\.\d+-bookworm$/);
    const runs: string[] = job.steps.filter((s: Any) => s.run).map((s: Any) => s.run as string);
    const installs = runs.join('\n').match(/apt-get install [^\n]*/)?.[0] ?? '';
    for (const p of packages) expect(installs.split(/\s+/)).toContain(p);
    const npmCi = ci.match(/^npm ci[^\n]*/m)?.[0];
    expect(npmCi).toBeDefined();
    expect(runs.map((r) => r.trim())).toEqual(expect.arrayContaining([npmCi, 'npm test']));
    // Same order as .ci/run: packages, then npm ci, then npm test.
    const at = (s: string) => runs.findIndex((r) => r.includes(s));
    expect(at('apt-get install')).toBeLessThan(at('npm ci'));
    expect(at('npm ci')).toBeLessThan(at('npm test'));
    expect(wf.on.pull_request).toBeDefined();
  });
});
