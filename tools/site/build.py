"""Build the side-by-side teaching site into site/ (and serve it with --serve).

    nox -s site                 build
    nox -s site -- --serve      build, then serve on http://127.0.0.1:8000

Every concept page shows each existing port's code for that concept (read from
the region comments by tools/regions.py, highlighted by Pygments), a short
explanation, the math of the local derivative and the conformance cases that
exercise it with each port's status. Other pages: the conformance matrix, the
bench table, graphs drawn from `to_dot` by Graphviz compiled to WebAssembly
(node + @viz-js/viz, no system Graphviz), same-seed training in every port,
and a live page where the JavaScript port trains in the browser.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import http.server
import json
import math
import shutil
import subprocess
import sys
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tools/: regions, same_seed

import charts  # noqa: E402
import regions  # noqa: E402
from concepts import CONCEPTS  # noqa: E402
from pygments import highlight  # noqa: E402
from pygments.formatters import HtmlFormatter  # noqa: E402
from pygments.lexers import get_lexer_by_name  # noqa: E402

ROOT = regions.ROOT
CASES = ROOT / "conformance" / "cases"
IMPL_ORDER = ["python", "rust", "rust-py", "js", "julia"]


def page_name(concept: str) -> str:
    return f"concept-{concept}.html"


NAV = [
    ("index.html", "Concepts"),
    ("conformance.html", "Conformance"),
    ("bench.html", "Bench"),
    ("graphs.html", "Graphs"),
    ("same-seed.html", "Same seed"),
    ("live.html", "Live demo"),
]


def layout(title: str, body: str, current: str, sidebar: str = "", scripts: str = "") -> str:
    nav = "".join(
        f'<a href="{href}"{" class=current" if href == current else ""}>{text}</a>'
        for href, text in NAV
    )
    aside = f'<aside class="sidebar">{sidebar}</aside>' if sidebar else ""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · rosettagrad</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="static/style.css">
<link rel="stylesheet" href="static/pygments.css">
</head>
<body>
<header class="top"><a class="brand" href="index.html">rosettagrad</a><nav>{nav}</nav></header>
<div class="wrap{" with-sidebar" if sidebar else ""}">{aside}<main>
{body}
</main></div>
<footer>Built {datetime.date.today().isoformat()} from the sources by tools/site/build.py.
micrograd's design by Andrej Karpathy.</footer>
{scripts}
</body>
</html>
"""


def concept_sidebar(current: str) -> str:
    out, group = [], None
    for name in regions.CONCEPTS:
        g = CONCEPTS[name].group
        if g != group:
            out.append(f"<h3>{escape(g)}</h3>")
            group = g
        cls = ' class="current"' if name == current else ""
        out.append(f'<a href="{page_name(name)}"{cls}>{escape(name)}</a>')
    return "\n".join(out)


# ---- conformance ----


def load_cases() -> list[dict]:
    """Every case's id, description, features and file (expectations not needed here)."""
    out = []
    for file in sorted(CASES.rglob("*.json")):
        try:
            doc = json.loads(file.read_text(encoding="utf-8"))
        except ValueError:
            continue  # the harness reports broken files; the site only lists cases
        for case in doc.get("cases", []):
            if isinstance(case, dict) and "id" in case:
                out.append(
                    {
                        "id": case["id"],
                        "description": case.get("description", ""),
                        "features": case.get("features", []),
                        "file": file.relative_to(CASES).with_suffix("").as_posix(),
                    }
                )
    return out


