"""Syntax check of every Julia file in the repo, for machines without a Julia runtime.

    python julia/syntax_check.py [PATH ...]      (nox -s julia runs it when `julia` is missing)

Parses each .jl file with tree-sitter's Julia grammar and fails on any ERROR or
MISSING node, printing file:line:column for each. Before that it parses a few
known-bad snippets and fails unless every one is flagged, so a grammar or
binding that silently accepts everything cannot make the check pass.

This proves the files parse, nothing more: the Julia tests need `julia` itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

import tree_sitter_julia
from tree_sitter import Language, Node, Parser

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".git", ".nox", "node_modules", "target", ".venv"}

# Each must be reported as broken: an unclosed block, an unclosed call, a stray
# `end`, a missing bracket, an unterminated string.
KNOWN_BAD = [
    b"function f(x)\n    x^2\n",
    b"y = g(1, 2\nz = 3\n",
    b"function f(x)\n    x\nend\nend\n",
    b"a = [1, 2\n",
    b'"unterminated\n',
]
# And these must pass: `end` inside brackets is a value.
KNOWN_GOOD = b"y = x[end]\nz = x[begin:end-1]\nw = view(x, 2:lastindex(x))[end]\n"


def make_parser() -> Parser:
    # py-tree-sitter >= 0.22: Language wraps the grammar's pointer, Parser takes the Language.
    return Parser(Language(tree_sitter_julia.language()))


def problems(parser: Parser, source: bytes) -> list[tuple[int, int, str]]:
    """(line, column, what) for every ERROR or MISSING node, 1-based, in source order.

    The grammar reads a stray `end` as a plain identifier; Julia allows `end` as
    a value only inside brackets (`x[end]`), so one outside an index expression
    is reported too.
    """
    tree = parser.parse(source)
    found: list[tuple[int, int, str]] = []
    stack: list[tuple[Node, bool]] = [(tree.root_node, False)]
    while stack:  # iterative: deep files must not hit Python's recursion limit
        node, in_index = stack.pop()
        row, col = node.start_point
        if node.is_missing:
            found.append((row + 1, col + 1, f"missing {node.type!r}"))
        elif node.is_error:
            found.append((row + 1, col + 1, "syntax error"))
        elif node.type == "identifier" and node.text == b"end" and not in_index:
            found.append((row + 1, col + 1, "stray `end` (one block closed too many times)"))
        in_index = in_index or node.type == "index_expression"
        stack.extend((child, in_index) for child in node.children)
    if tree.root_node.has_error and not found:
        found.append((1, 1, "syntax error (tree-sitter flagged the file but no node)"))
    return sorted(found)


def julia_files(args: list[str]) -> list[Path]:
    roots = [Path(a).resolve() for a in args] or [ROOT]
    files: set[Path] = set()
    for root in roots:
        if root.is_file():
            files.add(root)
            continue
        for path in root.rglob("*.jl"):
            if not SKIP_DIRS.intersection(path.relative_to(root).parts):
                files.add(path)
    return sorted(files)


def rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv: list[str]) -> int:
    parser = make_parser()
    for snippet in KNOWN_BAD:
        if not problems(parser, snippet):
            print(f"syntax_check: the parser accepted a broken snippet: {snippet!r}")
            return 2
    if problems(parser, KNOWN_GOOD):
        print(f"syntax_check: the parser rejected valid Julia: {KNOWN_GOOD!r}")
        return 2
    files = julia_files(argv)
    if not files:
        print("syntax_check: no .jl files found")
        return 2
    failed = 0
    for path in files:
        found = problems(parser, path.read_bytes())
        for line, col, what in found:
            print(f"{rel(path)}:{line}:{col}: {what}")
        failed += bool(found)
    print(f"syntax_check: {len(files)} Julia files parsed, {failed} with syntax errors")
    print("The Julia tests were NOT run: no `julia` here, this was a syntax check only.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
