"""Build the side-by-side teaching site into site/ (and serve it with --serve).

    nox -s site                 build
    nox -s site -- --serve      build, then serve on http://127.0.0.1:8000

Every concept page shows each existing port's code for that concept (read from
the region comments by tools/regions.py, highlighted by Pygments, numbered with
the source file's lines, the ports to show picked by static/site.js), a short
explanation, the math of the local derivative and the conformance cases that
exercise it with each port's status. Other pages: backprop step by step (the
JavaScript port, bundled into a classic script so it runs from file://), the
conformance matrix, the recorded bench run (bench/results/latest.json), graphs
drawn from `to_dot` by Graphviz compiled to WebAssembly (node + @viz-js/viz, no
system Graphviz), same-seed training in every port, a live page where the
JavaScript port trains in the browser, and conformance/PORTING.md.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import http.server
import json
import math
import re
import shutil
import subprocess
import sys
from html import escape
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tools/: regions, same_seed

import bundle  # noqa: E402
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
    ("backprop.html", "Backprop, step by step"),
    ("conformance.html", "Conformance"),
    ("bench.html", "Bench"),
    ("graphs.html", "Graphs"),
    ("same-seed.html", "Same seed"),
    ("live.html", "Live demo"),
    ("porting.html", "Write a port"),
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
<script src="static/site.js"></script>
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


RECORDED_BENCH = ROOT / "bench" / "results" / "latest.json"
RECORD_COMMAND = "nox -s bench -- --report bench/results/latest.json"


def bench_page(path: Path | None) -> str:
    """The committed recorded bench run (bench/results/latest.json, contract in OWNERS/DESIGN §5):
    its date and machine, a log-scale chart of ns/node per port, the table, how to refresh it."""
    path = path or RECORDED_BENCH
    refresh = (
        f"<p>To refresh: on a quiet machine run <code>{RECORD_COMMAND}</code>, commit "
        "<code>bench/results/latest.json</code>, then rebuild the site (<code>nox -s site</code>)."
        "</p>"
    )
    if not path.is_file():
        return (
            f"<h1>Benchmarks</h1><p>No recorded bench run in this tree: "
            f"<code>{escape(regions.rel(path))}</code> is missing.</p>{refresh}"
        )
    report = json.loads(path.read_text(encoding="utf-8"))
    results = report.get("results", [])
    recorded = report.get("recorded") or {}
    if recorded.get("command"):
        refresh = refresh.replace(RECORD_COMMAND, escape(str(recorded["command"])))
    workloads = list(dict.fromkeys(r["workload"] for r in results))
    impls = list(dict.fromkeys(r["impl"] for r in results))
    by = {(r["impl"], r["workload"]): r for r in results}
    nogc = any(isinstance(r.get("ratio_vs_micrograd_nogc"), (int, float)) for r in results)

    def ratio(r: dict, key: str, cls: str, label: str = "") -> str:
        x = r.get(key)
        if not isinstance(x, (int, float)):
            return ""
        return f' <span class="{cls}">{"(" if label else ""}&times;{x:.3g}{label}</span>'

    def cell(r: dict | None, workload: str) -> str:
        if r is None:
            return "<td>&ndash;</td>"
        if r.get("error"):
            return (
                f'<td class="st st-error" title="{escape(str(r["error"]), quote=True)}">error</td>'
            )
        if workload == "memory":
            start = r.get("rss_mb_start")  # absent from runs recorded before it existed
            at_start = (
                f"<br><small>{_num(start)} MiB at start</small>"
                if isinstance(start, (int, float))
                else ""
            )
            return (
                f"<td>{_num(r.get('rss_mb_100'))} / {_num(r.get('rss_mb_1000'))} MiB{at_start}</td>"
            )
        ns = r.get("ns_per_node")
        ns_s = f"<br><small>{ns:,.0f} ns/node</small>" if isinstance(ns, (int, float)) else ""
        return (
            f"<td>{_seconds(r.get('median_s'))}{ratio(r, 'ratio_vs_micrograd', 'ratio')}"
            f"{ratio(r, 'ratio_vs_micrograd_nogc', 'ratio nogc', ' vs nogc)')}{ns_s}</td>"
        )

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
    figures = []
    for w in workloads:
        ns = {
            r["impl"]: r["ns_per_node"]
            for r in results
            if r["workload"] == w and isinstance(r.get("ns_per_node"), (int, float))
            and r["ns_per_node"] > 0 and not r.get("error")
        }  # fmt: skip
        if ns:
            figures.append(
                f'<figure class="bench-chart" data-workload="{escape(w)}">'
                f"{charts.log_bars(ns, 'ns/node')}<figcaption>{escape(w)}: nanoseconds per "
                "graph node (log scale: each grid line is 10&times;)</figcaption></figure>"
            )
    machine = report.get("machine", {})
    machine_s = (
        ", ".join(f"{escape(str(k))}: {escape(str(v))}" for k, v in machine.items())
        if isinstance(machine, dict)
        else escape(str(machine))
    )
    load = recorded.get("loadavg")
    load_s = (
        f"; load average at the start {', '.join(f'{x:g}' for x in load)}"
        if isinstance(load, list)
        else ""
    )
    runs = f"; {recorded['runs']} run(s)" if recorded.get("runs") else ""
    when = (
        f"Recorded <b id=bench-date>{escape(str(recorded['date']))}</b>"
        if recorded.get("date")
        else "<b id=bench-date>Not dated</b> (the file has no <code>recorded</code> block)"
    )
    nogc_s = (
        " <span class='ratio nogc'>(&times;N vs nogc)</span> is the same against micrograd with "
        "Python's garbage collector off (<code>micrograd-nogc</code>)."
        if nogc
        else ""
    )
    return f"""<h1>Benchmarks</h1>
