#!/usr/bin/env node
// Offline checks of the deployment files (docker/, infra/): what can be verified without a Docker
// engine or a cluster. Exits 1 with one line per problem.
//
//   node scripts/check-infra.mjs
//
// Checked: every YAML file parses; every kustomization's resources, patches and generator files
// exist; every Deployment/Job in infra/k8s/base runs non-root with a read-only root filesystem and
// resources, every Deployment has liveness and readiness probes (services: /health/live and
// /health/ready on their HTTP port); every service of SERVICE-CONVENTIONS has its manifests in base
// and a service plus a migration job in docker/compose.yaml with the conventional ports; the
// Dockerfile has the APP build argument, a non-root USER and a HEALTHCHECK.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// The table of SERVICE-CONVENTIONS (apps/<name>): HTTP port, gRPC port (null: client only).
const SERVICES = {
  gateway: { port: 8080, grpc: null },
  telephony: { port: 8081, grpc: 50051 },
  acd: { port: 8082, grpc: 50052 },
  crm: { port: 8083, grpc: 50053 },
  campaign: { port: 8084, grpc: 50054 },
  qa: { port: 8085, grpc: 50055 },
};

const problems = [];
const problem = (file, message) => problems.push(`${relative(root, file) || file}: ${message}`);

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else out.push(path);
  }
  return out;
}

/** Parses every document of a YAML file; reports syntax errors and returns the plain objects. */
function loadYaml(file) {
  let docs;
  try {
    // merge: compose files use YAML merge keys (<<: *anchor).
    docs = parseAllDocuments(readFileSync(file, 'utf8'), { merge: true, prettyErrors: true });
  } catch (error) {
    problem(file, `cannot be read as YAML: ${error.message}`);
    return [];
  }
  if (!Array.isArray(docs)) docs = [docs];
  const values = [];
  for (const doc of docs) {
    for (const error of doc.errors) problem(file, `YAML error: ${error.message.split('\n')[0]}`);
    if (doc.errors.length === 0) {
      const value = doc.toJS({ maxAliasCount: 1000 });
      if (value !== null && value !== undefined) values.push(value);
    }
  }
  return values;
}

const isYaml = (file) => /\.ya?ml$/.test(file);
const yamlFiles = [...walk(join(root, 'infra')), ...walk(join(root, 'docker'))].filter(isYaml);
const parsed = new Map(yamlFiles.map((file) => [file, loadYaml(file)]));
const docsOf = (file) => parsed.get(file) ?? loadYaml(file);

// ---------------------------------------------------------------------------------------------
// Kustomizations: every referenced path exists.
const isRemote = (ref) => /^[a-z]+:\/\//i.test(ref) || ref.startsWith('github.com/');
const kustomizations = yamlFiles.filter((f) => /(^|\/)kustomization\.ya?ml$/.test(f));

function checkKustomization(file) {
  const [k] = docsOf(file);
  if (!k) return problem(file, 'empty kustomization');
  const dir = dirname(file);
  const mustExist = (ref, what) => {
    if (typeof ref !== 'string' || isRemote(ref)) return;
    const path = resolve(dir, ref);
    if (!existsSync(path)) return problem(file, `${what} "${ref}" does not exist`);
    if (
      statSync(path).isDirectory() &&
      !['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((n) => existsSync(join(path, n)))
    ) {
      problem(file, `${what} "${ref}" is a directory without a kustomization.yaml`);
    }
  };
  for (const ref of [...(k.resources ?? []), ...(k.bases ?? [])]) mustExist(ref, 'resource');
  for (const ref of k.components ?? []) mustExist(ref, 'component');
  for (const p of [...(k.patches ?? []), ...(k.patchesStrategicMerge ?? []), ...(k.patchesJson6902 ?? [])]) {
    mustExist(typeof p === 'string' ? p : p?.path, 'patch');
    if (typeof p === 'object' && p !== null && !p.path && !p.patch)
      problem(file, 'a patch has neither path nor patch');
  }
  for (const gen of [...(k.configMapGenerator ?? []), ...(k.secretGenerator ?? [])]) {
    for (const f of gen.files ?? []) mustExist(String(f).split('=').pop(), `generator file of ${gen.name}`);
    for (const f of gen.envs ?? []) mustExist(f, `generator env file of ${gen.name}`);
  }
}
kustomizations.forEach(checkKustomization);
for (const overlay of ['dev', 'prod']) {
  const file = join(root, 'infra/k8s/overlays', overlay, 'kustomization.yaml');
  if (!existsSync(file)) problem(file, 'overlay missing');
}

// ---------------------------------------------------------------------------------------------
// Workloads in base: security, resources, probes.
const baseDir = join(root, 'infra/k8s/base');
const baseDocs = yamlFiles
  .filter((f) => f.startsWith(baseDir + '/') && !/kustomization\.ya?ml$/.test(f))
  .flatMap((file) => docsOf(file).map((doc) => ({ file, doc })));

const podSpecOf = (doc) => (doc.kind === 'Job' ? doc.spec?.template?.spec : doc.spec?.template?.spec);

function checkPod(file, doc, { probes }) {
  const name = `${doc.kind} ${doc.metadata?.name}`;
  const pod = podSpecOf(doc);
  if (!pod) return problem(file, `${name}: no pod template`);
  const podSec = pod.securityContext ?? {};
  for (const c of pod.containers ?? []) {
    const where = `${name} container ${c.name}`;
    const sec = c.securityContext ?? {};
    const nonRoot = sec.runAsNonRoot ?? podSec.runAsNonRoot;
    const uid = sec.runAsUser ?? podSec.runAsUser;
    if (nonRoot !== true) problem(file, `${where}: runAsNonRoot must be true`);
    if (uid === 0) problem(file, `${where}: runAsUser 0`);
    if (sec.readOnlyRootFilesystem !== true) problem(file, `${where}: readOnlyRootFilesystem must be true`);
    if (sec.allowPrivilegeEscalation !== false)
      problem(file, `${where}: allowPrivilegeEscalation must be false`);
    if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory)
      problem(file, `${where}: resources.requests cpu and memory required`);
    if (!c.resources?.limits?.memory) problem(file, `${where}: resources.limits.memory required`);
    if (probes) {
      if (!c.livenessProbe) problem(file, `${where}: livenessProbe missing`);
      if (!c.readinessProbe) problem(file, `${where}: readinessProbe missing`);
    }
  }
}