def load_conformance(path: Path | None, out_dir: Path, run: bool) -> tuple[dict | None, str]:
    """The report and where it came from: the given/default file, else a fresh harness run."""
    default = ROOT / "conformance-report.json"
    for candidate in (path, default):
        if candidate is not None and candidate.is_file():
            when = datetime.datetime.fromtimestamp(candidate.stat().st_mtime, datetime.timezone.utc)
            source = f"{regions.rel(candidate)}, written {when:%Y-%m-%d %H:%M} UTC"
            return json.loads(candidate.read_text(encoding="utf-8")), source
    if not run:
        return None, "no report: run <code>nox -s conformance</code>"
    harness = ROOT / "conformance" / "harness.py"
    if not harness.is_file():
        return None, "the conformance harness is not in this tree yet"
    report = out_dir / "data" / "conformance-report.json"
    print("site: no conformance-report.json, running the harness", flush=True)
    proc = subprocess.run(
        [sys.executable, str(harness), "--report", str(report)], cwd=ROOT, check=False
    )
    if not report.is_file():
        return None, f"the harness exited with code {proc.returncode} and wrote no report"
    when = datetime.datetime.now(datetime.timezone.utc)
    return json.loads(report.read_text()), f"a fresh harness run at {when:%Y-%m-%d %H:%M} UTC"


def report_impls(report: dict | None) -> list[str]:
    if not report:
        return []
    names = list(report.get("implementations", {}))
    return sorted(names, key=lambda n: [*IMPL_ORDER, n].index(n))


def statuses(report: dict | None) -> dict[tuple[str, str], dict]:
    if not report:
        return {}
    return {(r["id"], r["impl"]): r for r in report.get("results", []) if r.get("id")}


def status_cell(result: dict | None, available: bool) -> str:
    if not available:
        return '<td class="st st-unavailable">unavailable</td>'
    if result is None:
        return '<td class="st st-none">&ndash;</td>'
    st = result["status"]
    title = escape(result.get("message") or "", quote=True)
    return f'<td class="st st-{st}" title="{title}">{st}</td>'


def cases_table(cases: list[dict], report: dict | None) -> str:
    impls = report_impls(report)
    avail = {
        n: i.get("available", False) for n, i in (report or {}).get("implementations", {}).items()
    }
    by_key = statuses(report)
    head = "".join(f"<th>{escape(i)}</th>" for i in impls)
    rows = []
    for c in cases:
        cells = "".join(status_cell(by_key.get((c["id"], i)), avail.get(i, False)) for i in impls)
        rows.append(
            f"<tr><td><code>{escape(c['id'])}</code></td>"
            f"<td>{escape(c['description'])}</td>{cells}</tr>"
        )
    return (
        f'<table class="cases"><thead><tr><th>case</th><th>what it checks</th>{head}</tr>'
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
    )


def conformance_page(cases: list[dict], report: dict | None, source: str) -> str:
    if report is None:
        return f"<h1>Conformance</h1><p>No conformance report: {source}.</p>"
    impls = report_impls(report)
    info = report["implementations"]
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for r in report["results"]:
        key = (r.get("group") or r.get("file") or "?", r["impl"])
        counts.setdefault(key, {}).setdefault(r["status"], 0)
        counts[key][r["status"]] += 1
    groups = list(dict.fromkeys(g for g, _ in counts))

    def cell(group: str | None, impl: str) -> str:
        if impl in info and not info[impl].get("available"):
            return '<td class="st st-unavailable">unavailable</td>'
        total: dict[str, int] = {}
        for (g, i), c in counts.items():
            if i == impl and (group is None or g == group):
                for s, n in c.items():
                    total[s] = total.get(s, 0) + n
        n = sum(total.values())
        if n == 0:
            return '<td class="st st-none">&ndash;</td>'
        ok = total.get("pass", 0) + total.get("xfail", 0)
        rest = ", ".join(f"{v} {s}" for s, v in total.items() if s not in ("pass",))
        cls = (
            "pass"
            if ok == n and not total.get("skip")
            else ("skip" if ok + total.get("skip", 0) == n else "fail")
        )
        return f'<td class="st st-{cls}">{ok}/{n}{f" ({rest})" if rest else ""}</td>'

    columns = impls + (["harness"] if any(i == "harness" for _, i in counts) else [])
    head = "".join(f"<th>{escape(i)}</th>" for i in columns)
    rows = "".join(
        f"<tr><td>{escape(g)}</td>{''.join(cell(g, i) for i in columns)}</tr>" for g in groups
    )
    total = f"<tr class=total><td>total</td>{''.join(cell(None, i) for i in columns)}</tr>"
    notes = "".join(
        f"<li><b>{escape(n)}</b>: "
        + (
            f"version {escape(str(i.get('version')))}"
            if i.get("available") and not i.get("reason")
            else escape(
                ("unavailable: " if not i.get("available") else "problem: ") + str(i.get("reason"))
            )
        )
        + "</li>"
        for n, i in info.items()
    )
    bad = [r for r in report["results"] if r["status"] in ("fail", "error", "crash", "xpass")]
    bad_html = ""
    if bad:
        items = "".join(
            f"<li><code>{escape(str(r.get('id')))}</code> · {escape(r['impl'])} · "
            f"{escape(r['status'])}: {escape(str(r.get('message') or ''))}</li>"
            for r in bad[:50]
        )
        bad_html = f"<h2>Problems ({len(bad)})</h2><ul>{items}</ul>"
    return f"""<h1>Conformance matrix</h1>
<p>Suite {escape(str(report.get("suite_version")))} (protocol {report.get("protocol")}), from
{source}. One JSON suite of {len(cases)} cases; each port's adapter only evaluates, the Python
harness compares (<code>nox -s conformance</code>).</p>
<table class="matrix"><thead><tr><th>case group</th>{head}</tr></thead>
<tbody>{rows}{total}</tbody></table>
<ul class="impls">{notes}</ul>
{bad_html}"""


