"""The Python adapter with one planted bug, so the fuzz and the shrinker have something to find.

    python fuzz/tests/fake_adapter.py BUG describe|run IN.json

BUG is one of:
  relu0      relu'(0) = 1 (micrograd's own `(out.data > 0)` is right; this is the classic slip)
  sub-const  `c - x` with a constant on the left computed as `x - c`
  crash-log  the process aborts on any case that uses log (a port that dies, not one that errs)
  no-log     `describe` leaves out op.log (a port that does not declare a feature)
  bool-number  a bool is taken as the number 0 or 1 (`Value(True)`, `x * True`: the Python slip)
  length-type  a model input of the wrong length is a TypeError, not a ValueError
  none       no bug: agrees everywhere
"""

from __future__ import annotations

import json
import os
import sys

import rosettagrad.conformance as adapter
import rosettagrad.engine
import rosettagrad.nn
from rosettagrad.engine import Value, _node


def plant(bug: str) -> None:
    if bug == "relu0":

        def relu(self: Value) -> Value:
            x = self.data
            out = x if x > 0 or x != x else 0.0
            return _node(out, "relu", self, 1.0 if x >= 0 else 0.0)

        Value.relu = relu  # type: ignore[method-assign]
    elif bug == "sub-const":

        def rsub(self: Value, other: float) -> Value:
            return self - other

        Value.__rsub__ = rsub  # type: ignore[method-assign,assignment]
    elif bug == "crash-log":
        real_run = adapter.run

        def run(engine: str, path: str) -> dict:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
            if any(op[1] == "log" for c in doc["cases"] for op in c.get("ops", [])):
                os.abort()
            return real_run(engine, path)

        adapter.run = run
    elif bug == "no-log":
        adapter.FEATURES = [f for f in adapter.FEATURES if f != "op.log"]
    elif bug == "bool-number":
        rosettagrad.engine._is_number = lambda x: isinstance(x, (int, float))
    elif bug == "length-type":
        real_check = rosettagrad.nn._check_inputs

        def check_inputs(who: str, x: object, nin: int) -> None:
            try:
                real_check(who, x, nin)
            except ValueError as e:
                raise TypeError(str(e)) from None

        rosettagrad.nn._check_inputs = check_inputs
    elif bug != "none":
        raise SystemExit(f"unknown bug {bug!r}")


if __name__ == "__main__":
    plant(sys.argv[1])
    sys.exit(adapter.main(sys.argv[2:]))
