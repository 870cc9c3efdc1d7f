"""The Kubernetes manifests, rendered with `kubectl kustomize` and checked offline.

Schemas: every built-in object validates against the Kubernetes API's own schemas (kubernetes-validate);
KEDA's objects, which it has no schema for, are checked by hand against the Deployment and queues they name.
Policies: every container non-root with a read-only root and no privilege escalation, with requests, limits and
both probes; no Service or NetworkPolicy names TorchServe's management port; secrets only from Secrets.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
KUBERNETES_VERSION = "1.31"
MANAGEMENT_PORT = 8081
WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet")


def render(overlay: str) -> list[dict]:
    assert shutil.which("kubectl"), "kubectl renders the manifests: apt-get install kubernetes-client"
    out = subprocess.run(
        ["kubectl", "kustomize", str(K8S / "overlays" / overlay)], check=True, capture_output=True, text=True
    ).stdout
    return [doc for doc in yaml.safe_load_all(out) if doc]


@pytest.fixture(scope="module", params=["dev", "prod", "streaming"])
def rendered(request) -> tuple[str, list[dict]]:
    return request.param, render(request.param)


def named(docs: list[dict], kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def component_of(selector: dict) -> str | None:
    return selector.get("matchLabels", {}).get("app.kubernetes.io/component")


def containers(workload: dict) -> list[dict]:
    spec = workload["spec"]["template"]["spec"]
    return spec.get("initContainers", []) + spec["containers"]


def test_every_builtin_object_validates_against_the_kubernetes_schemas(rendered):
    _, docs = rendered
    builtin = [doc for doc in docs if not doc["apiVersion"].startswith(("keda.sh/", "kafka.strimzi.io/"))]
    assert len(builtin) >= 15
    for doc in builtin:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_every_container_is_non_root_read_only_bounded_and_probed(rendered):
    _, docs = rendered
    workloads = [doc for doc in docs if doc["kind"] in WORKLOADS]
    assert {w["metadata"]["name"] for w in workloads} >= {"api", "worker", "model-server"}
    for workload in workloads:
        pod = workload["spec"]["template"]["spec"]
        assert pod.get("automountServiceAccountToken") is False, workload["metadata"]["name"]
        for container in containers(workload):
            where = f"{workload['metadata']['name']}/{container['name']}"
            security = {**pod.get("securityContext", {}), **container.get("securityContext", {})}
            assert security.get("runAsNonRoot") is True, where
            assert security.get("runAsUser", 0) != 0, where
            assert security.get("readOnlyRootFilesystem") is True, where
            assert security.get("allowPrivilegeEscalation") is False, where
            assert security.get("capabilities", {}).get("drop") == ["ALL"], where
            resources = container.get("resources", {})
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources.get(bound, {})), f"{where}: {bound}"
            assert "livenessProbe" in container and "readinessProbe" in container, where


def test_api_and_worker_probes_are_the_health_routes(rendered):
    _, docs = rendered
    for name in ("api", "worker"):
        (container,) = containers(named(docs, "Deployment")[name])
        assert container["livenessProbe"]["httpGet"]["path"] == "/api/v1/health/live"
        assert container["readinessProbe"]["httpGet"]["path"] == "/api/v1/health/ready"


def test_torchserve_management_is_reachable_from_nowhere(rendered):
    _, docs = rendered
    for service in named(docs, "Service").values():
        for port in service["spec"]["ports"]:
            assert MANAGEMENT_PORT not in (port["port"], port.get("targetPort")), service["metadata"]["name"]
            assert "management" not in str(port.get("name", "")), service["metadata"]["name"]
    model_server = named(docs, "Deployment")["model-server"]
    declared = [port["containerPort"] for c in containers(model_server) for port in c.get("ports", [])]
    assert MANAGEMENT_PORT not in declared
    for policy in named(docs, "NetworkPolicy").values():
        for rule in policy["spec"].get("ingress", []):
            ports = [port.get("port") for port in rule.get("ports", [])]
            assert MANAGEMENT_PORT not in ports, policy["metadata"]["name"]
            assert rule.get("ports"), f"{policy['metadata']['name']}: an ingress rule without ports opens every port"


def test_network_policies_deny_by_default_and_keep_inference_to_the_workers(rendered):
    _, docs = rendered
    policies = named(docs, "NetworkPolicy")
    assert policies["default-deny-ingress"]["spec"]["podSelector"].get("matchLabels", {}).keys() <= {
        "app.kubernetes.io/part-of"
    }
    rules = policies["model-server"]["spec"]["ingress"]
    inference = [rule for rule in rules if rule["ports"] == [{"port": 8080}]]
    assert len(inference) == 1
    sources = {peer["podSelector"]["matchLabels"]["app.kubernetes.io/component"] for peer in inference[0]["from"]}
    overlay = rendered[0]
    # The stream connectors call the model server too (the same bulk lane), where the streaming overlay runs them.
    assert sources == ({"worker", "stream"} if overlay == "streaming" else {"worker"})
    # Every workload pod is covered by a policy naming its component (besides the default deny).
    covered = {component_of(p["spec"]["podSelector"]) for p in policies.values()}
    for workload in (doc for doc in docs if doc["kind"] in WORKLOADS):
        assert workload["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"] in covered


def test_keys_and_passwords_come_from_secrets_only(rendered):
    _, docs = rendered
    secret_names = ("API_KEYS", "REDIS_URL", "DATABASE_URL", "WEBHOOK_SECRET", "REDIS_PASSWORD", "POSTGRES_PASSWORD")
    for workload in (doc for doc in docs if doc["kind"] in WORKLOADS):
        for container in containers(workload):
            for env in container.get("env", []):
                if env["name"] in secret_names:
                    assert "value" not in env and "secretKeyRef" in env["valueFrom"], env["name"]
    assert not named(docs, "Secret"), "no Secret in the manifests: created apart (create-secrets.sh, a secret store)"
    for config_map in named(docs, "ConfigMap").values():
        assert not set(config_map.get("data", {})) & set(secret_names)


def test_every_workload_has_a_disruption_budget_and_the_api_and_model_server_scale(rendered):
    overlay, docs = rendered
    budgets = {component_of(b["spec"]["selector"]) for b in named(docs, "PodDisruptionBudget").values()}
    assert {"api", "worker", "model-server"} <= budgets
    autoscalers = named(docs, "HorizontalPodAutoscaler")
    assert {hpa["spec"]["scaleTargetRef"]["name"] for hpa in autoscalers.values()} == {"api", "model-server"}


def queue_names() -> set[str]:
    constants = (ROOT / "backend/src/queue/queue.constants.ts").read_text()
    return set(re.findall(r"export const \w+_QUEUE = '([\w-]+)'", constants))


def test_production_scales_workers_with_keda_on_the_real_queue_lists():
    docs = render("prod")
    (scaled,) = named(docs, "ScaledObject").values()
    assert scaled["spec"]["scaleTargetRef"]["name"] in named(docs, "Deployment")
    prefix = named(docs, "ConfigMap")["allocine-config"]["data"]["QUEUE_PREFIX"]
    lists = {trigger["metadata"]["listName"] for trigger in scaled["spec"]["triggers"]}
    assert lists == {f"{prefix}:batch:wait", f"{prefix}:predictions:wait"}
    assert {name.split(":")[1] for name in lists} <= queue_names()
    auth = named(docs, "TriggerAuthentication")[scaled["spec"]["triggers"][0]["authenticationRef"]["name"]]
    assert {ref["parameter"] for ref in auth["spec"]["secretTargetRef"]} == {"address", "password"}


def test_redis_and_postgres_run_in_dev_only():
    dev = named(render("dev"), "Deployment")
    prod = named(render("prod"), "Deployment")
    assert {"redis", "postgres"} <= set(dev)
    assert not {"redis", "postgres"} & set(prod)
    assert not named(render("dev"), "ScaledObject")


def test_a_broken_manifest_is_refused(tmp_path):
    """The validator is not a rubber stamp: a container with a misspelt field fails."""
    deployment = named(render("prod"), "Deployment")["api"]
    deployment["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def config_default(name: str) -> str:
    """A backend setting's default, as backend/src/config/app-config.ts declares it."""
    source = (ROOT / "backend/src/config/app-config.ts").read_text()
    match = re.search(rf"{name}: z\.string\(\)\.min\(1\)\.default\('([^']+)'\)", source)
    assert match, name
    return match.group(1)