# ---- bench ----


def bench_page(path: Path | None) -> str:
    path = path or ROOT / "bench-report.json"
    if not path.is_file():
        return (
            "<h1>Benchmarks</h1><p>The benchmark has not been run in this tree yet: run "
            "<code>nox -s bench</code>, then rebuild the site.</p>"
        )
    report = json.loads(path.read_text(encoding="utf-8"))
    results = report.get("results", [])
    workloads = list(dict.fromkeys(r["workload"] for r in results))
    impls = list(dict.fromkeys(r["impl"] for r in results))
    by = {(r["impl"], r["workload"]): r for r in results}

    def cell(r: dict | None, workload: str) -> str:
        if r is None:
            return "<td>&ndash;</td>"
        if r.get("error"):
            return (
                f'<td class="st st-error" title="{escape(str(r["error"]), quote=True)}">error</td>'
            )
        if workload == "memory":
            return f"<td>{_num(r.get('rss_mb_100'))} / {_num(r.get('rss_mb_1000'))} MiB</td>"
        ratio = r.get("ratio_vs_micrograd")
        ratio_s = (
            f" <span class=ratio>&times;{ratio:.1f}</span>"
            if isinstance(ratio, (int, float))
            else ""
        )
        return f"<td>{_seconds(r.get('median_s'))}{ratio_s}</td>"

    head = "".join(f"<th>{escape(w)}</th>" for w in workloads)
    rows = "".join(
        f"<tr><td>{escape(i)}</td>{''.join(cell(by.get((i, w)), w) for w in workloads)}</tr>"
        for i in impls
    )
    errors = "".join(
        f"<li>{escape(r['impl'])} · {escape(r['workload'])}: {escape(str(r['error']))}</li>"
        for r in results
        if r.get("error")
    )
    machine = escape(json.dumps(report.get("machine", {})))
    return f"""<h1>Benchmarks</h1>
<p>From {escape(regions.rel(path))} (<code>nox -s bench</code>). Median time per moons training
step or per chain/wide run; <span class=ratio>&times;N</span> is micrograd's median divided by this
impl's (above 1 is faster than micrograd). Memory: resident MiB after 100 / 1,000 moons steps.</p>
<table class="bench"><thead><tr><th>impl</th>{head}</tr></thead><tbody>{rows}</tbody></table>
{f"<h2>Errors</h2><ul>{errors}</ul>" if errors else ""}
<p class="machine">machine: <code>{machine}</code></p>"""


def _num(x: object) -> str:
    return f"{x:.1f}" if isinstance(x, (int, float)) else "&ndash;"