<p class="bench-when">{when}{runs}{load_s}, from
<code>{escape(regions.rel(path))}</code>.</p>
<p class="machine" id="bench-machine">Machine: {machine_s}</p>
{"".join(figures)}
<p>Median time per moons training step or per chain/wide run;
<span class=ratio>&times;N</span> is micrograd's median divided by this impl's (above 1 is faster
than micrograd).{nogc_s} Memory: resident MiB after 100 / 1,000 moons steps, and at the start
(the runtime, the package, the data and the model loaded, before the first step).</p>
<table class="bench"><thead><tr><th>impl</th>{head}</tr></thead><tbody>{rows}</tbody></table>
{f"<h2>Errors</h2><ul>{errors}</ul>" if errors else ""}
{refresh}"""


def _num(x: object) -> str:
    return f"{x:.1f}" if isinstance(x, (int, float)) else "&ndash;"


def _seconds(x: object) -> str:
    if not isinstance(x, (int, float)):
        return "&ndash;"
    return f"{x * 1e3:.2f} ms" if x < 1 else f"{x:.2f} s"


# ---- graphs (to_dot + WASM Graphviz) ----


# The built-in examples of backprop.html, in the page's little language (static/backprop-core.js).
# lecture_examples() builds the same graphs with the Python reference; the build runs both and
# stops if any labelled gradient differs, so the two cannot drift apart.
BACKPROP_EXAMPLES = [
    (
        "lecture-expression",
        "L = (a·b + c)·f, the lecture's first graph",
        "a = 2.0\nb = -3.0\nc = 10.0\nf = -2.0\ne = a * b\nd = e + c\nL = d * f",
    ),
    (
        "lecture-neuron",
        "o = tanh(x1·w1 + x2·w2 + b), the lecture's neuron",
        "x1 = 2.0\nx2 = 0.0\nw1 = -3.0\nw2 = 1.0\nb = 6.8813735870195432\n"
        "x1w1 = x1 * w1\nx2w2 = x2 * w2\nx1w1x2w2 = x1w1 + x2w2\nn = x1w1x2w2 + b\no = tanh(n)",
    ),
    (
        "reuse",
        "b = a + a; c = b·b: a's grad gathers from both uses",
        "a = 3.0\nb = a + a\nc = b * b",
    ),
]


def lecture_examples() -> dict[str, tuple[str, Any]]:
    """name -> (caption, output Value after backward()), the Python reference's graphs."""
    from rosettagrad import Value

    def leaf(x: float, label: str) -> Value:
        return Value(x, label=label)

    def named(v: Value, label: str) -> Value:
        v.label = label
        return v

    # The lecture's first expression: L = (a·b + c)·f.
    a, b, c, f = leaf(2.0, "a"), leaf(-3.0, "b"), leaf(10.0, "c"), leaf(-2.0, "f")
    e = named(a * b, "e")
    d = named(e + c, "d")
    lecture = named(d * f, "L")
    # The lecture's neuron: o = tanh(x1·w1 + x2·w2 + b).
    x1, x2, w1, w2 = leaf(2.0, "x1"), leaf(0.0, "x2"), leaf(-3.0, "w1"), leaf(1.0, "w2")
    bias = leaf(6.8813735870195432, "b")
    x1w1, x2w2 = named(x1 * w1, "x1w1"), named(x2 * w2, "x2w2")
    n = named(named(x1w1 + x2w2, "x1w1x2w2") + bias, "n")
    o = named(n.tanh(), "o")
    # Reuse: gradients accumulate where a node feeds two places.
    a = leaf(3.0, "a")
    bb = named(a + a, "b")
    cc = named(bb * bb, "c")
    outs = {"lecture-expression": lecture, "lecture-neuron": o, "reuse": cc}
    for out in outs.values():
        out.backward()
    captions = {name: caption for name, caption, _ in BACKPROP_EXAMPLES}
    return {name: (captions[name], out) for name, out in outs.items()}


