"""The recorded bench run: its file's contract, README's table generated from it,
both baselines (micrograd and micrograd-nogc), repeated runs and their spread."""

from __future__ import annotations

import gc
import json
import re
import shlex
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "bench/runners"))

import python_runner  # noqa: E402
import run  # noqa: E402
import table  # noqa: E402

ROW_KEYS = {
    "impl", "workload", "median_s", "min_s", "max_s", "nodes", "ns_per_node",
    "ratio_vs_micrograd", "ratio_vs_micrograd_nogc", "rss_mb_start", "rss_mb_100", "rss_mb_1000",
    "error",
}  # fmt: skip
OLD_ROW_KEYS = ROW_KEYS - {"rss_mb_start"}  # a run recorded before rss_mb_start existed


def recorded() -> dict:
    return json.loads(run.RECORD.read_text(encoding="utf-8"))


# ---- the committed recording and README.md ----


def test_readme_bench_table_is_the_one_generated_from_the_recorded_file():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert table.readme_block(readme) == table.render(recorded()), (
        "README.md's bench table differs from bench/results/latest.json: "
        "run `python bench/table.py --write-readme` (never edit the table by hand)"
    )


RECORDS = sorted((ROOT / "bench/results").glob("*.json"))


def test_latest_is_among_the_records_and_was_written_by_record():
    assert run.RECORD in RECORDS
    assert "--record" in recorded()["recorded"]["command"]


