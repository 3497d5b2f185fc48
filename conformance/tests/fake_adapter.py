"""A fake port for the harness's tests: answers from a file, misbehaving on request.

    python fake_adapter.py MODE ANSWERS.json describe
    python fake_adapter.py MODE ANSWERS.json run IN.json

ANSWERS.json maps case id -> the `actual` to return. MODE: ok, wrong (every
number + 1), error (an error result per case), partial (drops the last result),
crash (exit 3), hang (sleeps), hangrun (sleeps in `run` only), garbage (not JSON),
nofeatures (declares none), badprotocol (protocol 2).
"""

import json
import sys
import time


def bump(x):
    if isinstance(x, dict):
        return {k: bump(v) for k, v in x.items()}
    if isinstance(x, list):
        return [bump(v) for v in x]
    return x + 1 if isinstance(x, (int, float)) else 0.5


def main() -> int:
    mode, answers_path, command = sys.argv[1:4]
    with open(answers_path, encoding="utf-8") as f:
        answers = json.load(f)
    if mode == "hang" or (mode == "hangrun" and command == "run"):
        time.sleep(60)
    if mode == "crash":
        print("fake adapter: deliberate crash", file=sys.stderr)
        return 3
    if mode == "garbage":
        print("this is not JSON")
        return 0
    protocol = 2 if mode == "badprotocol" else 1
    if command == "describe":
        features = [] if mode == "nofeatures" else answers.get("__features__", [])
        language = answers.get("__language__", "python")
        info = {"name": "fake", "language": language, "version": "0.0.1"}
        print(json.dumps({"protocol": protocol, "implementation": info, "features": features}))
        return 0
    with open(sys.argv[4], encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    assert all("expected" not in c and "tolerance" not in c for c in cases), "not stripped"
    results = []
    for case in cases:
        actual = answers.get(case["id"])
        if mode == "error":
            results.append({"id": case["id"], "status": "error", "message": "fake: no idea"})
        else:
            actual = bump(actual) if mode == "wrong" else actual
            results.append({"id": case["id"], "status": "ok", "actual": actual})
    if mode == "partial":
        results = results[:-1]
    print(json.dumps({"protocol": protocol, "results": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