def _seconds(x: object) -> str:
    if not isinstance(x, (int, float)):
        return "&ndash;"
    return f"{x * 1e3:.2f} ms" if x < 1 else f"{x:.2f} s"


# ---- graphs (to_dot + WASM Graphviz) ----


def example_graphs() -> dict[str, tuple[str, str]]:
    """name -> (caption, DOT) for the graphs page and the op pages, after backward()."""
    from rosettagrad import Value, to_dot

    graphs: dict[str, tuple[str, str]] = {}

    def add(name: str, caption: str, out: Value) -> None:
        out.backward()
        graphs[name] = (caption, to_dot(out))

    def leaf(x: float, label: str) -> Value:
        return Value(x, label=label)

    # The lecture's first expression: L = (a·b + c)·f.
    a, b, c, f = leaf(2.0, "a"), leaf(-3.0, "b"), leaf(10.0, "c"), leaf(-2.0, "f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    out = d * f
    out.label = "L"
    add("lecture-expression", "L = (a·b + c)·f, the lecture's first graph", out)

    # The lecture's neuron: o = tanh(x1·w1 + x2·w2 + b).
    x1, x2, w1, w2 = leaf(2.0, "x1"), leaf(0.0, "x2"), leaf(-3.0, "w1"), leaf(1.0, "w2")
    bias = leaf(6.8813735870195432, "b")
    n = x1 * w1 + x2 * w2 + bias
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    add("lecture-neuron", "o = tanh(x1·w1 + x2·w2 + b), the lecture's neuron", o)

    # Reuse: gradients accumulate where a node feeds two places.
    a = leaf(3.0, "a")
    b = a + a
    b.label = "b"
    c = b * b
    c.label = "c"
    add("reuse", "b = a + a; c = b·b: a's grad gathers from both uses", c)

    # One small graph per op, for the op's own page.
    def pair() -> tuple[Value, Value]:
        return leaf(2.0, "a"), leaf(-3.0, "b")

    a, b = pair()
    add("op-add", "a + b", a + b)
    a, b = pair()
    add("op-sub", "a - b", a - b)
    a, b = pair()
    add("op-mul", "a · b", a * b)
    a, b = pair()
    add("op-div", "a / b", a / b)
    add("op-neg", "-a", -leaf(2.0, "a"))
    add("op-pow", "x ** 3", leaf(1.5, "x") ** 3)
    add("op-relu", "relu(x)", leaf(0.7, "x").relu())
    add("op-tanh", "tanh(x)", leaf(0.5, "x").tanh())
    add("op-exp", "exp(x)", leaf(0.5, "x").exp())
    add("op-log", "log(x)", leaf(2.0, "x").log())
    add("op-sigmoid", "sigmoid(x)", leaf(0.5, "x").sigmoid())
    return graphs


def render_svgs(dots: dict[str, str]) -> tuple[dict[str, str], str | None]:
    """Every DOT graph as SVG via tools/site/render_dot.mjs; ({}, why) when it cannot run."""
    node = shutil.which("node")
    if node is None:
        return {}, "node is not on PATH, so the graphs (WASM Graphviz) were not drawn"
    if not (ROOT / "tools" / "node_modules" / "@viz-js" / "viz").is_dir():
        return {}, "tools/node_modules is missing: run `npm ci --prefix tools` (nox -s site does)"
    # WASM Graphviz has no font files: it sizes text from built-in metrics of the PostScript
    # fonts, and "monospace" is not one, so its boxes come out too narrow for the browser's
    # monospace font. Courier is the PostScript monospace font: same widths, boxes that fit.
    dots = {k: v.replace('fontname="monospace"', 'fontname="Courier"') for k, v in dots.items()}
    proc = subprocess.run(
        [node, str(HERE / "render_dot.mjs")],
        input=json.dumps(dots),
        capture_output=True,
        text=True,
        cwd=ROOT / "tools",
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"rendering the graphs failed: {proc.stderr.strip()}")
    svgs = json.loads(proc.stdout)
    # Graphviz's SVG starts with an XML prolog and a doctype: fine in a file, not inline.
    return {k: v[v.index("<svg") :] for k, v in svgs.items()}, None


def graphs_page(graphs: dict[str, tuple[str, str]], svgs: dict[str, str], why: str | None) -> str:
    if why:
        return f"<h1>Computation graphs</h1><p>Not drawn: {escape(why)}.</p>"
    parts = ["<h1>Computation graphs</h1>"]
    parts.append(
        "<p>Each picture is the Python reference's <code>to_dot(out)</code> after "
        "<code>out.backward()</code>, turned into SVG at build time by Graphviz compiled to "
        "WebAssembly (<code>@viz-js/viz</code>). Records show label | data | grad, as in the "
        'micrograd lecture. See <a href="concept-to_dot.html">to_dot</a> in every port.</p>'
    )
    for name in ("lecture-expression", "lecture-neuron", "reuse"):
        caption, dot = graphs[name]
        parts.append(
            f'<figure class="graph" id="{name}">{svgs[name]}<figcaption>{escape(caption)}'
            f"</figcaption></figure><details><summary>DOT text</summary><pre>{escape(dot)}</pre>"
            "</details>"
        )
    return "\n".join(parts)


# ---- same-seed training ----


def load_same_seed(path: Path | None, out_dir: Path, skip_build: bool) -> dict:
    if path is not None:
        return json.loads(path.read_text(encoding="utf-8"))
    import same_seed

    print("site: same-seed training in every available port", flush=True)
    data = same_seed.run_all(skip_build=skip_build, log=lambda m: print(f"site: {m}", flush=True))
    (out_dir / "data").mkdir(parents=True, exist_ok=True)
    (out_dir / "data" / "same-seed.json").write_text(json.dumps(_json_safe(data)))
    return data


def _json_safe(x: object) -> object:
    """NaN and infinities as the suite writes them, so browsers can parse the file."""
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if x != x else ("inf" if x > 0 else "-inf")
    if isinstance(x, dict):
        return {k: _json_safe(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_json_safe(v) for v in x]
    return x


def boundary_svg(parameters: list[float]) -> str:
    """The Python reference's trained model, evaluated on a grid over the moons."""
    import same_seed
    from rosettagrad import MLP

    X, y = same_seed.moons()
    m = same_seed.MODEL
    model = MLP(m["nin"], m["nouts"], m["activation"], m["output_activation"], seed=0)
    for p, v in zip(model.parameters(), parameters, strict=True):
        p.data = v
    xs, ys = [p[0] for p in X], [p[1] for p in X]
    pad = 0.4
    extent = (min(xs) - pad, max(xs) + pad, min(ys) - pad, max(ys) + pad)
    n = 48
    grid = []
    for r in range(n):
        yy = extent[3] - (r + 0.5) * (extent[3] - extent[2]) / n
        row = []
        for c in range(n):
            xx = extent[0] + (c + 0.5) * (extent[1] - extent[0]) / n
            row.append(model([xx, yy]).data)
        grid.append(row)
    return charts.decision_boundary(grid, extent, X, y)


def same_seed_page(data: dict) -> str:
    case, runs, agree = data["case"], data["runs"], data["agreement"]
    ok = [r for r in runs if r["ok"]]
    opt = case["optimizer"]
    curves = charts.loss_curves({r["impl"]: r["losses"] for r in ok})
    bars = charts.time_bars({r["impl"]: r["seconds_per_step"] for r in ok})
    rows = []
    ref = next((r for r in ok if r["impl"] == "python"), None)
    for r in runs:
        if r["ok"]:
            diff = "reference"
            if ref is not None and r is not ref:
                rel = max(
                    (abs(a - e) / abs(e) if e else abs(a - e))
                    for a, e in zip(r["losses"], ref["losses"])
                )
                diff = f"{rel:.3g}"
            rows.append(
                f'<tr data-impl="{escape(r["impl"])}"><td>{escape(r["impl"])}</td>'
                f"<td>{r['losses'][0]:.15f}</td><td>{r['losses'][-1]:.15f}</td>"
                f"<td>{r['seconds_per_step']:.4f}</td><td>{diff}</td></tr>"
            )
        else:
            state = "unavailable" if not r["available"] else "failed"
            rows.append(
                f'<tr class="{state}"><td>{escape(r["impl"])}</td><td colspan=4>{state}: '
                f"{escape(str(r['reason']))}</td></tr>"
            )
    verdict = (
        f"agree within the train tolerance (rtol {data['tolerance']['rtol']:g}, "
        f"atol {data['tolerance']['atol']:g})"
        if agree["within_tolerance"]
        else "DO NOT agree within the train tolerance"
    )
    worst = agree["worst_rel"]
    worst_s = f"{worst:.3g}" if isinstance(worst, (int, float)) else str(worst)
    boundary = boundary_svg(ref["parameters"]) if ref else "<p>(no Python run to draw)</p>"
    return f"""<h1>Same seed, every port</h1>
<p><code>MLP(2, [16, 16, 1], activation="relu", seed={case["seed"]})</code> trained on
<code>conformance/data/moons.json</code> for {case["steps"]} steps of full-batch SGD
(lr {opt["lr"]:g}), loss <code>hinge_loss + {case["loss"]["l2"]:g} · l2_penalty</code>.
The parameters come from the Python reference's SplitMix64 draw; each port runs the same
<code>train</code> case through its conformance adapter (<code>nox -s demo</code> prints the same
in the terminal).</p>
<p class="verdict" id="verdict">{len(ok)} port(s) {verdict}; the largest relative difference
from the Python reference is <b>{worst_s}</b> ({escape(str(agree["worst_at"]))}).</p>
<figure>{curves}<figcaption>Loss before each step. The curves lie on top of each other; the
dash patterns let you see every one.</figcaption></figure>
<table class="runs"><thead><tr><th>impl</th><th>loss at step 0</th><th>loss at the last step</th>
<th>s/step</th><th>max rel. diff vs Python</th></tr></thead><tbody>{"".join(rows)}</tbody></table>
<h2>Time per step</h2>
<figure>{bars}<figcaption>The adapter's wall time divided by the steps: process start, reading
the case and (Julia) compilation are included, so this over-states the cost of a step. See
<a href="bench.html">the benchmarks</a> for steps measured properly.</figcaption></figure>
<h2>Decision boundary</h2>
<figure>{boundary}<figcaption>The Python reference's model after the last step: blue where it
scores above 0, red below; dots are the moons (blue +1, red &minus;1). The
<a href="live.html">live demo</a> trains the same model in your browser.</figcaption></figure>"""


# ---- concept pages ----


class Highlighter:
    def __init__(self) -> None:
        self.formatter = HtmlFormatter(cssclass="hl", nowrap=False)

    @functools.cache  # noqa: B019  (one builder per run)
    def lexer(self, name: str) -> object:
        return get_lexer_by_name(name)

    def __call__(self, code: str, lexer: str) -> str:
        return highlight(code, self.lexer(lexer), self.formatter)


def concept_page(
    concept: str,
    found: dict[str, regions.PortRegions],
    hl: Highlighter,
    cases: list[dict],
    report: dict | None,
    svgs: dict[str, str],
) -> str:
    info = CONCEPTS[concept]
    columns = []
    for pr in found.values():
        region = pr.regions.get(concept)
        if region is None:
            code_html = '<p class="missing">no region for this concept in this port yet</p>'
            where = pr.port.src
        else:
            code_html = hl(region.code, pr.port.lexer)
            where = region.where
        columns.append(
            f'<section class="port-column" data-port="{pr.port.name}">'
            f"<h2>{escape(pr.port.title)}</h2><p class=where><code>{escape(where)}</code></p>"
            f"{code_html}</section>"
        )
    mine = [c for c in cases if set(c["features"]) & set(info.features)]
    if not info.features:
        case_html = "<p>No conformance case checks this concept: its output is a picture.</p>"
    elif not mine:
        case_html = "<p>No conformance case declares these features yet.</p>"
    else:
        table = cases_table(mine, report)
        if report is None:
            table = "<p>(no conformance report: statuses not shown)</p>" + table
        case_html = (
            f"<details{' open' if len(mine) <= 12 else ''}><summary>{len(mine)} case(s) with "
            f"features {', '.join(f'<code>{f}</code>' for f in info.features)}</summary>"
            f"{table}</details>"
        )
    graph = ""
    if f"op-{concept}" in svgs:
        graph = (
            f'<figure class="graph small">{svgs[f"op-{concept}"]}<figcaption>the graph of '
            f"this op after <code>backward()</code> (Python reference, <code>to_dot</code>)"
            "</figcaption></figure>"
        )
    return f"""<h1>{escape(concept)} <small>{escape(info.group)}</small></h1>
<p class="explain">{info.explain}</p>
<div class="math">{info.math}</div>
<div class="columns" style="--n: {len(columns)}">{"".join(columns)}</div>
{graph}
<h2>Conformance cases</h2>
{case_html}"""


def index_page(found: dict[str, regions.PortRegions]) -> str:
    ports = "".join(
        f"<li><b>{escape(pr.port.title)}</b> <code>{escape(pr.port.src)}</code>: "
        f"{len(pr.regions)} of {len(regions.CONCEPTS)} concepts marked</li>"
        for pr in found.values()
    )
    missing = [p.title for p in regions.PORTS if p.name not in found]
    later = f"<p>Not in this tree yet: {', '.join(missing)}.</p>" if missing else ""
    groups: dict[str, list[str]] = {}
    for c in regions.CONCEPTS:
        groups.setdefault(CONCEPTS[c].group, []).append(c)
    cards = "".join(
        f"<div class=card><h3>{escape(g)}</h3>"
        + "".join(f'<a href="{page_name(c)}">{escape(c)}</a> ' for c in cs)
        + "</div>"
        for g, cs in groups.items()
    )
    return f"""<h1>One autograd engine, four languages</h1>
<p>rosettagrad writes micrograd's scalar autograd design (<code>Value</code>, <code>Neuron</code>,
<code>Layer</code>, <code>MLP</code>) in Python, Rust, JavaScript and Julia. Pick a concept to see
every port's code for it side by side, the math of its local derivative and the conformance cases
that check it. Every port computes the same numbers: see <a href="same-seed.html">the same-seed
training</a> and <a href="conformance.html">the conformance matrix</a>.</p>
<ul class="ports">{ports}</ul>{later}
<div class="cards">{cards}</div>"""


def live_page() -> str:
    return """<h1>Live: the JavaScript port trains in your browser</h1>
<p><code>MLP(2, [16, 16, 1], {activation: "relu", seed: 1337})</code> on the moons, hinge loss
+ 1e-4 · l2, SGD — the same model and data as <a href="same-seed.html">the same-seed page</a>.
Each step runs <code>js/src</code> unbundled in this page; the boundary is redrawn as it learns.
The last column compares each loss with the Python reference's loss at the same step.</p>
<div class="live">
  <div><canvas id="boundary" width="400" height="400"></canvas>
  <p class="caption">decision boundary (blue: score &gt; 0)</p></div>
  <div><canvas id="loss" width="400" height="250"></canvas>
  <p class="caption">loss per step</p>
  <p id="status">loading…</p>
  <p><button id="toggle" type="button">pause</button>
     <button id="restart" type="button">restart</button></p>
  <p class="caption">solid: this browser · dashed: the Python reference</p>
  <div class="log"><table class="runs"><thead><tr><th>step</th><th>loss (browser)</th>
  <th>Python reference</th></tr></thead><tbody id="log"></tbody></table></div></div>
</div>"""


# ---- assembling ----


def write(out: Path, name: str, html: str) -> None:
    (out / name).write_text(html, encoding="utf-8")


def build(args: argparse.Namespace) -> None:
    out: Path = args.out
    if out.exists():
        shutil.rmtree(out)
    (out / "static").mkdir(parents=True)
    (out / "data").mkdir()
    found = regions.read_all()
    for pr in found.values():
        for problem in pr.problems:
            print(f"site: warning: {problem}", file=sys.stderr)
    hl = Highlighter()
    shutil.copy(HERE / "static" / "style.css", out / "static" / "style.css")
    (out / "static" / "pygments.css").write_text(hl.formatter.get_style_defs(".hl"))

    cases = load_cases()
    report, source = load_conformance(args.conformance_report, out, run=not args.no_harness)
    ran_harness = source.startswith("a fresh harness run")

    graphs = example_graphs()
    svgs, why = render_svgs({k: dot for k, (_, dot) in graphs.items()})

    pages = []  # the manifest the browser test walks
    port_names = list(found)
    for concept in regions.CONCEPTS:
        html = concept_page(concept, found, hl, cases, report, svgs)
        write(out, page_name(concept), layout(concept, html, "", concept_sidebar(concept)))
        pages.append({"path": page_name(concept), "kind": "concept", "ports": port_names})
    write(out, "index.html", layout("Concepts", index_page(found), "index.html"))
    write(
        out,
        "conformance.html",
        layout("Conformance", conformance_page(cases, report, source), "conformance.html"),
    )
    write(out, "bench.html", layout("Bench", bench_page(args.bench_report), "bench.html"))
    write(out, "graphs.html", layout("Graphs", graphs_page(graphs, svgs, why), "graphs.html"))
    pages += [
        {"path": p, "kind": k}
        for p, k in [
            ("index.html", "index"),
            ("conformance.html", "conformance"),
            ("bench.html", "bench"),
            ("graphs.html", "graphs"),
        ]
    ]

    data = load_same_seed(args.same_seed, out, skip_build=ran_harness)
    (out / "data" / "same-seed.json").write_text(json.dumps(_json_safe(data)))
    write(out, "same-seed.html", layout("Same seed", same_seed_page(data), "same-seed.html"))
    pages.append({"path": "same-seed.html", "kind": "same-seed"})

    js = next((p for p in regions.PORTS if p.name == "js"), None)
    if js is not None and js.exists():
        shutil.copytree(js.folder, out / "js" / "rosettagrad")
        shutil.copy(ROOT / "conformance" / "data" / "moons.json", out / "data" / "moons.json")
        shutil.copy(HERE / "static" / "live.js", out / "static" / "live.js")
        scripts = '<script type="module" src="static/live.js"></script>'
        write(out, "live.html", layout("Live demo", live_page(), "live.html", scripts=scripts))
        pages.append({"path": "live.html", "kind": "live"})
    else:
        body = "<h1>Live demo</h1><p>The JavaScript port is not in this tree yet.</p>"
        write(out, "live.html", layout("Live demo", body, "live.html"))
    (out / "pages.json").write_text(json.dumps({"ports": port_names, "pages": pages}, indent=1))
    print(f"site: {len(pages)} pages for {', '.join(port_names)} in {regions.rel(out)}")


def serve(out: Path, port: int) -> None:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as httpd:
        print(f"serving {regions.rel(out)} on http://127.0.0.1:{port}/ (Ctrl-C stops)", flush=True)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=ROOT / "site", help="output folder (default site/)")
    p.add_argument(
        "--serve", action="store_true", help="serve the site on 127.0.0.1 after building"
    )
    p.add_argument("--port", type=int, default=8000, help="port for --serve (default 8000)")
    p.add_argument(
        "--conformance-report",
        type=Path,
        help="use this report (default: "
        "conformance-report.json if present, else a fresh harness run)",
    )
    p.add_argument("--no-harness", action="store_true", help="never run the harness")
    p.add_argument("--bench-report", type=Path, help="default: bench-report.json")
    p.add_argument(
        "--same-seed",
        type=Path,
        metavar="JSON",
        help="reuse the runs `tools/demo.py --json` wrote instead of training again",
    )
    args = p.parse_args(argv)  # fmt: skip
    build(args)
    if args.serve:
        serve(args.out, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
