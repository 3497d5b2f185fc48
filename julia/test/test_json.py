"""julia/conformance/json.jl against Python's json: every committed case file round-trips.

Run by `nox -s julia` (which needs a `julia` on PATH). One Julia process reads each
input file with CaseJSON.parse and writes it back with CaseJSON.json, or prints the
error it raised; Python compares with its own json module, bit for bit.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import struct
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
JSON_JL = ROOT / "julia" / "conformance" / "json.jl"

# For each file named on the command line: a line "ok <json>" or "error <message>".
DRIVER = f"""
include({json.dumps(str(JSON_JL))})
for path in ARGS
    try
        println("ok ", CaseJSON.json(CaseJSON.parse(read(path, String))))
    catch e
        println("error ", replace(sprint(showerror, e), "\\n" => " "))
    end
end
"""


def julia_round_trip(paths: list[Path]) -> list[str]:
    julia = shutil.which("julia")
    assert julia is not None, "`julia` not found on PATH: these tests need it"
    proc = subprocess.run(
        [julia, "--startup-file=no", "-e", DRIVER, *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = proc.stdout.split("\n")[:-1]  # not splitlines(): U+2028 is no line break here
    assert len(lines) == len(paths), proc.stdout + proc.stderr
    return lines


def same(a: Any, b: Any, where: str = "$") -> None:
    """Equal values of equal types, floats bit for bit, object keys in the same order."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, dict):
        assert list(a) == list(b), f"{where}: keys {list(a)} vs {list(b)}"
        for k in a:
            same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), f"{where}: lengths {len(a)} vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{where}[{i}]")
    elif isinstance(a, float):
        assert struct.pack("<d", a) == struct.pack("<d", b), f"{where}: {a!r} vs {b!r}"
    else:
        assert a == b, f"{where}: {a!r} vs {b!r}"


def run_texts(tmp_path: Path, texts: list[str | bytes]) -> list[str]:
    paths = []
    for i, text in enumerate(texts):
        p = tmp_path / f"in{i}.json"
        p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        paths.append(p)
    return julia_round_trip(paths)


def test_every_committed_case_file_round_trips() -> None:
    files = sorted((ROOT / "conformance" / "cases").rglob("*.json"))
    files += sorted((ROOT / "conformance" / "data").glob("*.json"))
    assert len(files) >= 12
    for path, line in zip(files, julia_round_trip(files), strict=True):
        status, _, text = line.partition(" ")
        assert status == "ok", f"{path}: {text}"
        same(json.loads(path.read_text(encoding="utf-8")), json.loads(text), path.name)


def test_numbers_are_the_nearest_double_and_print_shortest(tmp_path: Path) -> None:
    rng = random.Random(11)
    bits = [rng.getrandbits(64) for _ in range(2000)]
    floats = [struct.unpack("<d", struct.pack("<Q", b))[0] for b in bits]
    floats = [x for x in floats if math.isfinite(x)]
    floats += [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1]
    # Decimal texts with more digits than a double holds, near halfway, and at the edges.
    nudge = Decimal("1e-330")
    texts = [f"{Decimal(x) + rng.randint(-9, 9) * nudge:.40e}" for x in floats[:300]]
    texts += ["0.1000000000000000055511151231257827", "9007199254740993.0", "1E+2", "-0.0e5"]
    texts += ["2.4703282292062327e-324", "2.4703282292062328e-324", "1e-400", "-1e-400"]
    texts += ["1.7976931348623158e308", "4.9e-324"]
    [line] = run_texts(tmp_path, ["[" + ",".join([*map(repr, floats), *texts]) + "]"])
    status, _, out = line.partition(" ")
    assert status == "ok", out
    got = json.loads(out)
    expect = [*floats, *map(float, texts)]  # Python's float() is correctly rounded
    assert len(got) == len(expect)
    for i, (g, e) in enumerate(zip(got, expect, strict=True)):
        assert struct.pack("<d", g) == struct.pack("<d", e), f"[{i}]: {g!r} vs {e!r}"
    # Shortest round-trip digits: the same decimal value as Python's repr.
    for i, (text, e) in enumerate(zip(out[1:-1].split(","), expect, strict=True)):
        assert Decimal(text) == Decimal(repr(e)), f"[{i}]: {text} vs {e!r}"


def test_numbers_beyond_the_range_overflow_to_infinity(tmp_path: Path) -> None:
    # The nearest double is ±Inf, which the writer refuses to print: its message names it.
    lines = run_texts(tmp_path, ["[1e400]", "[-1.7976931348623159e308]"])
    assert lines[0].startswith("error ArgumentError: Inf has no JSON form"), lines[0]
    assert lines[1].startswith("error ArgumentError: -Inf has no JSON form"), lines[1]


