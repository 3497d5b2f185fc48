"""The Python adapter with a planted disagreement: every train case's losses from step 1 on,
and its final parameters, are off by 1 part in 1e6 (the train tolerance is 1e-8).

    python tools/tests/planted_adapter.py describe|run IN.json
"""

from __future__ import annotations

import sys

import rosettagrad.conformance as adapter

real_run_case = adapter.run_case


def run_case(eng, case):  # type: ignore[no-untyped-def]
    result = real_run_case(eng, case)
    if result["status"] == "ok" and case["kind"] == "train":
        actual = result["actual"]
        actual["losses"][1:] = [x * (1 + 1e-6) for x in actual["losses"][1:]]
        actual["parameters"] = [x * (1 + 1e-6) for x in actual["parameters"]]
    return result


adapter.run_case = run_case
sys.exit(adapter.main(sys.argv[1:]))
