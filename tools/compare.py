"""Print one concept's code in every port, side by side (stacked when the terminal is narrow).

    nox -s compare -- add
    nox -s compare -- backward --port python --port rust    (only these, like the site's picker)
    python tools/compare.py tanh --width 200
    python tools/compare.py --list

The code comes from the ports' region comments (tools/regions.py), so this
shows exactly what the sources say today.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import textwrap

from regions import CONCEPTS, PORTS, read_all

MIN_COLUMN = 38  # narrower than this and code is unreadable: stack instead
GAP = " │ "


def wrap(line: str, width: int) -> list[str]:
    """A code line cut into pieces of at most `width`, continuations marked with ↪."""
    if len(line) <= width:
        return [line]
    indent = len(line) - len(line.lstrip())
    pieces = textwrap.wrap(
        line,
        width,
        subsequent_indent=" " * min(indent, width // 2) + "↪ ",
        drop_whitespace=False,
        break_on_hyphens=False,
    )
    return [p.rstrip() for p in pieces] or [line[:width]]


def side_by_side(columns: list[tuple[str, str]], width: int) -> str:
    """Columns of (header, code) laid out next to each other in `width` characters."""
    col = (width - len(GAP) * (len(columns) - 1)) // len(columns)
    cells = []
    for header, code in columns:
        lines = [header[:col], "─" * col]
        for line in code.splitlines():
            lines.extend(wrap(line.expandtabs(4), col))
        cells.append(lines)
    height = max(len(c) for c in cells)
    rows = []
    for i in range(height):
        parts = [(c[i] if i < len(c) else "").ljust(col) for c in cells]
        rows.append(GAP.join(parts).rstrip())
    return "\n".join(rows)


def stacked(columns: list[tuple[str, str]], width: int) -> str:
    blocks = []
    for header, code in columns:
        lines = [f"── {header} ".ljust(width, "─")]
        for line in code.splitlines():
            lines.extend(wrap(line.expandtabs(4), width))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def render(concept: str, width: int, layout: str = "auto", ports: list[str] | None = None) -> str:
    """The text `compare CONCEPT` prints (only `ports`, when given)."""
    columns = []
    for found in read_all().values():
        if ports and found.port.name not in ports:
            continue
        region = found.regions.get(concept)
        if region is None:
            code = "(no region for this concept yet)"
            header = f"{found.port.title}"
        else:
            code = region.code
            header = f"{found.port.title}  {region.where}"
        columns.append((header, code))
    fits = (width - len(GAP) * (len(columns) - 1)) // len(columns) >= MIN_COLUMN
    if layout == "columns" or (layout == "auto" and fits):
        return side_by_side(columns, width)
    return stacked(columns, width)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("concept", nargs="?", help="one of: " + ", ".join(CONCEPTS))
    parser.add_argument("--list", action="store_true", help="list the concepts and exit")
    parser.add_argument("--width", type=int, help="terminal width (default: detected)")
    parser.add_argument("--layout", choices=("auto", "columns", "stacked"), default="auto")
    parser.add_argument(
        "--port",
        action="append",
        choices=[p.name for p in PORTS],
        help="show only this port (repeatable; default: every port in the tree)",
    )
    args = parser.parse_args(argv)
    if args.list or args.concept is None:
        print("concepts:", ", ".join(CONCEPTS))
        return 0 if args.list else 2
    # Let `relu`, `Relu` and `zero-grad` all find their concept.
    lookup = {c.lower().replace("_", ""): c for c in CONCEPTS}
    concept = lookup.get(args.concept.lower().replace("_", "").replace("-", ""))
    if concept is None:
        print(f"unknown concept {args.concept!r}; one of: {', '.join(CONCEPTS)}", file=sys.stderr)
        return 2
    width = args.width or shutil.get_terminal_size((120, 40)).columns
    print(f"{concept}\n")
    print(render(concept, max(width, 20), args.layout, args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