const containerPort = (c, nameOrNumber) =>
  typeof nameOrNumber === 'number'
    ? nameOrNumber
    : c.ports?.find((p) => p.name === nameOrNumber)?.containerPort;

for (const { file, doc } of baseDocs) {
  if (doc.kind === 'Deployment' || doc.kind === 'StatefulSet') checkPod(file, doc, { probes: true });
  if (doc.kind === 'Job') checkPod(file, doc, { probes: false });
}

// Each service: manifests in base/apps/<name>, wired into base, following the conventions.
const baseKustomization = docsOf(join(baseDir, 'kustomization.yaml'))[0] ?? {};
for (const [name, conv] of Object.entries(SERVICES)) {
  const dir = join(baseDir, 'apps', name);
  if (!existsSync(dir)) {
    problem(dir, `service ${name} has no manifests in infra/k8s/base/apps/${name}`);
    continue;
  }
  if (!(baseKustomization.resources ?? []).includes(`apps/${name}`)) {
    problem(join(baseDir, 'kustomization.yaml'), `apps/${name} is not listed in resources`);
  }
  const docs = baseDocs.filter(({ file }) => file.startsWith(dir + '/')).map(({ doc }) => doc);
  const kinds = new Set(docs.map((d) => d.kind));
  for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget', 'Job', 'NetworkPolicy']) {
    if (!kinds.has(kind)) problem(dir, `service ${name}: no ${kind}`);
  }
  // telephony is an active/standby pair per Asterisk node (a lease), not autoscaled.
  if (name !== 'telephony' && !kinds.has('HorizontalPodAutoscaler'))
    problem(dir, `service ${name}: no HorizontalPodAutoscaler`);
  for (const d of docs.filter((x) => x.kind === 'Deployment')) {
    const c = d.spec?.template?.spec?.containers?.find((x) => x.name === name);
    if (!c) {
      problem(dir, `Deployment ${d.metadata?.name}: no container named ${name}`);
      continue;
    }
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
    if (env.PORT !== String(conv.port))
      problem(dir, `Deployment ${d.metadata?.name}: PORT must be ${conv.port}`);
    if (conv.grpc && env.GRPC_PORT !== String(conv.grpc))
      problem(dir, `Deployment ${d.metadata?.name}: GRPC_PORT must be ${conv.grpc}`);
    if (!('DATABASE_URL' in env)) problem(dir, `Deployment ${d.metadata?.name}: DATABASE_URL missing`);
    for (const [probe, path] of [
      ['livenessProbe', '/health/live'],
      ['readinessProbe', '/health/ready'],
    ]) {
      const get = c[probe]?.httpGet;
      if (get?.path !== path) problem(dir, `Deployment ${d.metadata?.name}: ${probe} must GET ${path}`);
      else if (containerPort(c, get.port) !== conv.port)
        problem(dir, `Deployment ${d.metadata?.name}: ${probe} must use port ${conv.port}`);
    }
    if (d.spec?.template?.metadata?.annotations?.['prometheus.io/scrape'] !== 'true') {
      problem(dir, `Deployment ${d.metadata?.name}: prometheus.io/scrape annotation missing`);
    }
  }
  for (const s of docs.filter((x) => x.kind === 'Service')) {
    const ports = (s.spec?.ports ?? []).map((p) => p.port);
    if (s.spec?.clusterIP !== 'None' && !ports.includes(conv.port))
      problem(dir, `Service ${s.metadata?.name}: HTTP port ${conv.port} missing`);
    if (conv.grpc && !ports.includes(conv.grpc))
      problem(dir, `Service ${s.metadata?.name}: gRPC port ${conv.grpc} missing`);
  }
}