def labelled_grads(out: Any) -> dict[str, float]:
    """label -> grad of every labelled Value in out's graph (the reference's answer)."""
    seen, stack, grads = set(), [out], {}
    while stack:
        v = stack.pop()
        if id(v) in seen:
            continue
        seen.add(id(v))
        if v.label:
            grads[v.label] = v.grad
        stack.extend(v._prev)
    return grads


def example_graphs() -> dict[str, tuple[str, str]]:
    """name -> (caption, DOT) for the graphs page and the op pages, after backward()."""
    from rosettagrad import Value, to_dot

    graphs: dict[str, tuple[str, str]] = {
        name: (caption, to_dot(out)) for name, (caption, out) in lecture_examples().items()
    }

    def add(name: str, caption: str, out: Value) -> None:
        out.backward()
        graphs[name] = (caption, to_dot(out))

    def leaf(x: float, label: str) -> Value:
        return Value(x, label=label)

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


# ---- backprop, step by step ----


def backprop_data() -> dict:
    """The built-in examples with the Python reference's final gradients (labelled nodes)."""
    ref = lecture_examples()
    return {
        "examples": [
            {
                "id": name,
                "title": caption,
                "source": source,
                "reference": labelled_grads(ref[name][1]),
            }
            for name, caption, source in BACKPROP_EXAMPLES
        ]
    }


def check_backprop(out: Path, data: dict) -> str:
    """Walk every built-in example with the JS port (the page's own scripts, in node) and compare
    its final gradients with the Python reference's. Stops the build on a difference."""
    node = shutil.which("node")
    if node is None:
        return "not checked at build time: node is not on PATH"
    script = (
        "const vm = require('vm'), fs = require('fs'); const ctx = {}; vm.createContext(ctx);"
        "for (const f of process.argv.slice(1)) vm.runInContext(fs.readFileSync(f, 'utf8'), ctx);"
        "const data = JSON.parse(fs.readFileSync(0, 'utf8')); const out = {};"
        "for (const e of data.examples)"
        "  out[e.id] = ctx.Backprop.walk(e.source, ctx.rosettagrad).final;"
        "console.log(JSON.stringify(out));"
    )
    files = [str(out / "static" / f) for f in ("rosettagrad.js", "backprop-core.js")]
    proc = subprocess.run(
        [node, "-e", script, *files], input=json.dumps(data), capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"site: backprop.html's walk failed in node: {proc.stderr.strip()}")
    walked = json.loads(proc.stdout)
    for e in data["examples"]:
        if walked[e["id"]] != e["reference"]:
            raise SystemExit(
                f"site: backprop example {e['id']}: the JS walk's gradients {walked[e['id']]} "
                f"differ from the Python reference's {e['reference']}"
            )
    n = len(data["examples"])
    return f"checked at build time: the {n} built-in examples' gradients equal the reference's"


