// The soak half of bench/api_load.mjs: CLIENTS concurrent clients for SECONDS, each looping over a single
// prediction (9 times in 10) or a 20-review job it then polls, while one big job runs from the start.
// Allowed answers: 2xx, and 429 or 503 carrying Retry-After (the API saying "not now"); anything else,
// a network error included, is a violation. Reports single-prediction latency while the big job ran.
const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : null);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function soak({ post, get, reviews, seconds, clients, jobSize }) {
  const statuses = {};
  const violations = [];
  const singles = []; // { at, ms } of successful single predictions
  const record = async (what, promise) => {
    let response;
    try {
      response = await promise;
    } catch (error) {
      violations.push(`${what}: ${error.cause?.code ?? error.message}`);
      return null;
    }
    const key = `${what} ${response.status}`;
    statuses[key] = (statuses[key] ?? 0) + 1;
    const body = await response.json().catch(() => null);
    const allowed = response.ok || ((response.status === 429 || response.status === 503) && response.headers.get('retry-after'));
    if (!allowed && violations.length < 50) violations.push(`${what}: ${response.status} ${JSON.stringify(body)?.slice(0, 200)}`);
    return response.ok ? body : null;
  };

  // The big job, submitted first (retried while the API says "not now") and followed to its end.
  const big = Array.from({ length: jobSize }, (_, i) => ({ id: String(i), text: reviews[i % reviews.length] }));
  const jobStarted = performance.now();
  let created = null;
  while (!created && performance.now() - jobStarted < 60_000) {
    created = await record('big job', post('/api/v1/jobs', { reviews: big }));
    if (!created) await sleep(1_000);
  }
  if (!created) throw new Error('the big job was never accepted');
  let bigJob = { state: 'queued' };
  let bigJobEnded = null;
  const followBigJob = (async () => {
    while (['queued', 'running'].includes(bigJob.state)) {
      await sleep(500);
      bigJob = (await record('job status', get(`/api/v1/jobs/${created.id}`))) ?? bigJob;
    }
    bigJobEnded = performance.now();
  })();

  const deadline = performance.now() + seconds * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const text = reviews[next++ % reviews.length];
        if (next % 10 === 0) {
          const small = await record('small job', post('/api/v1/jobs', { reviews: Array.from({ length: 20 }, (_, i) => ({ text: reviews[(next + i) % reviews.length] })) }));
          if (small) await record('job status', get(`/api/v1/jobs/${small.id}`));
          continue;
        }
        const t0 = performance.now();
        if (await record('prediction', post('/api/v1/predictions', { text }))) singles.push({ at: t0, ms: performance.now() - t0 });
      }
    }),
  );
  await followBigJob;

  const during = singles.filter((s) => s.at < (bigJobEnded ?? Infinity)).map((s) => s.ms).sort((a, b) => a - b);
  const all = singles.map((s) => s.ms).sort((a, b) => a - b);
  const round = (value) => (value === null ? null : Math.round(value));
  return {
    clients,
    seconds,
    statuses,
    violations,
    singlePredictions: {
      ok: all.length,
      perSecond: Number((all.length / seconds).toFixed(1)),
      p50Ms: round(percentile(all, 50)),
      p95Ms: round(percentile(all, 95)),
      whileBigJobRan: { ok: during.length, p50Ms: round(percentile(during, 50)), p95Ms: round(percentile(during, 95)) },
    },
    bigJob: {
      reviews: jobSize,
      state: bigJob.state,
      progress: bigJob.progress,
      seconds: Number((((bigJobEnded ?? performance.now()) - jobStarted) / 1000).toFixed(1)),
    },
  };
}
