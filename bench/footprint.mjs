#!/usr/bin/env node
// What `npm start` holds in memory: the resident set (RSS) of each process of the stack, idle and after a job of
// --jobs jobs of --job reviews each (finished, their history written), as JSON, with the speed it kept meanwhile (single-prediction
// latency, the job's reviews per second). Starts `npm start` itself (embedded model, keys on, fresh state in a
// temporary RUN_DIR), or measures a running one (--pid of its scripts/start.mjs, --url, --key).
// --baseline REF first measures the same on git revision REF (a temporary worktree), so both sit in one file.
//   npm run bench:footprint -- [--job 10000] [--jobs 3] [--baseline REF] [--json OUT] [--quick]
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every process below `pid` (its children, theirs...), with its command line and resident memory in MiB. */
function tree(pid) {
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf-8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const below = [pid];
  for (let i = 0; i < below.length; i++) for (const [child, parent] of parents) if (parent === below[i]) below.push(child);
  return below.flatMap((process) => {
    try {
      const status = readFileSync(`/proc/${process}/status`, 'utf-8');
      const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      const command = readFileSync(`/proc/${process}/cmdline`, 'utf-8').split('\0').filter(Boolean);
      // PSS shares each shared page among the processes that map it: unlike RSS, it adds up to the machine's use.
      const pssKb = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${process}/smaps_rollup`, 'utf-8'))?.[1] ?? 0);
      return rssKb ? [{ pid: process, command, rssMb: Math.round(rssKb / 102.4) / 10, pssMb: Math.round(pssKb / 102.4) / 10 }] : [];
    } catch {
      return [];
    }
  });
}

/** What a process of the stack is, in words. */
function role(command) {
  const line = command.join(' ');
  if (line.includes('dist/backend/backend/src/main.js')) return 'API and workers (Node.js, embedded history)';
  if (line.includes('ui-server.mjs')) return 'UI server (Node.js)';
  if (line.includes('scripts/start.mjs')) return 'npm start supervisor (Node.js)';
  if (line.includes('redis-server')) return 'Redis';
  if (line.includes('org.pytorch.serve.ModelServer')) return 'TorchServe (JVM)';
  if (line.includes('model_service_worker')) return 'TorchServe worker (Python)';
  if (line.includes('fastapi_server')) return 'model server (FastAPI)';
  if (line.includes('kafka.Kafka')) return 'Kafka broker (JVM)';
  return command.slice(0, 2).join(' ');
}

/** TorchServe detaches from npm start (torchserve --start): its JVM is found by the pid file it writes. */
function torchServePid() {
  const file = join(process.env.TMPDIR || '/tmp', '.model_server.pid');
  const pid = existsSync(file) ? Number(readFileSync(file, 'utf-8').trim()) : 0;
  return pid && existsSync(`/proc/${pid}`) ? pid : 0;
}

function snapshot(pid) {
  const roots = [pid, torchServePid()].filter(Boolean);
  const processes = [...new Map(roots.flatMap(tree).map((entry) => [entry.pid, entry])).values()].map((process) => ({
    role: role(process.command),
    pid: process.pid,
    rssMb: process.rssMb,
    pssMb: process.pssMb,
  }));
  const byRole = {};
  for (const { role: name, rssMb } of processes) byRole[name] = Math.round(((byRole[name] ?? 0) + rssMb) * 10) / 10;
  const sum = (field) => Math.round(processes.reduce((total, process) => total + process[field], 0));
  return { totalMb: sum('rssMb'), totalPssMb: sum('pssMb'), byRole, processes };
}

/** Single predictions one after another, as an idle site's visitors send them: p50 and p95 in ms. */
async function singleLatency(url, headers, texts, count) {
  const took = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const answer = await fetch(`${url}/api/v1/predictions`, { method: 'POST', headers, body: JSON.stringify({ text: texts[i % texts.length] }) });
    if (answer.status !== 200) throw new Error(`single prediction answered ${answer.status}: ${await answer.text()}`);
    took.push(performance.now() - started);
  }
  took.sort((a, b) => a - b);
  const at = (p) => Math.round(took[Math.min(took.length - 1, Math.floor(p * took.length))] * 10) / 10;
  return { count, p50Ms: at(0.5), p95Ms: at(0.95) };
}

/** Idle, then after a job of `job` reviews: the stack below `pid`, whose API answers at `url`. */
export async function footprint({ pid, url, key, job, jobs = 1, singles = Math.min(200, job) }) {
  const headers = { 'Content-Type': 'application/json', ...(key ? { 'X-API-Key': key } : {}) };
  await sleep(5_000); // settled after start
  const idle = snapshot(pid);
  const validation = join(ROOT, '../shared/data/allocine/validation.jsonl');
  const source = existsSync(validation) ? validation : join(ROOT, 'model-server/tests/fixtures/reviews.jsonl');
  const texts = readFileSync(source, 'utf-8').trim().split('\n').map((line) => JSON.parse(line).review);
  const latency = await singleLatency(url, headers, texts, singles);
  const reviews = Array.from({ length: job }, (_, i) => ({ id: String(i), text: texts[i % texts.length] }));
  // Several jobs one after another: one job's rate moves by ±10 % from run to run on two cores; their median less.
  const rates = [];
  let status;
  for (let run = 0; run < jobs; run++) {
    const started = performance.now();
    const created = await (await fetch(`${url}/api/v1/jobs`, { method: 'POST', headers, body: JSON.stringify({ reviews }) })).json();
    do {
      await sleep(200);
      status = await (await fetch(`${url}/api/v1/jobs/${created.id}`, { headers })).json();
    } while (['queued', 'running'].includes(status.state));
    if (status.state !== 'completed') break;
    rates.push(Math.round(job / ((performance.now() - started) / 1000)));
  }
  // Its history written too (the embedded database is in the API process).
  for (let i = 0; i < 120; i++) {
    if (/^allocine_history_backlog 0$/m.test(await (await fetch(`${url}/metrics`, { headers })).text())) break;
    await sleep(500);
  }
  await sleep(2_000);
  return {
    job: { reviews: job, jobs: rates.length, state: status.state, reviewsPerSecond: [...rates].sort((a, b) => a - b)[rates.length >> 1], each: rates },
    singlePredictions: latency,
    idle,
    afterJob: snapshot(pid),
  };
}

/** `npm start` from `root` with fresh state, measured, stopped. */
async function measureCheckout(root, job, jobs) {
  const { startStack } = await import('../frontend/e2e/stack.mjs');
  const key = `bench-${randomUUID()}`;
  const state = mkdtempSync(join(tmpdir(), 'footprint-state-'));
  console.log(`starting the product: npm start (embedded model) in ${root}`);
  const stack = await startStack({ API_KEYS: key, RATE_LIMIT_PER_MINUTE: '1000000', RUN_DIR: state, HISTORY_DIR: join(state, 'history') }, root);
  try {
    return await footprint({ pid: stack.pid, url: 'http://127.0.0.1:3000', key, job, jobs });
  } finally {
    await stack.stop();
    rmSync(state, { recursive: true, force: true });
  }
}

/** A worktree of `ref` sharing this checkout's installed dependencies, and how to remove it. */
function worktree(ref) {
  const dir = mkdtempSync(join(tmpdir(), 'footprint-baseline-'));
  execFileSync('git', ['-C', ROOT, 'worktree', 'add', '--detach', dir, ref], { stdio: 'inherit' });
  for (const shared of ['node_modules', '.venv']) symlinkSync(join(ROOT, shared), join(dir, shared));
  const sha = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf-8' }).trim();
  return { dir, sha, remove: () => execFileSync('git', ['-C', ROOT, 'worktree', 'remove', '--force', dir], { stdio: 'inherit' }) };
}

function describe(name, taken) {
  const figures = Object.entries(taken.byRole).map(([role, mb]) => `${role} ${mb} MB`).join(', ');
  console.log(`${name}: ${taken.totalMb} MB resident (${taken.totalPssMb} MB proportional) — ${figures}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const option = (name, fallback) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : fallback);
  const job = Number(option('job', argv.includes('--quick') ? 200 : 10_000));
  const jobs = Number(option('jobs', argv.includes('--quick') ? 1 : 3));
  const pid = Number(option('pid', 0));
  let failed = false;
  try {
    let baseline;
    const ref = option('baseline');
    if (ref) {
      const tree = worktree(ref);
      try {
        baseline = { ref, commit: tree.sha, ...(await measureCheckout(tree.dir, job, jobs)) };
      } finally {
        tree.remove();
      }
    }
    const measured = pid
      ? await footprint({ pid, url: option('url', 'http://127.0.0.1:3000'), key: option('key'), job, jobs })
      : await measureCheckout(ROOT, job, jobs);
    const key = option('key');
    const result = {
      command: `npm run bench:footprint -- ${argv.map((a) => (a === key ? '<key>' : a)).join(' ')}`.trim(),
      when: new Date().toISOString(),
      machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30) },
      ...measured,
      ...(baseline ? { baseline } : {}),
    };
    for (const [name, taken] of [['', measured], ...(baseline ? [[`baseline ${ref} `, baseline]] : [])]) {
      describe(`${name}idle`, taken.idle);
      describe(`${name}after ${jobs} jobs of ${job} reviews`, taken.afterJob);
      console.log(`${name}jobs ${taken.job.each.join(', ')} reviews/s (median ${taken.job.reviewsPerSecond}); single predictions p50 ${taken.singlePredictions.p50Ms} ms, p95 ${taken.singlePredictions.p95Ms} ms`);
    }
    const out = option('json');
    if (out) {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    }
  } catch (error) {
    console.error(error);
    failed = true;
  }
  process.exit(failed ? 1 : 0);
}