def backprop_page(found: dict[str, regions.PortRegions], hl: Highlighter, data: dict) -> str:
    options = "".join(
        f'<option value="{escape(e["id"])}">{escape(e["title"])}</option>' for e in data["examples"]
    )
    payload = json.dumps(data).replace("</", "<\\/")
    return f"""<h1>Backprop, step by step</h1>
<p class="explain">After the forward pass every node knows its value and, stored beside it, the
local derivative of its value with respect to each parent. <code>backward()</code> sets the
output's grad to 1, then visits the nodes in reverse topological order; each node adds
<code>local &times; its own grad</code> into each parent's grad. Here that walk goes one node
at a time, with the numbers of the JavaScript port running in this page. Below it: the code
of the op that stored the current node's local derivatives in the forward pass, and each
port's <code>backward</code> with the lines doing this step lit.</p>
<div class="bp-controls">
  <div><label for="example">Example</label><br>
  <select id="example">{options}<option value="typed">your own (type it, then Build)</option>
  </select>
  <p class="caption">Keys: → step, ← back, Home / End: first / last step.</p></div>
  <div><label for="source">Expression (one statement a line; the last is the output)</label><br>
  <textarea id="source" spellcheck="false"></textarea><br>
  <button id="build" type="button">Build</button>
  <span class="caption">ops: + &minus; * / ** (a number), unary &minus;,
  tanh relu exp log sigmoid</span>
  <div id="parse-error" role="alert"></div></div>
</div>
<p class="bp-buttons"><button id="reset" type="button">Reset</button><button id="back"
type="button">◀ Back</button><button id="step" type="button">Step ▶</button><button id="play"
type="button">Play</button> <span id="progress"></span></p>
<div class="bp-graph"><svg id="graph" role="img" aria-label="the computation graph"></svg></div>
<div class="bp-narration">
  <div aria-live="polite"><h3>This step</h3><p id="narration-head"></p>
  <pre id="narration-lines"></pre><p id="verdict"></p></div>
  <div><h3>The walk so far</h3><ol id="walk-log" start="0"></ol></div>
</div>
<h2>Where this step's local derivatives came from: the op, in each port</h2>
<p id="op-note" aria-live="polite"></p>
{op_views(found, hl)}
<h2>The code doing it: <code>backward</code> in each port</h2>
<p>Lit: the seed of the output's grad, the reverse loop, and the chain-rule update
(<code>grad += local &times; grad</code>). Each port keeps its own layout of the graph in
memory, the loop is the same.</p>
{code_view("backward", found, hl, roles=True)}
<script>window.BACKPROP_DATA = {payload};</script>"""


# The ops the walk can meet, by the name of their region (= concept); backprop.js maps a node's
# `_op` ("+", "*", "**2", "tanh", ...) to one of these.
WALK_OPS = ("add", "sub", "mul", "div", "neg", "pow", "relu", "tanh", "exp", "log", "sigmoid")


def op_views(found: dict[str, regions.PortRegions], hl: Highlighter) -> str:
    """One hidden code view per op, with its math: backprop.html shows the current node's.

    The local derivatives backward() multiplies were stored by the op in the forward pass, so
    the walk points at that code too. The port choice is the page's (site.js applies it to
    every code view), so these views need no picker of their own.
    """
    views = []
    for op in WALK_OPS:
        concept = CONCEPTS[op]
        views.append(
            f'<div class="op-view" data-op="{op}" hidden><div class="math">{concept.math}</div>'
            f'{code_view(op, found, hl)}<p class="caption"><a href="{page_name(op)}">{op}: its '
            "concept page</a></p></div>"
        )
    return f'<div class="op-views">{"".join(views)}</div>'


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
        self.formatter = HtmlFormatter(cssclass="hl")  # its style sheet: static/pygments.css
        self.bare = HtmlFormatter(nowrap=True)  # one output line per source line

    @functools.cache  # noqa: B019  (one builder per run)
    def lexer(self, name: str) -> object:
        return get_lexer_by_name(name)

    def lines(self, code: str, lexer: str) -> list[str]:
        """Each line of `code` highlighted on its own (Pygments closes its spans per line)."""
        out = highlight(code, self.lexer(lexer), self.bare).split("\n")
        if out and out[-1] == "":
            out.pop()
        want = code.count("\n") + 1
        if len(out) != want:
            raise SystemExit(f"site: highlighting gave {len(out)} lines for {want} of code")
        return out