// ---------------------------------------------------------------------------------------------
// docker/compose.yaml: every service, its migration job, conventional ports.
const composeFile = join(root, 'docker/compose.yaml');
if (!existsSync(composeFile)) problem(composeFile, 'missing');
else {
  const services = docsOf(composeFile)[0]?.services ?? {};
  for (const infra of ['postgres', 'nats', 'otel-collector', 'asterisk', 'ari-sim']) {
    if (!services[infra]) problem(composeFile, `service ${infra} missing`);
  }
  if (services['ari-sim'] && !(services['ari-sim'].profiles ?? []).includes('ari-sim')) {
    problem(composeFile, 'ari-sim must be in profile ari-sim');
  }
  for (const [name, conv] of Object.entries(SERVICES)) {
    const svc = services[name];
    if (!svc) {
      problem(composeFile, `service ${name} missing`);
      continue;
    }
    const env = svc.environment ?? {};
    if (String(env.PORT) !== String(conv.port)) problem(composeFile, `${name}: PORT must be ${conv.port}`);
    if (conv.grpc && String(env.GRPC_PORT) !== String(conv.grpc))
      problem(composeFile, `${name}: GRPC_PORT must be ${conv.grpc}`);
    for (const key of ['SERVICE_NAME', 'DATABASE_URL', 'NATS_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT']) {
      if (!env[key]) problem(composeFile, `${name}: ${key} missing`);
    }
    if (svc.build?.args?.APP !== name) problem(composeFile, `${name}: build arg APP must be ${name}`);
    const migrate = services[`migrate-${name}`];
    if (!migrate) problem(composeFile, `migration job migrate-${name} missing`);
    else if (
      !(migrate.entrypoint ?? migrate.command ?? [])
        .join(' ')
        .includes(`migrate.cli.js ${name} apps/${name}/prisma/migrations`)
    ) {
      problem(composeFile, `migrate-${name} must run the migrate CLI for ${name}`);
    }
    if (svc.depends_on?.[`migrate-${name}`]?.condition !== 'service_completed_successfully') {
      problem(composeFile, `${name} must wait for migrate-${name} to complete`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// docker/Dockerfile
const dockerfile = join(root, 'docker/Dockerfile');
if (!existsSync(dockerfile)) problem(dockerfile, 'missing');
else {
  // Join continuation lines so that each instruction is one line.
  const lines = readFileSync(dockerfile, 'utf8')
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/);
  const instructions = lines.map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (!instructions.some((l) => /^ARG\s+APP(\s|=|$)/.test(l))) problem(dockerfile, 'no ARG APP');
  if (!instructions.some((l) => /turbo\s+prune\b.*--docker/.test(l)))
    problem(dockerfile, 'no turbo prune --docker');
  if (instructions.some((l) => /\bnpm\s+ci\b/.test(l)))
    problem(dockerfile, 'uses npm ci (fails with our lockfile; use npm install)');
  // The final stage (default target) and every stage with a CMD/ENTRYPOINT must switch to a non-root user.
  const stages = [];
  for (const l of instructions) {
    if (/^FROM\s/i.test(l)) stages.push({ from: l, lines: [] });
    else stages.at(-1)?.lines.push(l);
  }
  const userOf = (stage, seen = new Set()) => {
    const users = stage.lines.filter((l) => /^USER\s/i.test(l));
    if (users.length) return users.at(-1).split(/\s+/)[1];
    const parent = stage.from.split(/\s+/)[1];
    const parentStage = stages.find((s) => new RegExp(`\\sAS\\s+${parent}$`, 'i').test(s.from));
    if (parentStage && !seen.has(parentStage)) return userOf(parentStage, seen.add(parentStage));
    return undefined;
  };
  const last = stages.at(-1);
  if (!last) problem(dockerfile, 'no FROM');
  else {
    const user = userOf(last);
    const uid = user?.split(':')[0];
    if (!user || uid === 'root' || uid === '0')
      problem(dockerfile, `final stage runs as ${user ?? 'root (no USER)'}; set a non-root USER`);
    if (
      !last.lines.some((l) => /^HEALTHCHECK\s/i.test(l)) ||
      !instructions.some((l) => l.includes('/health/live'))
    ) {
      problem(dockerfile, 'final stage has no HEALTHCHECK on /health/live');
    }
  }
}

// ---------------------------------------------------------------------------------------------
if (problems.length) {
  console.error(`check-infra: ${problems.length} problem(s)`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log(
  `check-infra: ok (${yamlFiles.length} YAML files, ${kustomizations.length} kustomizations, ` +
    `${Object.keys(SERVICES).length} services in base and compose, Dockerfile)`,
);
