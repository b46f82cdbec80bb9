"""`pit apply` and `pit act`: changing an agreement through pit's JSON API, as the user whose
token is sent (the API and the domain decide whether that user may).

`pit act <agreement> <Action>` takes the action's fields as options after the action
(``--note "fits the zone"``, ``--agreement-number PIT-2026-101``; a repeated option, or a field
the action takes as a list, is sent as a list; a value starting with ``[`` or ``{`` is read as
JSON), or all of them as JSON with ``--data`` or ``--data-file``; options override the JSON.
"""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import typer
from rich.console import Console
from rich.markup import escape

from cli.api_calls import (
    DEFAULT_API_URL,
    ApiUrlOption,
    ExitCode,
    JsonOption,
    TokenOption,
    calling_api,
    errors,
    print_json,
)

# `pit act` reads the action's fields from the options click does not know.
ACT_CONTEXT = {"allow_extra_args": True, "ignore_unknown_options": True}
MAX_FILE_BYTES = 10_000_000  # far over any application; a wrong file is not read whole


def _read_json(source: str, what: str) -> Any:
    """JSON from a file (``-``: standard input); a file that cannot be read is a usage error."""
    try:
        if source == "-":
            text = sys.stdin.read(MAX_FILE_BYTES)
        else:
            with Path(source).open(encoding="utf-8") as file:
                text = file.read(MAX_FILE_BYTES)
    except (OSError, UnicodeDecodeError) as error:
        errors().print(f"cannot read {escape(what)} {escape(source)!r}: {escape(str(error))}")
        raise typer.Exit(ExitCode.USAGE) from None
    return _parse_json(text, f"{what} {source!r}")


def _parse_json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        errors().print(f"{escape(what)} is not JSON: {escape(str(error))}")
        raise typer.Exit(ExitCode.USAGE) from None


def _submission(document: Any, source: str) -> tuple[dict[str, Any], str | None]:
    """The form and the agreement id of a file holding either the form, or the API's whole
    submission (``{"agreement_id": ..., "form": {...}}``)."""
    if not isinstance(document, dict):
        errors().print(f"{escape(source)!r} holds no JSON object: give the application's form")
        raise typer.Exit(ExitCode.USAGE)
    if isinstance(document.get("form"), dict) and set(document) <= {"form", "agreement_id"}:
        agreement_id = document.get("agreement_id")
        return document["form"], agreement_id if isinstance(agreement_id, str) else None
    return document, None


def apply(
    form_file: Annotated[
        str,
        typer.Argument(
            help="The application's form as JSON (or the API's {agreement_id, form}); "
            "- reads standard input.",
            metavar="FORM.json",
        ),
    ],
    agreement_id: Annotated[
        str | None,
        typer.Option(
            "--agreement-id", help="The new agreement's id (pit makes one when left out)."
        ),
    ] = None,
    as_json: JsonOption = False,
    api_url: ApiUrlOption = DEFAULT_API_URL,
    token: TokenOption = None,
) -> None:
    """Submit an application for your own BIN: prints the new agreement's id and status.

    It is screened at once: ``in_review``, or ``refused`` with every reason and its legal basis.
    """
    form, named = _submission(_read_json(form_file, "the form"), form_file)
    with calling_api(api_url, token, "Submitting the application...") as api:
        agreement = api.submit_application(form, agreement_id or named)
    if as_json:
        print_json(agreement)
        return
    console = Console()
    console.print(f"agreement {escape(agreement['agreement_id'])}: [bold]{agreement['status']}[/]")
    for finding in agreement["state"].get("findings") or ():
        kind = "refusal" if finding.get("hard") else "note"
        legal_basis = "; ".join(finding.get("legal_basis") or ())
        console.print(
            f"  {kind} {escape(finding['code'])}: {escape(finding['message'])} "
            f"{escape(f'[{legal_basis}]')}"
        )