def test_the_streaming_overlay_runs_connectors_on_strimzi_topics_scaled_on_lag():
    docs = render("streaming")
    deployments = named(docs, "Deployment")
    stream_env = {env["name"]: env for env in containers(deployments["stream"])[0]["env"]}
    assert stream_env["APP_ROLE"]["value"] == "stream"
    (kafka,) = named(docs, "Kafka").values()
    bootstrap = f"{kafka['metadata']['name']}-kafka-bootstrap:9092"
    assert stream_env["KAFKA_BROKERS"]["value"] == bootstrap
    api_env = {env["name"]: env.get("value") for env in containers(deployments["api"])[0]["env"]}
    assert api_env["KAFKA_BROKERS"] == bootstrap, "the API reports the stream (readiness, Santé)"
    assert "KAFKA_BROKERS" not in {env["name"] for env in containers(deployments["worker"])[0]["env"]}
    # The topics the connector reads and writes, with the partitions KEDA may spread connectors over.
    topics = {topic["metadata"]["name"]: topic for topic in named(docs, "KafkaTopic").values()}
    wanted = {config_default(name) for name in ("STREAM_INPUT_TOPIC", "STREAM_OUTPUT_TOPIC", "STREAM_DLQ_TOPIC")}
    assert set(topics) == wanted
    cluster = kafka["metadata"]["name"]
    assert all(topic["metadata"]["labels"]["strimzi.io/cluster"] == cluster for topic in topics.values())
    scaled = named(docs, "ScaledObject")["stream"]
    (trigger,) = scaled["spec"]["triggers"]
    assert trigger["type"] == "kafka" and trigger["metadata"]["bootstrapServers"] == bootstrap
    assert trigger["metadata"]["consumerGroup"] == config_default("STREAM_GROUP_ID")
    assert trigger["metadata"]["topic"] == config_default("STREAM_INPUT_TOPIC")
    assert scaled["spec"]["maxReplicaCount"] <= topics[trigger["metadata"]["topic"]]["spec"]["partitions"]
    # Only the API and the connectors reach the brokers; the connectors' pods are under the default deny.
    (listener,) = kafka["spec"]["kafka"]["listeners"]
    peers = {component_of(peer["podSelector"]) for peer in listener["networkPolicyPeers"]}
    assert peers == {"api", "stream"}
    labels = deployments["stream"]["spec"]["template"]["metadata"]["labels"]
    assert labels["app.kubernetes.io/part-of"] == "allocine-sentiment"
    budgets = named(docs, "PodDisruptionBudget").values()
    assert "stream" in {component_of(budget["spec"]["selector"]) for budget in budgets}
