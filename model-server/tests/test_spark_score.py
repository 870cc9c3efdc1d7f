"""``npm run score:spark`` in local mode, as a user runs it, checked against the real TorchServe's answers.

Each run is a fresh ``spark_score`` process (Spark starts in about 10 s), so the runs are few and each is
checked for several things: formats, column options, per-row errors, input order, model loads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyspark
import pytest
import requests
from conftest import TORCHSERVE_BASE

MODEL_SERVER = Path(__file__).resolve().parent.parent
TOO_LONG = "Un film long. " * 2000  # 28,000 characters: over the API's 5,000 and TorchServe's 20,000

pytestmark = pytest.mark.integration


def score_spark(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(MODEL_SERVER)}
    command = [sys.executable, "-m", "allocine_sentiment.spark.score", "--master", "local[2]", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


def served(texts: list[str]) -> list[dict]:
    """What the model server answers for these reviews (its bulk lane, as job chunks go)."""
    response = requests.post(f"{TORCHSERVE_BASE}/predictions/allocine-sentiment", json=texts, timeout=120)
    assert response.status_code == 200
    return response.json()


def assert_same_as_served(rows: pd.DataFrame, texts: list[str], torchserve) -> None:
    for row, answer in zip(rows.to_dict("records"), served(texts), strict=True):
        if "error" in answer:
            assert row["error"] == answer["error"]["code"]
            continue
        assert row["error"] is None or pd.isna(row["error"])
        assert row["label"] == answer["label"]
        assert row["uncertain"] == answer["uncertain"]
        assert row["model"] == answer["model"] and row["version"] == answer["version"]
        assert float(row["score"]) == pytest.approx(answer["score"], abs=1e-6)


@pytest.fixture(scope="module")
def validation(shared_data: Path) -> list[str]:
    lines = (shared_data / "allocine" / "validation.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["review"] for line in lines[:60]]


@pytest.fixture(scope="module")
def jsonl_run(tmp_path_factory, validation):
    """60 real reviews and 4 bad rows as JSON Lines → Parquet, in batches of 8 rows."""
    work = tmp_path_factory.mktemp("spark-jsonl")
    lines = [json.dumps({"id": f"v{n}", "text": text, "note": n}) for n, text in enumerate(validation)]
    lines[10:10] = ['{"id": "broken", "text": "Un film', json.dumps({"id": "empty", "text": "   "})]
    lines[30:30] = [json.dumps({"id": "long", "text": TOO_LONG}), json.dumps({"id": "none"})]
    (work / "reviews.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["--input", str(work / "reviews.jsonl"), "--output", str(work / "out"), "--batch-size", "8"]
    run = score_spark(*args, "--summary-json", str(work / "summary.json"))
    assert run.returncode == 0, run.stderr[-3000:]
    return work, args, run


def test_jsonl_to_parquet_equals_the_model_server_in_input_order(jsonl_run, validation, torchserve):
    work, _, run = jsonl_run
    rows = pd.read_parquet(work / "out")
    good = rows[rows["error"].isna()]
    assert good["id"].tolist() == [f"v{n}" for n in range(60)]
    # A line that does not parse has no id to give back: its error quotes its beginning instead.
    assert rows["id"].tolist()[10:12] == [None, "empty"] and rows["id"].tolist()[30:32] == ["long", "none"]
    assert rows["error"].tolist()[10] == "malformed_row"
    quoted = """'{"id": "broken", "text": "Un film'"""
    assert rows["error_message"].tolist()[10] == f"the input line could not be parsed as a row: {quoted}"
    assert_same_as_served(good, validation, torchserve)
    positive = served([validation[0]])[0]["probabilities"]["positive"]
    assert good.iloc[0]["probabilities"]["positive"] == pytest.approx(positive)
    assert set(good.iloc[0]["probabilities"]) == {"negative", "positive"}
    errors = dict(zip(rows["id"], rows["error"], strict=True))
    assert [errors[i] for i in ("empty", "long", "none")] == ["empty_text", "text_too_long", "empty_text"]
    # The model server says the same about the rows it can be sent.
    assert [a["error"]["code"] for a in served(["   ", TOO_LONG])] == ["empty_text", "text_too_long"]
    assert rows.loc[rows["id"] == "long", "probabilities"].isna().all()
    assert "scored 64 rows" in run.stdout and "errors: empty_text 2, malformed_row 1, text_too_long 1" in run.stdout


def test_summary_counts_labels_and_errors_and_the_model_loads_once_per_executor(jsonl_run):
    work, _, _ = jsonl_run
    summary = json.loads((work / "summary.json").read_text())
    rows = pd.read_parquet(work / "out")
    assert summary["rows"] == 64
    assert summary["labels"] == rows["label"].value_counts().to_dict()
    assert summary["errors"] == {"empty_text": 2, "malformed_row": 1, "text_too_long": 1}
    # 64 rows in batches of 8 over two Python workers: many batches, one load per worker process.
    assert summary["batches"] >= 8
    assert 1 <= summary["modelLoads"] <= 2
    assert summary["rowsPerSecond"] > 0


def test_existing_output_is_refused_without_overwrite(jsonl_run):
    _, args, _ = jsonl_run
    again = score_spark(*args)
    assert again.returncode == 2
    assert "already exists; pass --overwrite to replace it" in again.stderr


def test_csv_with_column_options_and_bad_rows_to_csv(tmp_path, validation, torchserve):
    reviews = [validation[0], "Nul; vraiment nul", 'Un "chef-d\'œuvre"\nsur deux lignes', validation[1]]
    quoted = ['"' + text.replace('"', '""') + '"' for text in reviews]
    lines = ["ref;note;avis", f"A1;5;{quoted[0]}", f"A2;1;{quoted[1]}", "A3;3;", "A4;2;trop long pour la limite"]
    lines += [f"A5;4;{quoted[2]}", "A6;4;bien;en trop", "A7", f"A8;5;{quoted[3]}"]
    (tmp_path / "avis.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = score_spark(
        *("--input", str(tmp_path / "avis.csv"), "--output", str(tmp_path / "out"), "--output-format", "csv"),
        *("--text-column", "avis", "--id-column", "ref", "--delimiter", ";", "--max-chars", "20"),
    )
    assert run.returncode == 0, run.stderr[-3000:]
    frames = [pd.read_csv(part, dtype=str, keep_default_na=False) for part in sorted((tmp_path / "out").glob("*.csv"))]
    rows = pd.concat(frames, ignore_index=True)
    assert rows.columns.tolist() == [
        *("id", "label", "score", "probability_negative", "probability_positive", "uncertain", "truncated"),
        *("model", "version", "error", "error_message"),
    ]
    assert rows["id"].tolist() == ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8"]
    too_long, malformed = "text_too_long", "malformed_row"
    expected = [too_long, "", "empty_text", too_long, too_long, malformed, malformed, too_long]
    assert rows["error"].tolist() == expected
    answer = served(["Nul; vraiment nul"])[0]
    assert rows.loc[1, "label"] == answer["label"] == "negative"
    assert float(rows.loc[1, "probability_positive"]) == pytest.approx(answer["probabilities"]["positive"])
    assert "review text has" in rows.loc[0, "error_message"] and "the limit is 20" in rows.loc[0, "error_message"]


def test_parquet_directory_without_ids_gets_row_numbers(tmp_path, validation, torchserve):
    (tmp_path / "in").mkdir()
    pd.DataFrame({"ref": range(25), "text": validation[:25]}).to_parquet(tmp_path / "in" / "part-0.parquet")
    pd.DataFrame({"ref": range(25, 60), "text": validation[25:60]}).to_parquet(tmp_path / "in" / "part-1.parquet")
    run = score_spark("--input", str(tmp_path / "in"), "--output", str(tmp_path / "out"))
    assert run.returncode == 0, run.stderr[-3000:]
    rows = pd.read_parquet(tmp_path / "out")
    # No "id" column: ids are row numbers in input order (files by name, then rows), as the API numbers CSV
    # rows without an id column. Spark reads the bigger file first; the numbers do not depend on that.
    assert sorted(rows["id"].tolist()) == sorted(str(n) for n in range(1, 61))
    rows = rows.sort_values("id", key=lambda ids: ids.astype(int))
    assert_same_as_served(rows, validation, torchserve)


def test_a_missing_column_is_a_clear_error(tmp_path):
    (tmp_path / "x.jsonl").write_text('{"review": "Bien"}\n', encoding="utf-8")
    run = score_spark("--input", str(tmp_path / "x.jsonl"), "--output", str(tmp_path / "out"), "--text-column", "avis")
    assert run.returncode == 2
    assert 'error: no text column "avis"; columns found: review (use --text-column)' in run.stderr
    assert not (tmp_path / "out").exists()


def wait_for(check, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{what} not up after {seconds} s")


@pytest.fixture
def standalone_cluster(tmp_path):
    """A real Spark standalone master and worker (separate JVMs, from the pyspark package), on loopback."""
    spark_home = Path(pyspark.__file__).parent
    env = {**os.environ, "SPARK_HOME": str(spark_home), "SPARK_LOCAL_IP": "127.0.0.1"}
    env.pop("PYTHONPATH", None)  # executors must get the package from the job, as on a real cluster
    env["SPARK_WORKER_DIR"] = str(tmp_path / "worker")
    log = (tmp_path / "cluster.log").open("w")
    spark_class = [str(spark_home / "bin" / "spark-class")]
    master = spark_class + ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", "17077"]
    worker = spark_class + ["org.apache.spark.deploy.worker.Worker", "--cores", "2", "--memory", "2g"]
    processes = [subprocess.Popen([*master, "--webui-port", "18091"], env=env, stdout=log, stderr=log)]
    wait_for(lambda: requests.get("http://127.0.0.1:18091/json/", timeout=2).ok, "Spark master")
    processes.append(
        subprocess.Popen([*worker, "--webui-port", "18092", "spark://127.0.0.1:17077"], env=env, stdout=log, stderr=log)
    )
    alive = lambda: [w["state"] for w in requests.get("http://127.0.0.1:18091/json/", timeout=2).json()["workers"]]  # noqa: E731
    wait_for(lambda: alive() == ["ALIVE"], "Spark worker")
    yield "spark://127.0.0.1:17077", env
    for process in processes:
        process.terminate()
        process.wait(timeout=30)


def test_spark_submit_on_a_standalone_cluster_ships_package_and_model(
    standalone_cluster, tmp_path, validation, torchserve
):
    master, env = standalone_cluster
    (tmp_path / "in.jsonl").write_text("".join(json.dumps({"review": t}) + "\n" for t in validation[:40]), "utf-8")
    submit = [str(Path(sys.executable).parent / "spark-submit"), "--master", master]
    script = str(MODEL_SERVER / "scripts" / "score_spark.py")
    summary = tmp_path / "summary.json"
    run = subprocess.run(
        [
            *submit,
            script,
            "--input",
            str(tmp_path / "in.jsonl"),
            "--output",
            str(tmp_path / "out"),
            "--summary-json",
            str(summary),
        ],
        env={**env, "PYSPARK_PYTHON": sys.executable},  # the executors' Python: this venv, as a cluster image has
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    rows = pd.read_parquet(tmp_path / "out")
    assert rows["id"].tolist() == [str(n) for n in range(1, 41)]
    assert_same_as_served(rows, validation[:40], torchserve)
    assert 1 <= json.loads(summary.read_text())["modelLoads"] <= 2
