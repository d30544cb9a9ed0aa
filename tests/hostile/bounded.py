"""Running `tip` in a child process with a time limit, for tests whose failure would be a
hang (a named pipe, a device, a trickling server): a regression fails the test instead of
stopping the suite."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping

TIP = [sys.executable, "-m", "tipweek"]
LIMIT = 10.0  # seconds; the commands under test finish in well under one


def run_bounded(
    *args: str, env: Mapping[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """`tip ARGS` with the test's environment (TIP_* set by the fixtures) in a new process."""
    try:
        return subprocess.run(
            [*TIP, *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=LIMIT,
            env={**os.environ, **(env or {})},
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(f"`tip {' '.join(args)}` was still running after {LIMIT:g}s") from None
