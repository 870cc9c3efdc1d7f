#!/usr/bin/env bash
# Proves `docker-compose up --build` for real on this machine: installs and starts a Docker engine if
# needed, builds stand-ins for the official base images when no registry is reachable, brings the stack
# up (three workers, two model servers), waits for every service to be healthy, checks the UI, a prediction and
# a 1,000-review job through the published port, that both model servers took calls, then kills one model server
# (docker kill) in the middle of a 10,000-review job: it must complete with every review once. With the streaming
# profile: reviews sent to the Kafka broker from the host come back as sentiments, and readiness reports the stream.
# Then tears down. Long (first run ~15 min); not part of `npm test`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
UI="http://localhost:8501"
PROJECT=allocine-smoke
check() { printf '\033[32m✔\033[0m %s\n' "$*"; }
step() { printf '\n==> %s\n' "$*"; }
die() { printf '\033[31m✘\033[0m %s\n' "$*" >&2; exit 1; }

source scripts/docker/engine.sh

# Secured as an operator must run it: API keys, the UI's own key, and a Redis password.
export API_KEYS="smoke-integrator" UI_API_KEY="smoke-ui-$(openssl rand -hex 8)" REDIS_PASSWORD="$(openssl rand -hex 16)" \
  POSTGRES_PASSWORD="$(openssl rand -hex 16)" KAFKA_BROKERS=kafka:9092
compose() { docker-compose -p "$PROJECT" --profile streaming "$@"; }
cleanup() { step "tear down"; compose down -v --remove-orphans >/dev/null 2>&1 || true; }
trap cleanup EXIT
compose down -v --remove-orphans >/dev/null 2>&1 || true  # leftovers of an interrupted run

step "docker-compose --profile streaming up --build -d --scale worker=3 (the first build takes several minutes)"
compose up --build -d --scale worker=3

step "waiting for every service to be healthy"
services="redis postgres model-server model-server-2 api worker frontend kafka stream"
for _ in $(seq 1 120); do
  unhealthy=""
  for service in $services; do
    ids="$(compose ps -q "$service")"
    [ -n "$ids" ] || unhealthy="$unhealthy $service:missing"
    for id in $ids; do
      status="$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id" 2>/dev/null || echo missing)"
      [ "$status" = healthy ] || unhealthy="$unhealthy $service:$status"
    done
  done
  [ -z "$unhealthy" ] && break
  sleep 5
done
[ -z "$unhealthy" ] || { compose ps; compose logs --tail 50; echo "not healthy:$unhealthy" >&2; exit 1; }
check "all services healthy: $services"

step "checks through the published UI port"
curl -sf "$UI/" | grep -q '<app-root>' && check "UI page loads at $UI"
ready="$(curl -sf "$UI/api/v1/health/ready")"
echo "$ready" | grep -q '"status":"ok"' && check "readiness ok: $ready"
prediction="$(curl -sf -X POST "$UI/api/v1/predictions" -H 'Content-Type: application/json' \
  -d '{"text":"Un chef-d'"'"'œuvre, bouleversant du début à la fin."}')"
echo "$prediction" | grep -q '"label":"positive"' && check "French review classified positive: $prediction"
published="$(docker ps --filter "label=com.docker.compose.project=$PROJECT" --format '{{.Ports}}' | tr ',' '\n' | grep -o '[0-9.]*:[0-9]*->' | sort -u | tr '\n' ' ')"
[ "$published" = "127.0.0.1:29092-> 127.0.0.1:3000-> 127.0.0.1:8501-> " ] || die "published: $published"
check "only ports 3000, 8501 and Kafka's 29092 published, on 127.0.0.1: $published"
status="$(curl -s -o /dev/null -w '%{http_code}' -X POST localhost:3000/api/v1/predictions -H 'Content-Type: application/json' -d '{"text":"Bien."}')"
[ "$status" = 401 ] || die "without a key: $status"
check "the API refuses a caller without a key (401)"
status="$(curl -s -o /dev/null -w '%{http_code}' -X POST localhost:3000/api/v1/predictions -H 'Content-Type: application/json' -H 'X-API-Key: smoke-integrator' -d '{"text":"Bien."}')"
[ "$status" = 200 ] || die "with a key: $status"
check "and answers one with a key (200)"
for service in redis postgres api worker frontend model-server model-server-2 kafka stream; do
  id="$(compose ps -q "$service" | head -1)"
  hardening="$(docker inspect -f '{{.HostConfig.CapDrop}} {{.HostConfig.SecurityOpt}} read-only:{{.HostConfig.ReadonlyRootfs}}' "$id")"
  case "$hardening" in "[ALL] [no-new-privileges:true] "*) check "$service: $hardening" ;; *) die "$service: $hardening" ;; esac
done

python3 - "$UI" <<'PY'
import json, sys, time, urllib.request
ui = sys.argv[1]
texts = ["Un film magnifique, des acteurs bouleversants.", "Nul, ennuyeux, je me suis endormi."]
body = json.dumps({"reviews": [{"id": f"r{i}", "text": texts[i % 2]} for i in range(1000)]}).encode()
request = urllib.request.Request(f"{ui}/api/v1/jobs", data=body, headers={"Content-Type": "application/json"})
job = json.load(urllib.request.urlopen(request))
deadline = time.time() + 300
while True:
    status = json.load(urllib.request.urlopen(f"{ui}/api/v1/jobs/{job['id']}"))
    if status["state"] not in ("queued", "running") or time.time() > deadline:
        break
    time.sleep(1)