# Which lines of each port's `backward` region do what, so backprop.html can light them as the
# walk goes: the output's seed, the reverse loop, the chain-rule update. tools/tests checks that
# every port's region has each role, so a change of style there shows up as a failing test.
BACKWARD_ROLES = {
    "seed": re.compile(r"grad(\[[^\]]*\])?\s*=\s*1(\.0)?\b"),
    "loop": re.compile(r"^\s*for\b.*(reversed\(|\.rev\(\)|length\s*-\s*1|:-1:)"),
    # grad += local * g, or grad[p] = sum + local * g (Rust starts each sum from 0)
    "update": re.compile(r"grad.*\+=.*\*|grad\[[^\]]*\]\s*=\s*\w+\s*\+.*\*"),
}


def line_role(line: str) -> str | None:
    return next((r for r, pattern in BACKWARD_ROLES.items() if pattern.search(line)), None)


def code_block(region: regions.Region, lexer: str, hl: Highlighter, roles: bool = False) -> str:
    """A region's code, one element per line, each numbered with its line in the source file.

    `white-space: pre` and no soft wrap: a column that is too narrow scrolls sideways.
    `data-width` (the longest line plus the gutter, in characters) lets static/site.js pick a
    font size at which every line fits.
    """
    pairs = region.numbered
    html_lines = hl.lines("\n".join(text for _, text in pairs), lexer)
    digits = len(str(pairs[-1][0]))
    out = []
    for (n, text), html in zip(pairs, html_lines, strict=True):
        role = line_role(text) if roles else None
        attr = f' data-role="{role}"' if role else ""
        out.append(
            f'<span class="line" data-n="{n}"{attr}><span class="ln">{n}</span>{html}</span>'
        )
    width = max(len(text) for _, text in pairs) + digits + 1
    return f'<pre class="hl code" data-width="{width}" style="--ln: {digits}">{"".join(out)}</pre>'


def code_view(
    concept: str, found: dict[str, regions.PortRegions], hl: Highlighter, roles: bool = False
) -> str:
    """Every port's code for a concept in columns, with the port picker (static/site.js)."""
    columns, boxes = [], []
    for pr in found.values():
        region = pr.regions.get(concept)
        if region is None:
            code_html = '<p class="missing">no region for this concept in this port yet</p>'
            where = pr.port.src
        else:
            code_html = code_block(region, pr.port.lexer, hl, roles)
            where = region.where
        columns.append(
            f'<section class="port-column" data-port="{pr.port.name}">'
            f"<h2>{escape(pr.port.title)}</h2><p class=where><code>{escape(where)}</code></p>"
            f"{code_html}</section>"
        )
        boxes.append(
            f'<label><input type="checkbox" name="port" value="{pr.port.name}" checked> '
            f"{escape(pr.port.title)}</label>"
        )
    picker = (
        '<fieldset class="port-picker"><legend>Show the code of</legend>'
        f"{''.join(boxes)}<span class=hint>(remembered on every page)</span></fieldset>"
    )
    return (
        f'<div class="code-view">{picker}<div class="columns" style="--n: {len(columns)}">'
        f"{''.join(columns)}</div></div>"
    )


def concept_page(
    concept: str,
    found: dict[str, regions.PortRegions],
    hl: Highlighter,
    cases: list[dict],
    report: dict | None,
    svgs: dict[str, str],
) -> str:
    info = CONCEPTS[concept]
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
    walk = (
        '<p>Watch it run: <a href="backprop.html">backprop, step by step</a>.</p>'
        if concept == "backward"
        else ""
    )
    return f"""<h1>{escape(concept)} <small>{escape(info.group)}</small></h1>
<p class="explain">{info.explain}</p>
<div class="math">{info.math}</div>
{walk}
{code_view(concept, found, hl)}
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


SERVE = "nox -s site -- --serve"

# Chromium runs no ES module and fetches no file from a file:// page: say so instead of
# "loading…" forever. A classic script, so it runs where the module cannot.
FILE_WARNING = """<script>
if (location.protocol === "file:") {
  document.getElementById("file-warning").hidden = false;
  document.getElementById("status").textContent = "not started: this page was opened from disk.";
  for (const id of ["toggle", "restart"]) document.getElementById(id).disabled = true;
}
</script>"""


LIVE_FILE_MESSAGE = f"""<div id="file-warning" class="file-warning" hidden><p><b>This demo needs
the site served over http.</b> You opened it from disk (<code>file://</code>), where the
browser runs no JavaScript module and loads no data file, so it cannot start. From the
repository, run</p>
<pre>{SERVE}</pre><p>and open <a href="http://127.0.0.1:8000/live.html">http://127.0.0.1:8000/live.html</a>
(or serve the built folder with <code>python3 -m http.server --directory site 8000</code>).
<a href="backprop.html">Backprop, step by step</a> works from disk as it is.</p></div>"""


def live_page() -> str:
    return (
        """<h1>Live: the JavaScript port trains in your browser</h1>
"""
        + LIVE_FILE_MESSAGE
        + """
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
    )


