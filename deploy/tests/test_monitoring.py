"""Prometheus configuration, alert rules and the Grafana dashboard, checked offline.

promtool (Debian: prometheus) checks the configuration and the rules and runs the rules' unit tests; every
metric the alerts and the dashboard read must be one the backend defines (or TorchServe's, whose names
model-server/tests/test_torchserve_metrics.py checks against a running TorchServe).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "deploy" / "monitoring"
# TorchServe's own metrics the dashboard reads (checked live in model-server/tests/test_torchserve_metrics.py).
TORCHSERVE_METRICS = {"ts_inference_requests_total", "ts_inference_latency_microseconds"}
JOBS = {"allocine-api", "allocine-worker", "allocine-model-server"}


def promtool(*args: str) -> subprocess.CompletedProcess:
    assert shutil.which("promtool"), "promtool checks the rules: apt-get install prometheus"
    return subprocess.run(["promtool", *args], cwd=MONITORING, capture_output=True, text=True)


def backend_metrics() -> set[str]:
    source = (ROOT / "backend/src/metrics/metrics.service.ts").read_text()
    names = set(re.findall(r"'(allocine_[a-z_]+)'", source))
    histograms = set(re.findall(r"new Histogram\(\{\s*name: '(allocine_\w+)'", source))
    return names | {f"{name}_{suffix}" for name in histograms for suffix in ("bucket", "count", "sum")}


def metrics_in(expr: str) -> set[str]:
    return {
        name for name in re.findall(r"\b([a-z_]+_[a-z_]+)\b(?=\s*[{[(])", expr) if name.startswith(("allocine_", "ts_"))
    }


def alert_exprs() -> list[str]:
    rules = yaml.safe_load((MONITORING / "alerts.yml").read_text())
    return [rule["expr"] for group in rules["groups"] for rule in group["rules"]]


def dashboard_exprs() -> list[str]:
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def test_the_prometheus_configuration_is_valid():
    result = promtool("check", "config", "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_alert_rules_are_valid_and_fire_as_their_unit_tests_say():
    checked = promtool("check", "rules", "alerts.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "10 rules found" in checked.stdout
    tested = promtool("test", "rules", "alerts.test.yml")
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_the_alerts_cover_errors_latency_queue_age_a_model_server_down_and_drift():
    names = {
        rule["alert"]
        for group in yaml.safe_load((MONITORING / "alerts.yml").read_text())["groups"]
        for rule in group["rules"]
    }
    assert {
        "AllocineHighErrorRate",
        "AllocineSlowPredictions",
        "AllocineQueueBehind",
        "AllocineModelServerDown",
        "AllocineStreamLagHigh",
        "AllocineStreamBrokerUnreachable",
        "AllocineInputDrift",
    } <= names


def test_alerts_and_dashboard_read_only_metrics_that_exist():
    known = backend_metrics() | TORCHSERVE_METRICS
    assert "allocine_queue_oldest_waiting_seconds" in known
    used = set().union(*(metrics_in(expr) for expr in alert_exprs() + dashboard_exprs()))
    assert used, "no metric found in the expressions"
    assert used <= known, f"unknown metrics: {sorted(used - known)}"


def test_the_dashboard_is_a_grafana_dashboard_with_a_query_per_panel():
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    assert dashboard["uid"] == "allocine-sentiment" and dashboard["schemaVersion"] >= 36
    assert len(dashboard["panels"]) >= 10
    for panel in dashboard["panels"]:
        assert panel["targets"] and all(target["expr"].strip() for target in panel["targets"]), panel["title"]
        assert panel["datasource"]["uid"] == "${datasource}"
    titles = " ".join(panel["title"] for panel in dashboard["panels"])
    for topic in ("5xx", "latency", "Oldest waiting", "TorchServe", "Kafka stream lag"):
        assert topic in titles


def test_scrape_jobs_are_named_as_the_alerts_expect_in_compose_and_on_kubernetes():
    compose = yaml.safe_load((MONITORING / "prometheus.yml").read_text())
    assert {job["job_name"] for job in compose["scrape_configs"]} == JOBS
    kubernetes = yaml.safe_load((MONITORING / "prometheus-kubernetes.yml").read_text())
    (pods,) = kubernetes["scrape_configs"]
    relabel = next(rule for rule in pods["relabel_configs"] if rule.get("target_label") == "job")
    assert relabel["replacement"] == "allocine-$1"
    components = {"api", "worker", "model-server"}
    assert {f"allocine-{component}" for component in components} == JOBS
    for expr in alert_exprs():
        assert set(re.findall(r'job="([\w-]+)"', expr)) <= JOBS
