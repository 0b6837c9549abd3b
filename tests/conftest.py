"""Shared test set-up: the hypothesis profiles.

The ``ci`` profile is the default: enough examples to find the usual mistakes while
the whole suite stays well under a minute on two cores. ``HYPOTHESIS_PROFILE=dev``
searches ten times harder, for a run on purpose after changing the diff.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=100,
    # Timing varies too much between machines to fail a test on; the suite's run
    # time is watched as a whole instead.
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", parent=settings.get_profile("ci"), max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
