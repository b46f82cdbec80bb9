"""The `pit` commands people use, run as the installed `pit` program against the JSON API served
on a loopback port over the real stack (tests/api's: PostgreSQL, the Temporal dev server, the
worker): a participant applies and resubmits, a reviewer reads, claims and recommends, an
approver who reviewed is refused by four-eyes; and each kind of failure has its exit code and
its message, never a traceback."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import uvicorn

from api.app import create_app
from api.server import api_url, listening_socket
from cli.acting import fields_of, list_fields
from cli.agreements import PRIORITY_AREAS, STATUSES
from cli.api_calls import ExitCode
from cli.formatting import day
from cli.inbox import TASK_KINDS
from domain.agreement import Status
from domain.application import PriorityArea
from projections import TaskKind
from tests.api.conftest import (
    Stack,
    admin_dsn,
    application,
    databases,
    dev_server,
    fresh_dsn,
    run_id,
    stack,
)
from tests.api.test_agreement_journey import review_elsewhere
from tests.domain.agreement.agreement_scenarios import BIN

__all__ = ["admin_dsn", "databases", "dev_server", "fresh_dsn", "run_id", "stack"]

PIT = Path(sys.executable).with_name("pit")
PARTICIPANT, REVIEWER, DANA = "alatau-software", "reviewer-aigerim", "approver-dana"
AGREEMENT = "cli-001"
RUN_BOUND_S = 60  # a bound on one `pit` run, not a timing under test


@dataclass(frozen=True)
class Run:
    """One `pit` run: its exit code and what it printed."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def environment(**settings: str) -> dict[str, str]:
    """The environment of a `pit` run: this one without pit's API settings, plus ``settings``;
    wide enough that no table column is folded."""
    env = {k: v for k, v in os.environ.items() if k not in ("PIT_API_URL", "PIT_TOKEN")}
    return env | {"COLUMNS": "200", "NO_COLOR": "1"} | settings


async def pit(*args: str, **settings: str) -> Run:
    """Run `pit` with ``args`` (the event loop serves the API meanwhile)."""
    process = await asyncio.create_subprocess_exec(
        str(PIT),
        *args,
        env=environment(**settings),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), RUN_BOUND_S)
    assert process.returncode is not None
    run = Run(process.returncode, out.decode(), err.decode())
    assert "Traceback" not in run.err, run.err
    return run


