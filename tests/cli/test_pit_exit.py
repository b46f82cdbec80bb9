"""`pit`, run as people run it (the console script, a process of its own), ends with its command's
own status and output after it started the Temporal SDK's core, never with the interpreter's
abort.

temporalio's Rust threads can take the GIL while the interpreter finalizes (sdk-python#300):
before cli.main's ``main`` left without that teardown, `pit audit replay-workflows` against a
Temporal that refused the connection ended with "Fatal Python error: PyGILState_Release" and
status 134 in 3 of 35 runs on this machine. The abort is a race, so the first test checks
what prevents it, the interpreter's teardown skipped, which it always is; the loop only shows
the real command's status and message coming out whole every time.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from cli.api_calls import ExitCode

PIT = str(Path(sys.executable).with_name("pit"))
REFUSED = "127.0.0.1:1"  # loopback, nothing listens: the connect is refused at once
RUNS = 9
AT_ONCE = 3


async def _run(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    """`pit` with ``args``: its exit status, stdout and stderr."""
    return await _exec(PIT, *args, env=env)


async def _exec(*argv: str, env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *argv,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def _env(dsn: str) -> dict[str, str]:
    """Temporal refusing; PostgreSQL the tests' own (`pit status` only reads it)."""
    return os.environ | {"DATABASE_URL": dsn, "TEMPORAL_ADDRESS": REFUSED, "NO_COLOR": "1"}


# The console script's own code, with a teardown hook that says whether teardown ran.
TEARDOWN_WATCHED = """
import atexit, sys
import cli.main
atexit.register(lambda: print("interpreter teardown ran", flush=True))
sys.argv = ["pit", *sys.argv[1:]]
cli.main.main()
"""
WATCHED = (sys.executable, "-c", TEARDOWN_WATCHED)


async def test_after_loading_temporal_pit_leaves_without_the_interpreters_teardown(
    admin_database_url: str,
) -> None:
    code, out, err = await _exec(
        *WATCHED, "audit", "replay-workflows", env=_env(admin_database_url)
    )

    assert code == ExitCode.UNAVAILABLE, err
    assert "interpreter teardown ran" not in out
    assert f"Temporal at {REFUSED}" in err


async def test_a_command_that_never_starts_temporals_core_ends_as_usual() -> None:
    code, out, err = await _exec(
        *WATCHED, "audit", "verify", "--help", env=os.environ | {"NO_COLOR": "1"}
    )

    assert code == 0, err
    assert "interpreter teardown ran" in out


async def test_replay_workflows_against_a_refusing_temporal_always_exits_5_with_its_message(
    admin_database_url: str,
) -> None:
    slots = asyncio.Semaphore(AT_ONCE)

    async def once() -> tuple[int, str, str]:
        async with slots:
            return await _run("audit", "replay-workflows", env=_env(admin_database_url))

    runs = await asyncio.gather(*(once() for _ in range(RUNS)))

    for code, _, err in runs:
        assert "Fatal Python error" not in err, err
        assert code == ExitCode.UNAVAILABLE, err
        assert f"Temporal at {REFUSED}" in err, err


async def test_status_through_a_pipe_prints_its_whole_screen_before_it_exits(
    admin_database_url: str,
) -> None:
    code, out, err = await _run("status", env=_env(admin_database_url))

    assert code == 1, err
    assert out.startswith("pit status at "), out
    # The screen's last lines, which a lost buffer would drop first.
    assert out.rstrip().endswith(f"Temporal unreachable at {REFUSED}"), out
    assert "Fatal Python error" not in err, err


async def test_a_setting_pit_refuses_is_said_naming_the_variable_and_rule_with_status_2() -> None:
    env = os.environ | {
        "PIT_API_PORT": "eighty",
        "PIT_REMINDER_POLICY": '{"spread": "PT2H"}',
        "NO_COLOR": "1",
    }

    code, out, err = await _run("serve", env=env)

    assert code == ExitCode.USAGE, err
    assert err.splitlines() == [
        "pit cannot start: the environment sets these wrongly",
        "  PIT_API_PORT: Input should be a valid integer, unable to parse string as an integer",
        "  PIT_REMINDER_POLICY.spread: Input should be less than or equal to 1 hour",
    ]
    assert out == ""