def _is_sequence(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _is_sequence(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return any(_is_sequence(arg) for arg in get_args(annotation) if arg is not type(None))
    return origin in (tuple, list, set, frozenset)


def list_fields(action: str) -> frozenset[str]:
    """The fields ``action`` takes as a list (none for an action this pit does not know: the
    API says what it makes of it)."""
    from domain.agreement import AgreementCommand

    for command in get_args(get_args(AgreementCommand)[0]):
        if command.model_fields["type"].default == action:
            return frozenset(
                name
                for name, field in command.model_fields.items()
                if _is_sequence(field.annotation)
            )
    return frozenset()


def _value(text: str) -> Any:
    if text[:1] in ("[", "{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text  # a note that starts with a bracket
    return text


def fields_of(args: list[str], as_lists: frozenset[str]) -> dict[str, Any]:
    """The action's fields from ``--name value`` (or ``--name=value``; ``--name`` alone is
    true) options: dashes in names become underscores."""
    given: dict[str, list[Any]] = {}
    position = 0
    while position < len(args):
        option = args[position]
        if not option.startswith("--") or option == "--":
            raise typer.BadParameter(
                f"{option!r} is not a field: give each as --name value after the action",
                param_hint="FIELDS",
            )
        name, equals, text = option[2:].partition("=")
        value: Any = _value(text)
        if not equals:
            following = args[position + 1] if position + 1 < len(args) else None
            if following is not None and not following.startswith("--"):
                value = _value(following)
                position += 1
            else:
                value = True
        key = name.replace("-", "_")
        if not key.isidentifier():
            raise typer.BadParameter(f"{option!r} names no field", param_hint="FIELDS")
        given.setdefault(key, []).append(value)
        position += 1
    fields: dict[str, Any] = {}
    for key, values in given.items():
        if len(values) > 1 or (key in as_lists and not isinstance(values[0], list)):
            fields[key] = values
        else:
            fields[key] = values[0]
    return fields


def act(
    ctx: typer.Context,
    agreement_id: Annotated[str, typer.Argument(help="The agreement's id.")],
    action: Annotated[
        str,
        typer.Argument(
            help="The domain's command name, as the API and the inbox name it "
            "(RecommendConclusion, ApproveConclusion, SignAsParticipant...)."
        ),
    ],
    data: Annotated[
        str | None, typer.Option("--data", help="The action's fields as one JSON object.")
    ] = None,
    data_file: Annotated[
        str | None,
        typer.Option("--data-file", help="The action's fields from a JSON file (- for stdin)."),
    ] = None,
    idempotency_key: Annotated[
        str | None,
        typer.Option(
            "--idempotency-key",
            help="Retrying with the same key returns the first attempt's answer.",
        ),
    ] = None,
    as_json: JsonOption = False,
    api_url: ApiUrlOption = DEFAULT_API_URL,
    token: TokenOption = None,
) -> None:
    """Take an action on an agreement, as yourself: prints its status after the action.

    Fields follow the action as options: pit act demo-001 RecommendConclusion --note "fits".
    """
    if data is not None and data_file is not None:
        raise typer.BadParameter("give --data or --data-file, not both", param_hint="--data")
    body: Any = {}
    if data is not None:
        body = _parse_json(data, "--data")
    elif data_file is not None:
        body = _read_json(data_file, "--data-file")
    if not isinstance(body, dict):
        raise typer.BadParameter("the fields are one JSON object", param_hint="--data")
    body.update(fields_of(list(ctx.args), list_fields(action)))
    from cli.client import ApiRefused

    with calling_api(api_url, token, f"{action}...") as api:
        try:
            agreement = api.act(agreement_id, action, body, idempotency_key=idempotency_key)
        except ApiRefused as refused:
            if refused.status in (404, 405) and refused.code in ("not_found", "method_not_allowed"):
                errors().print(
                    f"[bold red]no action[/] {escape(action)!r}: actions are the domain's "
                    "command names (RecommendConclusion, SignAsParticipant...); your inbox "
                    "lists those that settle your tasks (`pit inbox`)"
                )
                raise typer.Exit(ExitCode.USAGE) from None
            raise
    if as_json:
        print_json(agreement)
        return
    Console().print(
        f"{escape(action)}: agreement {escape(agreement['agreement_id'])} is now "
        f"[bold]{agreement['status']}[/]"
    )