# latest.json (README.md's table) and any run kept from another machine beside it.
@pytest.mark.parametrize("path", RECORDS, ids=[p.name for p in RECORDS])
def test_recorded_file_meets_the_contract(path):
    report = json.loads(path.read_text(encoding="utf-8"))
    assert set(report["machine"]) >= {"platform", "cpu", "cores", "python"}
    rec = report["recorded"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\dZ", rec["date"]), rec["date"]
    assert rec["command"].split()[:2] in (["nox", "-s"], ["python", "bench/run.py"])
    assert len(rec["loadavg"]) == 3 and all(x >= 0 for x in rec["loadavg"])
    assert isinstance(rec["runs"], int) and rec["runs"] >= 1
    keys = set(report["results"][0])
    assert keys in (ROW_KEYS, OLD_ROW_KEYS), keys
    for r in report["results"]:
        assert set(r) == keys, r  # one harness wrote every row
        assert r["impl"] in run.IMPLS and r["workload"] in run.WORKLOADS
        if r["workload"] == "memory" and not r["error"]:
            assert all(r[k] > 0 for k in keys & set(run.MEMORY_FIELDS)), r
    impls = {r["impl"] for r in report["results"] if r["median_s"] is not None}
    assert {"micrograd", "micrograd-nogc", "python"} <= impls, impls
    # Every ratio is the baseline's median over the row's, recomputed here.
    for field, baseline in run.BASELINES.items():
        base = {r["workload"]: r["median_s"] for r in report["results"] if r["impl"] == baseline}
        for r in report["results"]:
            if r["median_s"] and base.get(r["workload"]):
                assert r[field] == pytest.approx(base[r["workload"]] / r["median_s"], rel=1e-12)
            else:
                assert r[field] is None, r
    for impl, workloads in rec["spread"].items():
        for workload, fields in workloads.items():
            median = next(
                r["median_s"]
                for r in report["results"]
                if (r["impl"], r["workload"]) == (impl, workload)
            )
            low, high = fields["median_s"]
            assert low <= median <= high
    assert table.render(report)  # `python bench/table.py --record PATH` prints it


# ---- the table script ----


def fake_report(runs: int = 2) -> dict:
    results = [
        run.row("micrograd", "moons", median_s=1.5, min_s=1.4, max_s=1.6, nodes=70000,
                ns_per_node=1.5 / 70000 * 1e9),
        run.row("micrograd-nogc", "moons", median_s=0.2, min_s=0.19, max_s=0.3, nodes=70000,
                ns_per_node=0.2 / 70000 * 1e9),
        run.row("python", "moons", median_s=0.1, min_s=0.09, max_s=0.2, nodes=68814,
                ns_per_node=0.1 / 68814 * 1e9),
        run.row("python", "chain", median_s=3.25, min_s=3.0, max_s=3.5, nodes=1000002,
                ns_per_node=3250.0),
        run.row("micrograd", "chain", error="exit 1: RecursionError: maximum recursion depth"),
        run.row("js", "moons", error="unavailable: `node` not found on PATH"),
        run.row("micrograd", "memory", error="not measured (--skip micrograd:memory)"),
        run.row("julia", "memory", rss_mb_start=233.79, rss_mb_100=274.83, rss_mb_1000=275.42),
    ]  # fmt: skip
    run.add_ratios(results)
    spread = {"python": {"moons": {"median_s": [0.09, 0.11], "ratio_vs_micrograd": [14.0, 16.0],
                                   "ratio_vs_micrograd_nogc": [1.8, 2.2]}}}  # fmt: skip
    return {
        "machine": {"platform": "Linux-x", "cpu": "Some CPU", "cores": 2, "python": "3.11.7"},
        "recorded": {"date": "2026-11-30T12:00Z", "command": "nox -s bench -- --record",
                     "loadavg": [0.5, 0.25, 0.125], "runs": runs, "spread": spread},
        "results": results,
    }  # fmt: skip


def test_table_shows_both_baselines_the_spread_and_every_rows_error():
    text = table.render(fake_report())
    assert "2026-11-30T12:00Z" in text and "`nox -s bench -- --record`" in text
    assert "0.50 / 0.25 / 0.12 (1 / 5 / 15 min) at the start;" in text
    assert "Some CPU" in text and "2 runs" in text
    assert [table.seconds(x) for x in (11.0029, 0.43223, 0.0080612, 0.0005)] == [
        "11.0 s",
        "432 ms",
        "8.06 ms",
        "0.500 ms",
    ]
    assert [table.ratio(x) for x in (1041.35, 10.06, 7.243, 0.95)] == [
        "1,041x", "10.1x", "7.24x", "0.95x",
    ]  # fmt: skip
    python = next(line for line in text.splitlines() if line.startswith("| python"))
    assert python.split(" | ")[1:5] == ["100 ms (90.0 ms-110 ms)", "1,453", "15.0x (14.0x-16.0x)",
                                        "2.00x (1.80x-2.20x)"]  # fmt: skip
    assert "3.25 s" in python and python.endswith("| not measured | not measured | - |")
    micrograd = next(line for line in text.splitlines() if line.startswith("| micrograd 0.1.0 |"))
    assert "| 1.00x | 0.13x |" in micrograd and "| RecursionError: maximum recursion depth |" in (
        micrograd
    )
    assert micrograd.endswith("| not measured (--skip micrograd:memory) | - |")
    julia = next(line for line in text.splitlines() if line.startswith("| julia"))
    assert julia.endswith("| not measured | not measured | 233.8 MB | 274.8 → 275.4 MB |")
    header = next(line for line in text.splitlines() if line.startswith("| impl"))
    assert header.endswith("| RSS at start | RSS after 100 → 1,000 steps |")
    assert "RSS at start = the process's resident memory once the runtime" in text
    assert all(line.count("|") == header.count("|") for line in text.splitlines() if "|" in line)
    js = next(line for line in text.splitlines() if line.startswith("| js"))
    assert "unavailable: `node` not found on PATH" in js
    assert table.error_text("run 2 of 3: exit 1: RecursionError") == "run 2 of 3: RecursionError"
    long = "RecursionError: maximum recursion depth exceeded while calling a Python object"
    assert table.error_text(long) == "RecursionError: maximum recursion depth exceeded while …"
    assert table.error_text("run 1 of 2: build failed:  [21] #develop at API.jl:67") == (
        "run 1 of 2: build failed (log in the report)"
    )
    one_run = table.render(fake_report(runs=1))
    assert "(14.0x-16.0x)" not in one_run and "one run: no spread measured" in one_run


def test_a_run_recorded_before_rss_mb_start_renders_as_it_did():
    """Older recorded files have no rss_mb_start: no "RSS at start" column, nothing else moves."""
    old = fake_report()
    for r in old["results"]:
        del r["rss_mb_start"]
    text = table.render(old)
    assert "RSS at start" not in text
    header = next(line for line in text.splitlines() if line.startswith("| impl"))
    assert header.endswith("| wide, 1M products | RSS after 100 → 1,000 steps |")
    assert next(line for line in text.splitlines() if line.startswith("|---")) == "|---" * 8 + "|"
    julia = next(line for line in text.splitlines() if line.startswith("| julia"))
    assert julia.endswith("| not measured | not measured | 274.8 → 275.4 MB |")
    micrograd = next(line for line in text.splitlines() if line.startswith("| micrograd 0.1.0 |"))
    assert micrograd.endswith("| not measured (--skip micrograd:memory) |")
    assert all(line.count("|") == 9 for line in text.splitlines() if "|" in line)


def test_the_machine_line_names_the_cpu_generation_and_caches_where_recorded():
    report = fake_report()
    report["machine"] |= {"cpu_id": "cpu family 23 model 1 stepping 2",
                          "caches": "L1d 32K, L1i 64K, L2 512K, L3 8192K"}  # fmt: skip
    assert (
        " on Some CPU (cpu family 23 model 1 stepping 2; L1d 32K, L1i 64K, L2 512K, L3 8192K; "
        "2 cores, Linux-x, Python 3.11.7), load average"
    ) in table.render(report)
    # A run recorded before cpu_id and caches existed (or where Linux has none).
    assert " on Some CPU (2 cores, Linux-x, Python 3.11.7), load" in table.render(fake_report())


def test_the_record_names_the_commit_measured():
    assert re.fullmatch(r"[0-9a-f]{12}(\+changes)?", run.commit()), run.commit()
    report = fake_report()
    report["recorded"]["commit"] = "0123456789ab+changes"
    assert "`nox -s bench -- --record` at commit 0123456789ab+changes on Some CPU" in (
        table.render(report)
    )
    assert "`nox -s bench -- --record` on Some CPU" in table.render(fake_report())  # older runs


def test_caches_reads_linux_cache_directories_and_skips_a_broken_one(tmp_path):
    for name, (level, kind, size) in {
        "index0": ("1", "Data", "32K"), "index1": ("1", "Instruction", "64K"),
        "index2": ("2", "Unified", "512K"), "index3": ("3", "Unified", "8192K"),
    }.items():  # fmt: skip
        (tmp_path / name).mkdir()
        for field, text in (("level", level), ("type", kind), ("size", size)):
            (tmp_path / name / field).write_text(text + "\n")
    (tmp_path / "index4").mkdir()  # no files: skipped, not a crash
    assert run.caches(tmp_path) == "L1d 32K, L1i 64K, L2 512K, L3 8192K"
    assert run.caches(tmp_path / "missing") == ""


def test_check_fails_when_readme_and_record_differ_and_write_readme_fixes_it(tmp_path, capsys):
    record, readme = tmp_path / "latest.json", tmp_path / "README.md"
    record.write_text(json.dumps(fake_report()))
    readme.write_text(f"# x\n\nbefore\n\n{table.BEGIN}\n| typed by hand |\n{table.END}\n\nafter\n")
    args = ["--record", str(record), "--readme", str(readme)]
    assert table.main([*args, "--check"]) == 1
    assert "differs" in capsys.readouterr().err
    assert table.main([*args, "--write-readme"]) == 0
    assert table.main([*args, "--check"]) == 0
    text = readme.read_text()
    assert text.startswith("# x\n\nbefore\n\n") and text.endswith(f"{table.END}\n\nafter\n")
    assert "typed by hand" not in text and table.render(fake_report()) in text
    changed = fake_report()
    changed["results"][2]["median_s"] = 0.125
    record.write_text(json.dumps(changed))
    assert table.main([*args, "--check"]) == 1


def test_a_readme_without_both_markers_is_a_clear_error():
    with pytest.raises(ValueError, match="marker"):
        table.readme_block("# no table here\n")
    with pytest.raises(ValueError, match="marker"):
        table.with_table(f"{table.BEGIN}\n{table.BEGIN}\n{table.END}\n", fake_report())


# ---- the harness: both baselines, repeated runs ----


def test_ratios_against_both_baselines():
    results = [
        run.row("micrograd", "moons", median_s=2.0),
        run.row("micrograd-nogc", "moons", median_s=0.25),
        run.row("python", "moons", median_s=0.125),
        run.row("python", "wide", median_s=0.5),
    ]
    run.add_ratios(results)
    assert [r["ratio_vs_micrograd"] for r in results] == [1.0, 8.0, 16.0, None]
    assert [r["ratio_vs_micrograd_nogc"] for r in results] == [0.125, 1.0, 2.0, None]


def timing(impl: str, median: float, lo: float, hi: float, nodes: int = 100) -> dict:
    return run.row(
        impl, "moons", median_s=median, min_s=lo, max_s=hi, nodes=nodes,
        ns_per_node=median / nodes * 1e9,
    )  # fmt: skip


def test_runs_combine_to_the_median_of_medians_with_the_spread():
    runs = [
        [timing("micrograd", 2.0, 1.9, 2.1), timing("micrograd-nogc", 0.4, 0.3, 0.5),
         timing("python", 0.2, 0.1, 0.3)],
        [timing("micrograd", 3.0, 2.5, 3.5), timing("micrograd-nogc", 0.5, 0.4, 0.6),
         timing("python", 0.25, 0.2, 0.4)],
        [timing("micrograd", 2.5, 2.0, 2.6), timing("micrograd-nogc", 0.2, 0.2, 0.2),
         timing("python", 0.1, 0.05, 0.15)],
    ]  # fmt: skip
    rows, spread = run.combine(runs)
    python = rows[2]
    assert (python["median_s"], python["min_s"], python["max_s"]) == (0.2, 0.05, 0.4)
    assert python["ns_per_node"] == 0.2 / 100 * 1e9
    assert python["ratio_vs_micrograd"] == 2.5 / 0.2
    assert python["ratio_vs_micrograd_nogc"] == 0.4 / 0.2
    assert spread["python"]["moons"]["median_s"] == [0.1, 0.25]
    assert spread["python"]["moons"]["ratio_vs_micrograd"] == [10.0, 25.0]  # each run its own
    assert spread["python"]["moons"]["ratio_vs_micrograd_nogc"] == [2.0, 2.0]
    assert spread["micrograd"]["moons"]["ratio_vs_micrograd"] == [1.0, 1.0]


def test_an_error_in_any_run_is_the_rows_error():
    ok = [timing("micrograd", 2.0, 1.9, 2.1), timing("python", 0.2, 0.1, 0.3)]
    failed = [timing("micrograd", 2.0, 1.9, 2.1), run.row("python", "moons", error="exit 1: boom")]
    rows, spread = run.combine([ok, failed])
    assert rows[1]["error"] == "run 2 of 2: exit 1: boom" and rows[1]["median_s"] is None
    assert rows[1]["ratio_vs_micrograd"] is None and "python" not in spread
    rows, _ = run.combine([failed])
    assert rows[1]["error"] == "exit 1: boom"  # one run: the runner's own words
    rows, _ = run.combine([failed, failed, failed])
    assert rows[1]["error"] == "exit 1: boom"  # every run alike: said once, no "run 1 of 3"
    other = [timing("micrograd", 2.0, 1.9, 2.1), run.row("python", "moons", error="exit 1: bang")]
    rows, _ = run.combine([failed, other])
    assert rows[1]["error"] == "run 1 of 2: exit 1: boom"  # runs that differ: the first, named


def test_runs_combine_memory_rows_to_the_median_of_every_rss_field():
    runs = [
        [run.row("js", "memory", rss_mb_start=s, rss_mb_100=h, rss_mb_1000=t)]
        for s, h, t in [(40.0, 90.0, 92.0), (44.0, 96.0, 97.0), (42.0, 91.0, 99.0)]
    ]
    [r], spread = run.combine(runs)
    assert (r["rss_mb_start"], r["rss_mb_100"], r["rss_mb_1000"]) == (42.0, 91.0, 97.0)
    assert r["error"] is None and spread == {}


def test_record_writes_the_file_and_the_readme_table(tmp_path, monkeypatch):
    record, readme = tmp_path / "results/latest.json", tmp_path / "README.md"
    readme.write_text(f"intro\n{table.BEGIN}\nold\n{table.END}\n")
    monkeypatch.delenv("NOX_CURRENT_SESSION", raising=False)
    monkeypatch.setattr(run, "RECORD", record)
    monkeypatch.setattr(table, "README", readme)
    monkeypatch.setattr(run, "unavailable_reason", lambda impl, builds: None)
    medians = {"micrograd": 1.0, "micrograd-nogc": 0.25, "python": 0.125}
    calls = []

    def measure(impl, workload, extra):
        calls.append(impl.name)
        return timing(impl.name, medians[impl.name] * (1 + len(calls) / 100), 0.01, 9.0)

    monkeypatch.setattr(run, "measure", measure)
    argv = ["--record", "--runs", "2", "--workload", "moons", "--report", str(tmp_path / "r.json")]
    argv += ["--impl", "micrograd", "--impl", "micrograd-nogc", "--impl", "python"]
    assert run.main(argv) == 0
    assert calls == ["micrograd", "micrograd-nogc", "python"] * 2  # interleaved runs
    report = json.loads(record.read_text())
    assert report == json.loads((tmp_path / "r.json").read_text())
    assert report["recorded"]["runs"] == 2
    assert report["recorded"]["command"] == "python bench/run.py " + shlex.join(argv)
    assert table.readme_block(readme.read_text()) == table.render(report)
    python = report["results"][2]
    assert python["ratio_vs_micrograd_nogc"] == pytest.approx(
        (0.25 * 1.02 + 0.25 * 1.05) / 2 / ((0.125 * 1.03 + 0.125 * 1.06) / 2)
    )


def test_record_refuses_a_quick_run(capsys):
    with pytest.raises(SystemExit):
        run.main(["--record", "--quick"])
    assert "--quick" in capsys.readouterr().err


# ---- micrograd-nogc: the collector is off exactly while the clock runs ----


def test_timed_turns_the_gc_off_only_for_micrograd_nogc_and_only_on_the_clock(monkeypatch):
    collected = []
    real_collect = gc.collect
    monkeypatch.setattr(
        gc, "collect", lambda *a: collected.append(gc.isenabled()) or real_collect()
    )
    assert gc.isenabled()
    seconds, enabled_inside = python_runner.timed(gc.isenabled, python_runner.gc_off("python"))
    assert enabled_inside is True and collected == [] and seconds >= 0
    seconds, enabled_inside = python_runner.timed(
        gc.isenabled, python_runner.gc_off("micrograd-nogc")
    )
    assert enabled_inside is False and gc.isenabled()
    assert collected == [True]  # a full collection first, off the clock, with the GC still on

    def boom():
        raise RecursionError("deep")

    with pytest.raises(RecursionError):
        python_runner.timed(boom, True)
    assert gc.isenabled()  # re-enabled even when the step fails
