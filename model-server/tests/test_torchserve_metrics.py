"""TorchServe's Prometheus metrics: the names the Grafana dashboard reads (deploy/monitoring) exist."""

import json
import urllib.request

from conftest import TORCHSERVE_PORTS

# deploy/tests/test_monitoring.py holds the dashboard and alerts to these names.
DASHBOARD_METRICS = ("ts_inference_requests_total", "ts_inference_latency_microseconds")


def test_the_metrics_the_dashboard_reads_are_exposed_after_a_prediction(torchserve):
    inference, metrics = TORCHSERVE_PORTS["inference"], TORCHSERVE_PORTS["metrics"]
    request = urllib.request.Request(
        f"http://127.0.0.1:{inference}/predictions/allocine-sentiment",
        data=json.dumps(["Un film magnifique."]).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert json.load(response)[0]["label"] == "positive"
    with urllib.request.urlopen(f"http://127.0.0.1:{metrics}/metrics", timeout=10) as response:
        exposed = response.read().decode()
    for name in DASHBOARD_METRICS:
        assert f"\n{name}{{" in exposed or exposed.startswith(f"{name}{{") or f"# TYPE {name} " in exposed, name
    assert 'model_name="allocine-sentiment"' in exposed