# ---- write your own port (conformance/PORTING.md) ----

PORTING = ROOT / "conformance" / "PORTING.md"


SPEC = ROOT / "conformance" / "SPEC.md"
# Links of the two Markdown files to each other and to files the site does not hold.
MD_LINKS = {
    'href="SPEC.md"': 'href="spec.html"',
    'href="features.json"': 'href="porting.html#features"',
    'href="PORTING.md"': 'href="porting.html"',
}


def markdown_page(path: Path) -> str:
    """A Markdown file as HTML (Python-Markdown; fenced code highlighted by Pygments), its links
    to its neighbours pointing at their pages; links to files not on the site become text."""
    import markdown

    html = markdown.markdown(
        path.read_text(encoding="utf-8"), extensions=["fenced_code", "tables", "codehilite"],
        extension_configs={"codehilite": {"css_class": "hl", "guess_lang": False}},
    )  # fmt: skip
    for old, new in MD_LINKS.items():
        html = html.replace(old, new)
    html = re.sub(r'<a href="(?!https?:|#|spec\.html|porting\.html)[^"]*">(.*?)</a>', r"\1", html)
    return html + f"<p class=caption>From <code>{regions.rel(path)}</code>.</p>"


def porting_page() -> str:
    """conformance/PORTING.md, then the features table read from conformance/features.json."""
    features = json.loads((ROOT / "conformance" / "features.json").read_text(encoding="utf-8"))
    rows = "".join(
        f"<tr><td><code>{escape(name)}</code></td><td>{escape(what)}</td></tr>"
        for name, what in features["features"].items()
    )
    table = (
        '<h2 id="features">The features (conformance/features.json)</h2><table class="features">'
        f"<thead><tr><th>feature</th><th>what a case with it exercises</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
    return f'<div class="porting">{markdown_page(PORTING)}{table}</div>'


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
    for name in ("style.css", "site.js"):
        shutil.copy(HERE / "static" / name, out / "static" / name)
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
        scripts = FILE_WARNING + '<script type="module" src="static/live.js"></script>'
        write(out, "live.html", layout("Live demo", live_page(), "live.html", scripts=scripts))
        pages.append({"path": "live.html", "kind": "live"})
    else:
        body = "<h1>Live demo</h1><p>The JavaScript port is not in this tree yet.</p>"
        write(out, "live.html", layout("Live demo", body, "live.html"))
    if js is not None and js.exists():
        (out / "static" / "rosettagrad.js").write_text(bundle.bundle(js.folder), encoding="utf-8")
        for name in ("backprop-core.js", "backprop.js"):
            shutil.copy(HERE / "static" / name, out / "static" / name)
        bp = backprop_data()
        checked = check_backprop(out, bp)
        print(f"site: backprop.html: {checked}")
        scripts = "".join(
            f'<script src="static/{n}"></script>'
            for n in ("rosettagrad.js", "backprop-core.js", "backprop.js")
        )
        html = backprop_page(found, hl, bp)
        write(out, "backprop.html", layout("Backprop", html, "backprop.html", scripts=scripts))
        pages.append(
            {"path": "backprop.html", "kind": "backprop", "ports": port_names,
             "examples": [e["id"] for e in bp["examples"]]}
        )  # fmt: skip
    else:
        body = "<h1>Backprop, step by step</h1><p>The JavaScript port is not in this tree yet.</p>"
        write(out, "backprop.html", layout("Backprop", body, "backprop.html"))
    write(out, "porting.html", layout("Write a port", porting_page(), "porting.html"))
    spec = f'<div class="porting">{markdown_page(SPEC)}</div>'
    write(out, "spec.html", layout("Conformance SPEC", spec, ""))
    pages += [{"path": "porting.html", "kind": "porting"}, {"path": "spec.html", "kind": "spec"}]
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
    p.add_argument(
        "--bench-report", type=Path, help="default: the recorded run, bench/results/latest.json"
    )
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