assert status["state"] == "completed", status
assert status["progress"] == {"done": 1000, "total": 1000, "failed": 0}, status
assert status["summary"] == {"positive": 500, "negative": 500, "errors": 0}, status
print(f"\033[32m✔\033[0m 1,000-review job completed: {status['summary']}")
# The history (PostgreSQL service) has the job's rows and the statistics agree.
deadline = time.time() + 60
while True:
    stats = json.load(urllib.request.urlopen(f"{ui}/api/v1/stats?bucket=hour"))
    if stats["total"]["total"] >= 1001 or time.time() > deadline:
        break
    time.sleep(1)
assert stats["total"]["total"] >= 1001, stats
jobs = json.load(urllib.request.urlopen(f"{ui}/api/v1/jobs"))
assert jobs["items"][0]["id"] == job["id"] and jobs["items"][0]["state"] == "completed", jobs
print(f"\033[32m✔\033[0m history in PostgreSQL: {stats['total']}, job listed")
PY

step "the stream: reviews sent to the broker from the host come back as sentiments"
sent="$(KAFKA_BROKERS=127.0.0.1:29092 node streaming/reviews.mjs send "Un chef-d'œuvre, bouleversant." "Ennuyeux à mourir.")"
ids="${sent##*: }"
printed="$(KAFKA_BROKERS=127.0.0.1:29092 timeout 60 node streaming/reviews.mjs read --from-beginning | grep -m2 -F -e "${ids% *}" -e "${ids#* }" || true)"
[ "$(echo "$printed" | grep -c '"label"')" = 2 ] || die "sentiments for $ids: $printed"
check "two sentiments on allocine.sentiments.v1: $(echo "$printed" | grep -o '"label":"[a-z]*"' | tr '\n' ' ')"
curl -sf "$UI/api/v1/health/ready" | python3 -c 'import json,sys; s=json.load(sys.stdin)["details"]["stream"]; assert s["status"] == "up" and s["connectors"] >= 1, s; print("\033[32m✔\033[0m readiness reports the stream:", s)'

# Each of the three workers must have classified part of that job.
for id in $(compose ps -q worker); do
  count="$(docker exec "$id" node -e "fetch('http://127.0.0.1:3000/metrics').then(r => r.text()).then(t => {
    console.log([...t.matchAll(/allocine_predictions_total\{label=\"(?:positive|negative)\"\} (\d+)/g)].reduce((s, m) => s + Number(m[1]), 0));
  })")"
  [ "$count" -gt 0 ] || { echo "worker $id classified nothing" >&2; exit 1; }
  check "worker ${id:0:12} classified $count reviews"
done
workers="$(curl -sf "$UI/api/v1/health/ready" | python3 -c 'import json,sys; print(json.load(sys.stdin)["details"]["workers"]["count"])')"
[ "$workers" = 3 ] && check "readiness counts 3 workers"

# Calls were spread over both model servers (MODEL_SERVER_URL lists them; calls go round-robin).
for service in model-server model-server-2; do
  id="$(compose ps -q "$service")"
  served="$(docker exec "$id" curl -sf http://127.0.0.1:8082/metrics | awk '/^ts_inference_requests_total/ {s += $NF} END {print s + 0}')"
  [ "${served%.*}" -gt 0 ] || die "$service served no inference request"
  check "$service served $served inference requests"
done

step "docker kill one model server in the middle of a 10,000-review job"
python3 - "$UI" "$PROJECT" <<'PY'
import json, subprocess, sys, time, urllib.request
ui, project = sys.argv[1], sys.argv[2]
texts = ["Un film magnifique, des acteurs bouleversants.", "Nul, ennuyeux, je me suis endormi."]
total = 10_000
body = json.dumps({"reviews": [{"id": f"k{i}", "text": texts[i % 2]} for i in range(total)]}).encode()
request = urllib.request.Request(f"{ui}/api/v1/jobs", data=body, headers={"Content-Type": "application/json"})
job = json.load(urllib.request.urlopen(request))
status = lambda: json.load(urllib.request.urlopen(f"{ui}/api/v1/jobs/{job['id']}"))
deadline = time.time() + 120
while (current := status())["progress"]["done"] < total // 20 and time.time() < deadline:
    time.sleep(0.2)
victim = subprocess.check_output(["docker", "ps", "-q", "--filter", f"label=com.docker.compose.project={project}",
                                  "--filter", "label=com.docker.compose.service=model-server-2"], text=True).split()[0]
subprocess.run(["docker", "kill", victim], check=True, capture_output=True)
at_kill = status()["progress"]["done"]
assert at_kill < total, f"the job finished before the kill ({at_kill})"
print(f"\033[32m✔\033[0m killed model-server-2 with {at_kill} of {total} reviews done")
deadline = time.time() + 600
while (current := status())["state"] in ("queued", "running") and time.time() < deadline:
    time.sleep(1)
assert current["state"] == "completed", current
assert current["progress"] == {"done": total, "total": total, "failed": 0}, current
assert current["summary"] == {"positive": total // 2, "negative": total // 2, "errors": 0}, current
ids = []
for offset in range(0, total, 1000):
    page = json.load(urllib.request.urlopen(f"{ui}/api/v1/jobs/{job['id']}/results?offset={offset}&limit=1000"))
    assert all(row["status"] == "done" for row in page["items"]), page["items"][:3]
    ids += [row["id"] for row in page["items"]]
assert ids == [f"k{i}" for i in range(total)], "results are not every review once, in order"
print(f"\033[32m✔\033[0m job completed after the kill: {total} results, each review once, in order, no error")
PY
echo
check "compose smoke test passed"
