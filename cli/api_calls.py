"""What every `pit` command that works through the JSON API shares: where the API is and whose
token to send, a spinner for a call that takes more than a second, and the API's refusals
turned into messages and exit codes.

Exit codes: 0 done; 1 refused by the agreement (409) or not permitted (403); 2 usage, settings
or input (422); 3 not found (404); 4 not authenticated (401); 5 the API unavailable (nothing
answers, or 503). None of these prints a traceback.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import IntEnum
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlsplit

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from cli.client import ApiRefused, PitClient

DEFAULT_API_URL = "http://127.0.0.1:8000"  # where `pit up` serves it by default
SPINNER_AFTER_S = 1.0
TOKEN_HELP = "`pit users token <login> --name cli` prints one"  # noqa: S105 - a hint, no secret


class ExitCode(IntEnum):
    """What a `pit` command's exit status means."""

    OK = 0
    REFUSED = 1  # the agreement refused the action (409), or the role may not (403)
    USAGE = 2  # a usage error, a missing setting, input the API refused (422)
    NOT_FOUND = 3  # no such agreement or task (404)
    NOT_AUTHENTICATED = 4  # the token is unknown, expired or revoked (401)
    UNAVAILABLE = 5  # the API cannot be reached, or says it cannot serve now (503)


ApiUrlOption = Annotated[
    str,
    typer.Option(
        "--api-url",
        envvar="PIT_API_URL",
        show_envvar=True,
        help="The server pit's API is served on (`pit up` prints it).",
    ),
]
TokenOption = Annotated[
    str | None,
    typer.Option(
        "--token",
        envvar="PIT_TOKEN",
        show_envvar=True,
        show_default=False,
        help=f"Your API token ({TOKEN_HELP}); better set in PIT_TOKEN, as options show in `ps`.",
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print the API's JSON as it answered, for scripts.")
]


def one_of(choices: tuple[str, ...]) -> Callable[[Any], Any]:
    """An option's or argument's callback that refuses (exit 2) a value not in ``choices``."""

    def check(value: Any) -> Any:
        for given in value if isinstance(value, list | tuple) else (value,):
            if given is not None and given not in choices:
                raise typer.BadParameter(f"{given!r} is not one of: {', '.join(choices)}")
        return value

    return check


def errors() -> Console:
    """Where refusals and hints go: standard error, never wrapped (messages are grepped)."""
    return Console(stderr=True, soft_wrap=True, highlight=False)


def print_json(answer: Any) -> None:
    """The API's answer as JSON on standard output."""
    typer.echo(json.dumps(answer, ensure_ascii=False, indent=2))


def _api_url(api_url: str) -> str:
    try:
        parts = urlsplit(api_url.strip())
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        valid = valid and (parts.port is None or parts.port > 0) and " " not in api_url.strip()
    except ValueError:  # a bracketed host that is no IPv6 address, a port out of range
        valid = False
    if not valid:
        errors().print(
            f"PIT_API_URL (or --api-url) {escape(api_url)!r} is not an http(s) URL: give the "
            f"server pit's API is served on, e.g. {DEFAULT_API_URL}"
        )
        raise typer.Exit(ExitCode.USAGE)
    return api_url.strip()


def _token(token: str | None) -> str:
    bearer = (token or "").strip()
    if not bearer:
        errors().print(
            f"PIT_TOKEN is not set: set it (or pass --token) to your API token; {TOKEN_HELP}"
        )
        raise typer.Exit(ExitCode.USAGE)
    if not bearer.isascii() or not bearer.isprintable() or " " in bearer:
        errors().print(f"PIT_TOKEN (or --token) is not an API token; {TOKEN_HELP}")
        raise typer.Exit(ExitCode.USAGE)
    return bearer


@contextmanager
def _spinner(doing: str) -> Iterator[None]:
    """A spinner on a terminal's standard error, shown once a call has taken a second."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield
        return
    status = console.status(doing)
    timer = threading.Timer(SPINNER_AFTER_S, status.start)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        timer.join()
        status.stop()


@contextmanager
def calling_api(api_url: str, token: str | None, doing: str) -> Iterator[PitClient]:
    """A client of the API for the calls of one command, with a spinner while they run.

    A refusal, or an API that cannot be reached, ends the command here with its message and
    exit code; a command that reads a refusal its own way catches ``ApiRefused`` first.
    """
    from cli.client import ApiRefused, ApiUnreachable, PitClient, api_root

    root = api_root(_api_url(api_url))
    bearer = _token(token)
    try:
        with PitClient(root, bearer) as client, _spinner(doing):
            yield client
    except ApiRefused as refused:
        raise typer.Exit(report_refusal(refused, root)) from None
    except ApiUnreachable as unreachable:
        errors().print(
            f"[bold red]unavailable[/]: pit's API at {escape(root)} cannot be reached "
            f"({escape(str(unreachable))}); is `pit up` running there? PIT_API_URL or "
            "--api-url names another server"
        )
        raise typer.Exit(ExitCode.UNAVAILABLE) from None


def exit_code(status: int) -> ExitCode:
    """The exit code of an API error's HTTP status."""
    if status == 401:
        return ExitCode.NOT_AUTHENTICATED
    if status == 404:
        return ExitCode.NOT_FOUND
    if status in (400, 422):
        return ExitCode.USAGE
    if status >= 500:
        return ExitCode.UNAVAILABLE
    return ExitCode.REFUSED


_HEADINGS = {
    ExitCode.NOT_AUTHENTICATED: "not authenticated",
    ExitCode.NOT_FOUND: "not found",
    ExitCode.USAGE: "invalid input",
    ExitCode.UNAVAILABLE: "unavailable",
}


def report_refusal(refused: ApiRefused, root: str) -> ExitCode:
    """Say why the API refused, on standard error: code, message, field and legal basis."""
    code = exit_code(refused.status)
    heading = _HEADINGS.get(code, "not permitted" if refused.status == 403 else "refused")
    console = errors()
    console.print(
        f"[bold red]{heading}[/] ({refused.status} {escape(refused.code)}): "
        f"{escape(refused.message)}"
    )
    if refused.field:
        console.print(f"  field: {escape(refused.field)}")
    if refused.legal_basis:
        console.print(f"  legal basis: {escape('; '.join(refused.legal_basis))}")
    if code is ExitCode.NOT_AUTHENTICATED:
        console.print(
            f"  PIT_TOKEN (or --token) is not accepted by {escape(root)}: it may be mistyped, "
            f"expired or revoked; {TOKEN_HELP}"
        )
    return code
