"""The site's builders that need no browser: the bench page's reader of the recorded run, the
JS bundle, the lines of `backward` that backprop.html lights, the source line numbers."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "site"))

import build  # noqa: E402
import bundle  # noqa: E402
import regions  # noqa: E402

FIXTURE = HERE / "data" / "bench-latest.json"  # bench/results/latest.json's contract (OWNERS.md)


def test_bench_page_shows_the_recorded_run_with_its_date_machine_and_chart() -> None:
    html = build.bench_page(FIXTURE)
    assert "<b id=bench-date>2026-11-28T09:15Z</b>" in html
    assert "Test CPU @ 2.0GHz" in html and "cores: 2" in html
    assert "load average at the start 0.42, 0.5, 0.61" in html and "3 run(s)" in html
    chart = re.search(
        r'<figure class="bench-chart" data-workload="moons">(.*?)</figure>', html, re.S
    )
    assert chart, "no ns/node chart for moons"
    bars = re.findall(r'<rect class="bar" data-impl="([^"]+)"', chart[1])
    assert bars == ["micrograd", "micrograd-nogc", "python", "rust"]  # julia's row is an error
    assert "log scale" in chart[1] or "log scale" in html


def test_bench_page_shows_both_ratios_and_errors_and_how_to_refresh() -> None:
    html = build.bench_page(FIXTURE)
    row = re.search(r"<tr><td>python</td>(.*?)</tr>", html)[1]
    assert (
        '"ratio">&times;4.82</span>' in row and '"ratio nogc">(&times;3.86 vs nogc)</span>' in row
    )
    assert "micrograd-nogc" in html and "garbage collector off" in html
    assert 'title="`julia` not found on PATH">error</td>' in html
    assert "<code>nox -s bench -- --record</code>" in html  # the command the run recorded


def test_bench_page_without_nogc_ratios_does_not_mention_them(tmp_path: Path) -> None:
    text = FIXTURE.read_text().replace('"ratio_vs_micrograd_nogc"', '"x_unused"')
    (tmp_path / "r.json").write_text(text)
    html = build.bench_page(tmp_path / "r.json")
    assert "garbage collector off" not in html and "&times;4.82</span>" in html


def test_bench_page_memory_cell_shows_the_start_when_the_run_has_it(tmp_path: Path) -> None:
    row = lambda html: re.search(r"<tr><td>python</td>(.*?)</tr>", html)[1]  # noqa: E731
    assert "at start" not in row(build.bench_page(FIXTURE))  # an older run: no such figure
    text = FIXTURE.read_text().replace(
        '"rss_mb_100": 45.9', '"rss_mb_start": 13.7, "rss_mb_100": 45.9'
    )
    (tmp_path / "r.json").write_text(text)
    assert "45.9 / 44.9 MiB<br><small>13.7 MiB at start</small>" in row(
        build.bench_page(tmp_path / "r.json")
    )


def test_bench_page_without_a_recorded_run_says_how_to_make_one(tmp_path: Path) -> None:
    html = build.bench_page(tmp_path / "latest.json")
    assert "No recorded bench run in this tree" in html
    assert build.RECORD_COMMAND in html and "bench-chart" not in html


def test_log_bars_put_each_decade_on_one_grid_step() -> None:
    svg = build.charts.log_bars({"a": 10.0, "b": 1000.0}, "ns/node", width=720)
    widths = [float(w) for w in re.findall(r'class="bar"[^>]* width="([\d.]+)"', svg)]
    assert widths[0] == pytest.approx(1.0) and widths[1] == pytest.approx(720 - 150 - 110)
    assert ">10</text>" in svg and ">100</text>" in svg and ">1,000</text>" in svg


def test_every_port_backward_has_the_lines_backprop_html_lights() -> None:
    for name, pr in regions.read_all().items():
        lines = [text for _, text in pr.regions["backward"].numbered]
        roles = [build.line_role(line) for line in lines]
        for role in build.BACKWARD_ROLES:
            assert role in roles, f"{name}'s backward has no {role} line"
        assert roles.count("seed") == 1 and roles.count("loop") == 1, (name, roles)


def test_backprop_html_has_the_code_of_every_op_its_walk_can_meet() -> None:
    core = (HERE.parent / "site" / "static" / "backprop-core.js").read_text(encoding="utf-8")
    funcs = re.search(r"const FUNCS = \[([^\]]*)\]", core)[1]
    walkable = {"add", "sub", "mul", "div", "neg", "pow", *re.findall(r'"(\w+)"', funcs)}
    assert set(build.WALK_OPS) == walkable
    html = build.op_views(regions.read_all(), build.Highlighter())
    shown = re.findall(r'<div class="op-view" data-op="(\w+)" hidden>', html)
    assert shown == list(build.WALK_OPS)
    assert "no region for this concept" not in html, "a port lacks an op's region"


def test_line_role_tells_the_update_from_the_leaf_restore() -> None:
    assert build.line_role("            parent.grad += local * v.grad") == "update"
    assert build.line_role("        self.grad[j] += before;") is None
    assert build.line_role("    for v in topo:") is None


def test_code_lines_carry_the_source_file_line_numbers() -> None:
    hl = build.Highlighter()
    for pr in regions.read_all().values():
        region = pr.regions["tanh"]
        html = build.code_block(region, pr.port.lexer, hl)
        numbers = [int(n) for n in re.findall(r'<span class="line" data-n="(\d+)"', html)]
        source = region.path.read_text(encoding="utf-8").splitlines()
        assert numbers == [n for n, _ in region.numbered] and numbers[0] > region.start
        for n, text in region.numbered:
            assert source[n - 1].strip() == text.strip()


def test_bundle_has_every_public_name_and_no_module_syntax_left() -> None:
    js = next(p for p in regions.PORTS if p.name == "js")
    text = bundle.bundle(js.folder)
    index = (js.folder / "index.js").read_text()
    public = [*re.findall(r"export \{ (\w+) \} from", index), "SGD", "Adam", "MLP"]
    for name in public:
        assert f"{name}: modules[" in text, name
    assert not re.search(r"^\s*(import|export)\b", text, re.M)


def test_bundle_refuses_an_import_form_it_does_not_know(tmp_path: Path) -> None:
    (tmp_path / "index.js").write_text('export { a } from "./m.js";\nexport const version = "1";\n')
    (tmp_path / "m.js").write_text('import * as x from "./n.js";\nexport function a() {}\n')
    with pytest.raises(SystemExit, match=r"m\.js:1: an import/export form"):
        bundle.bundle(tmp_path)