def test_integers_stay_integers(tmp_path: Path) -> None:
    doc = "[0, -0, 7, -12, 9223372036854775807, -9223372036854775808, 18446744073709551616]"
    [line] = run_texts(tmp_path, [doc])
    same(json.loads(doc), json.loads(line.removeprefix("ok ")))


def test_strings_with_every_escape(tmp_path: Path) -> None:
    value = {
        "esc": '"\\/\b\f\n\r\t',
        "ctrl": "".join(map(chr, range(32))) + "\x7f",
        "bmp": "é ü € \u2028 \uffff",
        "astral": "😀 𝄞",
        "nan": ["nan", "inf", "-inf"],
        "nested": {"a": [{"b": []}, {}], "": None, "t": True, "f": False},
    }
    texts = [
        json.dumps(value),  # \uXXXX escapes, surrogate pairs for astral characters
        json.dumps(value, ensure_ascii=False),  # raw UTF-8
        r'["\u00e9\u20AC\uD83D\uDE00\ud834\udd1e\/"]',  # upper and lower case hex
    ]
    lines = run_texts(tmp_path, texts)
    for text, line in zip(texts, lines, strict=True):
        status, _, out = line.partition(" ")
        assert status == "ok", out
        same(json.loads(text), json.loads(out))


# (text, byte offset of the error, a word of its message)
MALFORMED: list[tuple[str | bytes, int, str]] = [
    ("", 0, "end of input"),
    ("  ", 2, "end of input"),
    ("[1,]", 3, "expected a value"),
    ("[1 2]", 3, "expected ',' or ']'"),
    ('{"a" 1}', 5, '":"'),
    ('{"a":1,}', 7, "string key"),
    ('{"a":1 "b":2}', 7, "expected ',' or '}'"),
    ('{"a":1,"a":2}', 7, "duplicate key"),
    ("{a:1}", 1, "string key"),
    ("01", 1, "leading zero"),
    ("1.", 2, "digit"),
    (".5", 0, "unexpected character"),
    ("1e", 2, "digit"),
    ("-", 1, "digit"),
    ("+1", 0, "unexpected character"),
    ("NaN", 0, "unexpected character"),
    ("Infinity", 0, "unexpected character"),
    ("nul", 0, '"null"'),
    ("[true, fals]", 7, '"false"'),
    ('"abc', 4, "unterminated"),
    ('"a\tb"', 2, "control character"),
    ('"\\x"', 1, "invalid escape"),
    ('"\\u12g4"', 3, "hex digits"),
    ('"\\ud800"', 1, "high surrogate"),
    ('"\\ud800\\u0041"', 1, "high surrogate"),
    ('"\\udc00"', 1, "low surrogate"),
    ("[1] 2", 4, "after the value"),
    ('{"a": [1, 2}', 11, "expected ',' or ']'"),
    ('{\n  "a": 1,\n  "b": ?\n}', 19, "line 3, column 8"),
    (b'["\xff"]', 2, "invalid UTF-8"),
    ("[" * 600 + "]" * 600, 512, "nested deeper"),
]


STRICTER = ("duplicate", "surrogate", "nested")


def strict(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def test_malformed_input_is_rejected_with_its_position(tmp_path: Path) -> None:
    lines = run_texts(tmp_path, [text for text, _, _ in MALFORMED])
    for (text, at, word), line in zip(MALFORMED, lines, strict=True):
        status, _, message = line.partition(" ")
        assert status == "error", f"{text!r} was accepted: {message}"
        assert f"malformed JSON at byte {at} " in message, f"{text!r}: {message}"
        assert word in message, f"{text!r}: {message}"
        with_python = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        # Stricter than Python's json on purpose: duplicate keys, lone surrogates, depth.
        if not isinstance(text, bytes) and not any(w in word for w in STRICTER):
            try:
                json.loads(with_python, parse_constant=strict)
            except ValueError:
                pass
            else:
                raise AssertionError(f"Python's json accepts {text!r}: not malformed")


def test_the_writer_refuses_what_json_cannot_say() -> None:
    julia = shutil.which("julia")
    assert julia is not None, "`julia` not found on PATH: these tests need it"
    script = f"""
    include({json.dumps(str(JSON_JL))})
    for x in (NaN, Inf, -Inf, 1 + 2im, Dict(1 => 2))
        try
            println("ok ", CaseJSON.json(x))
        catch e
            println("error ", sprint(showerror, e))
        end
    end
    """
    out = subprocess.run(
        [julia, "--startup-file=no", "-e", script], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert len(out) == 5
    assert all(line.startswith("error ArgumentError") for line in out), out
