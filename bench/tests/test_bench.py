"""The bench harness: report shape, ratios, and rows for impls that can't run."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "bench/runners"))

import python_runner  # noqa: E402
import run  # noqa: E402


def test_quick_run_reports_every_requested_row(tmp_path):
    report = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench/run.py"), "--quick", "--report", str(report),
         "--impl", "python", "--workload", "moons", "--workload", "chain",
         "--workload", "wide", "--workload", "memory"],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(report.read_text())
    assert set(data["machine"]) >= {"platform", "cpu", "cpu_id", "caches", "cores"}
    if sys.platform == "linux":  # the CPU's generation and its caches, from /proc and /sys
        assert re.fullmatch(r"cpu family \d+ model \d+ stepping \d+", data["machine"]["cpu_id"])
        assert re.search(r"\bL2 \d+K\b", data["machine"]["caches"]), data["machine"]
    rows = {r["workload"]: r for r in data["results"]}
    assert set(rows) == {"moons", "chain", "wide", "memory"}
    for name in ("moons", "chain", "wide"):
        r = rows[name]
        assert r["error"] is None, r
        assert 0 < r["min_s"] <= r["median_s"] <= r["max_s"]
        assert r["ns_per_node"] > 0  # its arithmetic: test_ns_per_node_is_the_median_per_node
    assert rows["chain"]["nodes"] == 1000 + 2  # x, c and 1000 products
    assert rows["wide"]["nodes"] == 4 * 1000 - 1  # 2n leaves, n products, n - 1 sums
    assert rows["memory"]["rss_mb_100"] > 0 and rows["memory"]["rss_mb_1000"] > 0
    # At the start no step's graph (tens of thousands of nodes) is alive yet; at "100"
    # (here the last of 3 steps) one is.
    assert 0 < rows["memory"]["rss_mb_start"] < rows["memory"]["rss_mb_100"]
    assert "python" in proc.stdout and "moons" in proc.stdout


def test_ratio_is_micrograds_median_over_the_impls():
    results = [
        run.row("micrograd", "moons", median_s=2.0),
        run.row("python", "moons", median_s=0.5),
        run.row("python", "chain", median_s=0.5),
        run.row("rust", "moons", error="unavailable: `cargo` not found on PATH"),
    ]
    run.add_ratios(results)
    assert results[0]["ratio_vs_micrograd"] == 1.0
    assert results[1]["ratio_vs_micrograd"] == 4.0
    assert results[2]["ratio_vs_micrograd"] is None  # no micrograd chain row to compare with
    assert results[3]["ratio_vs_micrograd"] is None


def test_missing_port_toolchain_or_module_is_an_error_row_not_a_dropped_one(monkeypatch):
    builds: dict[str, str | None] = {}
    ghost = run.harness.Impl("ghost", ["ghost"], tool="ghost-tool-xyz", present=["README.md"])
    monkeypatch.setitem(run.PORTS, "ghost", ghost)
    assert "`ghost-tool-xyz` not found" in run.unavailable_reason(
        run.Impl("ghost", ["ghost"], "ghost"), builds
    )
    ghost.tool, ghost.present = None, ["no/such/file.txt"]
    assert "not in this tree (no no/such/file.txt)" in run.unavailable_reason(
        run.Impl("ghost", ["ghost"], "ghost"), builds
    )
    no_module = run.Impl("ghost", ["ghost"], None, "no_such_module_xyz")
    assert "`no_such_module_xyz` is not installed" in run.unavailable_reason(no_module, builds)


def test_a_failing_build_is_the_rows_error_and_runs_once(monkeypatch):
    builds: dict[str, str | None] = {}
    fail = [
        sys.executable,
        "-c",
        "import sys; print('compile error', file=sys.stderr); sys.exit(1)",
    ]
    ghost = run.harness.Impl("ghost", ["ghost"], present=["README.md"], build=fail)
    monkeypatch.setitem(run.PORTS, "ghost", ghost)
    first = run.unavailable_reason(run.Impl("a", ["a"], "ghost"), builds)
    assert first is not None and first.startswith("build failed") and "compile error" in first
    ghost.build = ["false-command-that-would-fail-differently"]
    assert run.unavailable_reason(run.Impl("b", ["b"], "ghost"), builds) == first


def test_a_failing_runner_becomes_the_rows_error(tmp_path):
    failing = run.Impl(
        "boom", [sys.executable, "-c", "import sys; sys.exit('RecursionError: deep')"], None
    )
    r = run.measure(failing, "chain", [])
    assert r["error"] == "exit 1: RecursionError: deep"
    assert r["median_s"] is None


def test_ns_per_node_is_the_median_per_node():
    """A runner reporting 3, 2 and 4 ms for 1000 nodes: the median, 3 ms, is 3000 ns a node."""
    fixed = 'print(\'{"times": [0.003, 0.002, 0.004], "nodes": 1000}\')'
    r = run.measure(run.Impl("fixed", [sys.executable, "-c", fixed], None), "chain", [])
    assert r["error"] is None, r
    assert (r["median_s"], r["min_s"], r["max_s"], r["nodes"]) == (0.003, 0.002, 0.004, 1000)
    assert r["ns_per_node"] == pytest.approx(3000.0, rel=1e-12)


def test_a_skipped_row_is_listed_with_its_reason_and_not_measured(tmp_path, monkeypatch):
    measured = []
    monkeypatch.setattr(run, "measure", lambda impl, w, extra: measured.append((impl.name, w)))
    monkeypatch.setattr(run, "unavailable_reason", lambda impl, builds: None)
    report = tmp_path / "bench.json"
    args = ["--impl", "micrograd", "--workload", "wide", "--report", str(report)]
    assert run.main([*args, "--skip", "micrograd:wide"]) == 0
    assert measured == []
    (r,) = json.loads(report.read_text())["results"]
    assert (r["impl"], r["workload"]) == ("micrograd", "wide")
    assert r["error"] == "not measured (--skip micrograd:wide)" and r["median_s"] is None


def test_skip_names_a_known_impl_and_workload(capsys):
    with pytest.raises(SystemExit):
        run.main(["--skip", "micrograd-wide"])
    assert "--skip wants IMPL:WORKLOAD" in capsys.readouterr().err


def printing(out: dict) -> run.Impl:
    """An impl whose runner prints `out` as its JSON line."""
    return run.Impl("fixed", [sys.executable, "-c", f"print({json.dumps(json.dumps(out))})"], None)


def test_the_memory_row_carries_every_rss_field():
    out = {"rss_mb_start": 10.5, "rss_mb_100": 30.25, "rss_mb_1000": 31}
    r = run.measure(printing(out), "memory", [])
    assert r["error"] is None, r
    assert (r["rss_mb_start"], r["rss_mb_100"], r["rss_mb_1000"]) == (10.5, 30.25, 31)


@pytest.mark.parametrize("start", ["absent", None, "12.5", True])
def test_a_memory_runner_without_a_number_for_rss_mb_start_is_the_rows_error(start):
    """Every runner in the tree reports rss_mb_start: one that does not is broken, not old."""
    out = {"rss_mb_100": 30.0, "rss_mb_1000": 31.0}
    if start != "absent":
        out["rss_mb_start"] = start
    r = run.measure(printing(out), "memory", [])
    assert r["error"] == f"runner gave no number for rss_mb_start: {json.dumps(out)}"
    assert (r["rss_mb_start"], r["rss_mb_100"], r["rss_mb_1000"]) == (None, None, None)


def test_the_python_runner_samples_the_start_after_the_model_and_before_step_0(monkeypatch):
    """With a fake VmRSS that reads how many steps' graphs were built (-1: no model yet)."""
    built: list[int] = []
    real_make_model = python_runner.make_model

    def make_model(impl):
        model, loss_fn = real_make_model(impl)
        built.clear()  # the model exists: 0 graphs so far

        def counting_loss(*args):
            built.append(1)
            return loss_fn(*args)

        return model, counting_loss

    built.append(-1)
    monkeypatch.setattr(python_runner, "make_model", make_model)
    monkeypatch.setattr(python_runner, "rss_mb", lambda: float(sum(built)))
    out = python_runner.main(["--impl", "python", "memory", "--steps", "3"])
    assert out == {"rss_mb_start": 0.0, "rss_mb_100": 3.0, "rss_mb_1000": 3.0}
