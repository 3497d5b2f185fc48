"""Every port's adapter declares exactly the features of conformance/features.json.

A feature an adapter leaves out of `describe` makes the harness skip every case
that needs it (SPEC §7.3); a required impl then fails, but the declaration
itself is checked here for every port, so a port cannot quietly opt out of a
feature. features.json is read at test time: a new feature must be declared by
every adapter.
"""

from __future__ import annotations

import json

from .conftest import TIMEOUT, harness


def test_describe_declares_exactly_the_registered_features(adapter):
    code, out, err = harness.run_process([*adapter.command, "describe"], TIMEOUT, adapter.env)
    assert code == 0, f"{adapter.name} describe failed: {err.strip()[-500:]}"
    declared = json.loads(out)["features"]
    registered = set(harness.registered_features())
    assert len(declared) == len(set(declared)), f"{adapter.name} declares a feature twice"
    assert not registered - set(declared), f"{adapter.name} does not declare " + str(
        sorted(registered - set(declared))
    )
    assert not set(declared) - registered, f"{adapter.name} declares unregistered " + str(
        sorted(set(declared) - registered)
    )