class _Server(uvicorn.Server):
    """uvicorn without signal handlers of its own: pytest owns the process."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@pytest_asyncio.fixture
async def served(stack: Stack) -> AsyncIterator[str]:
    """The stack's API served on a loopback port of its own; its base URL.

    The socket listens before uvicorn starts: a connection made meanwhile waits to be taken.
    """
    sock = listening_socket("127.0.0.1", 0)
    server = _Server(
        uvicorn.Config(
            create_app(stack.services),
            lifespan="off",
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=5,
        )
    )
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield api_url(sock)
    finally:
        server.should_exit = True
        await serving
        sock.close()


@pytest.mark.postgres
async def test_people_take_an_application_to_a_four_eyes_refusal_with_the_cli(
    stack: Stack, served: str, tmp_path: Path
) -> None:
    def as_(login: str) -> dict[str, str]:
        return {"PIT_API_URL": served, "PIT_TOKEN": stack.tokens[login]}

    # The participant applies from a JSON file: the id and the status are printed.
    form_file = tmp_path / "form.json"
    form_file.write_text(json.dumps(application()), encoding="utf-8")
    applied = await pit("apply", str(form_file), "--agreement-id", AGREEMENT, **as_(PARTICIPANT))
    assert applied.code == ExitCode.OK, applied.err
    assert f"agreement {AGREEMENT}: in_review" in applied.out

    # Approver Dana reviews through another front door; the participant resubmits from a file.
    await review_elsewhere(stack, AGREEMENT)
    resubmission = tmp_path / "resubmission.json"
    resubmission.write_text(json.dumps({"form": application()}), encoding="utf-8")
    resubmitted = await pit(
        "act",
        AGREEMENT,
        "ResubmitApplication",
        "--data-file",
        str(resubmission),
        **as_(PARTICIPANT),
    )
    assert resubmitted.code == ExitCode.OK, resubmitted.err
    assert f"agreement {AGREEMENT} is now in_review" in resubmitted.out

    # The reviewer's inbox has the review; claiming and releasing it is theirs to do.
    await stack.caught_up()
    inbox = await pit("inbox", **as_(REVIEWER))
    assert inbox.code == ExitCode.OK, inbox.err
    assert AGREEMENT in inbox.out
    assert "review_application" in inbox.out
    assert "RecommendConclusion" in inbox.out
    tasks = (await pit("inbox", "--json", **as_(REVIEWER))).json()
    assert [(t["agreement_id"], t["kind"]) for t in tasks] == [(AGREEMENT, "review_application")]
    claimed = await pit("inbox", "claim", AGREEMENT, "review_application", **as_(REVIEWER))
    assert (claimed.code, claimed.out.strip()) == (
        ExitCode.OK,
        f"claimed review_application of {AGREEMENT} as {REVIEWER}",
    ), claimed.err
    released = await pit("inbox", "release", AGREEMENT, "review_application", **as_(REVIEWER))
    assert released.code == ExitCode.OK, released.err

    # The reviewer lists (a table, and the API's JSON), then shows the agreement.
    listed = await pit("agreements", "list", **as_(REVIEWER))
    assert listed.code == ExitCode.OK, listed.err
    row = next(line for line in listed.out.splitlines() if AGREEMENT in line)
    assert BIN in row
    assert "in_review" in row
    page = (
        await pit("agreements", "list", "--json", "--status", "in_review", **as_(REVIEWER))
    ).json()
    assert [item["agreement_id"] for item in page["items"]] == [AGREEMENT]
    assert (
        await pit("agreements", "list", "--json", "--status", "active", **as_(REVIEWER))
    ).json()["items"] == []
    detail = (await pit("agreements", "show", AGREEMENT, "--json", **as_(REVIEWER))).json()
    assert detail == (await stack.get(REVIEWER, f"/api/agreements/{AGREEMENT}")).json()
    shown = await pit("agreements", "show", AGREEMENT, **as_(REVIEWER))
    assert shown.code == ExitCode.OK, shown.err
    assert "in_review" in shown.out
    assert "Obligations planned" in shown.out
    decision = next(d for d in detail["deadlines"] if d["kind"] == "decision")
    assert any(
        day(decision["due_date"]) in line and "; ".join(decision["legal_basis"]) in line
        for line in shown.out.splitlines()
    ), shown.out

    # The reviewer recommends; Dana, who reviewed, may not decide: four-eyes, exit 1.
    recommended = await pit(
        "act", AGREEMENT, "RecommendConclusion", "--note", "fits the zone", **as_(REVIEWER)
    )
    assert recommended.code == ExitCode.OK, recommended.err
    assert f"agreement {AGREEMENT} is now recommended" in recommended.out
    refused = await pit(
        "act", AGREEMENT, "ApproveConclusion", "--agreement-number", "PIT-2026-201", **as_(DANA)
    )
    assert refused.code == ExitCode.REFUSED
    assert "(409 four_eyes)" in refused.err
    assert "legal basis: pit policy: four-eyes" in refused.err
    timeline = await pit("agreements", "timeline", AGREEMENT, **as_(REVIEWER))
    assert "ActionRefused ApproveConclusion: four_eyes" in timeline.out
    events = (await pit("agreements", "timeline", AGREEMENT, "--json", **as_(REVIEWER))).json()
    assert events["events"][-1]["actor"] == {"id": DANA, "role": "approver"}

    # Input the API refuses names its field (exit 2); an unknown agreement is exit 3.
    no_note = await pit("act", AGREEMENT, "RecommendConclusion", **as_(REVIEWER))
    assert no_note.code == ExitCode.USAGE
    assert "(422 invalid_input)" in no_note.err
    assert "field: note" in no_note.err
    no_action = await pit("act", AGREEMENT, "ApproveEverything", **as_(REVIEWER))
    assert no_action.code == ExitCode.USAGE
    assert "no action 'ApproveEverything'" in no_action.err
    unknown = await pit("agreements", "show", "no-such-agreement", **as_(REVIEWER))
    assert unknown.code == ExitCode.NOT_FOUND
    assert "agreement_not_found" in unknown.err

    # A token the API does not know is exit 4, and says which setting to fix.
    forged = await pit("inbox", PIT_API_URL=served, PIT_TOKEN="pit_0123456789abcdef_forged")
    assert forged.code == ExitCode.NOT_AUTHENTICATED
    assert "PIT_TOKEN" in forged.err


async def test_a_missing_token_or_an_api_not_running_is_said_with_its_exit_code() -> None:
    missing = await pit("agreements", "list", PIT_API_URL="http://127.0.0.1:9")
    assert missing.code == ExitCode.USAGE
    assert "PIT_TOKEN is not set" in missing.err

    closed = listening_socket("127.0.0.1", 0)
    nobody = api_url(closed)
    closed.close()  # nothing listens there now
    for args in (("agreements", "list"), ("act", AGREEMENT, "SignAsParticipant"), ("inbox",)):
        down = await pit(*args, PIT_API_URL=nobody, PIT_TOKEN="pit_0123456789abcdef_any")
        assert down.code == ExitCode.UNAVAILABLE, args
        assert f"pit's API at {nobody} cannot be reached" in down.err


def test_the_cli_spells_the_domain_s_names_as_the_domain_does() -> None:
    assert tuple(Status) == STATUSES
    assert tuple(PriorityArea) == PRIORITY_AREAS
    assert tuple(TaskKind) == TASK_KINDS


def test_an_action_s_fields_come_from_options_lists_where_the_command_takes_a_list() -> None:
    args = ["--items", "give the jobs per year", "--note=[draft] fine", "--year", "2027"]
    assert fields_of(args, list_fields("RequestChanges")) == {
        "items": ["give the jobs per year"],
        "note": "[draft] fine",
        "year": "2027",
    }
    repeated = ["--grounds", "oked_not_allowed", "--grounds", "term_beyond_zone_end", "--final"]
    assert fields_of(repeated, frozenset()) == {
        "grounds": ["oked_not_allowed", "term_beyond_zone_end"],
        "final": True,
    }
    schedule = '[{"year": 2027, "jobs": 30}]'
    assert fields_of(["--obligations", schedule], list_fields("ApproveConclusion")) == {
        "obligations": [{"year": 2027, "jobs": 30}]
    }
