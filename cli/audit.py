"""`pit audit`: what an auditor runs against pit's database (read access to ``events`` and
``checkpoints`` is enough for everything but ``checkpoint``).

Exit codes: 0 all holds, 1 something does not hold (named on the last line), 2 usage or
settings (DATABASE_URL or the key missing).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from cli.environment import database_url

if TYPE_CHECKING:
    from eventstore.checkpoints import SigningKey
    from eventstore.integrity import IntegrityReport

audit_app = typer.Typer(
    help="Audit the log: verify chains and signed checkpoints, make checkpoints, keys.",
    no_args_is_help=True,
)


def _settings_key() -> SigningKey:
    from eventstore.checkpoints import CheckpointKeyError, SigningKey
    from workers.settings import PitSettings

    path = PitSettings().checkpoint_key_file
    if path is None:
        typer.echo(
            "PIT_CHECKPOINT_KEY_FILE is not set: name the zone's checkpoint key "
            "(`pit audit keygen -o <file>` makes one)",
            err=True,
        )
        raise typer.Exit(code=2)
    try:
        return SigningKey.read(path)
    except CheckpointKeyError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(code=2) from None


def trusted_keys() -> list[bytes]:
    """The public keys whose checkpoints are trusted: PIT_CHECKPOINT_TRUSTED_KEYS, and the
    public half of PIT_CHECKPOINT_KEY_FILE when it is readable here."""
    from eventstore.checkpoints import CheckpointKeyError, SigningKey, public_key_from_hex
    from workers.settings import PitSettings

    settings = PitSettings()
    keys: list[bytes] = []
    try:
        for text in filter(None, (t.strip() for t in settings.checkpoint_trusted_keys.split(","))):
            keys.append(public_key_from_hex(text))
    except CheckpointKeyError as error:
        typer.echo(f"PIT_CHECKPOINT_TRUSTED_KEYS: {error}", err=True)
        raise typer.Exit(code=2) from None
    if settings.checkpoint_key_file is not None:
        # An auditor may not read the private key: then the trusted public keys are the list.
        with contextlib.suppress(CheckpointKeyError):
            keys.append(SigningKey.read(settings.checkpoint_key_file).public_key)
    return keys


@audit_app.command()
def keygen(
    output: Annotated[Path, typer.Option("--output", "-o", help="The new key's PEM file.")],
) -> None:
    """Make a new Ed25519 key for signing checkpoints (a file only its owner can read)."""
    from eventstore.checkpoints import SigningKey

    key = SigningKey.generate()
    try:
        key.write(output)
    except FileExistsError:
        typer.echo(f"{output} exists: a key is never overwritten", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(f"key {key.key_id} written to {output}")
    typer.echo(f"public key (for PIT_CHECKPOINT_TRUSTED_KEYS): {key.public_key.hex()}")


@audit_app.command()
def checkpoint(
    as_json: Annotated[bool, typer.Option("--json", help="Print the checkpoint as JSON.")] = False,
) -> None:
    """Sign and store a checkpoint of the log now (the worker also makes them on a schedule)."""
    dsn, key = database_url(), _settings_key()
    import asyncpg

    from eventstore.checkpoints import make_checkpoint

    async def run() -> dict[str, object] | None:
        connection = await asyncpg.connect(dsn)
        try:
            made = await make_checkpoint(connection, key, datetime.now(UTC))
        finally:
            await connection.close()
        return made.to_json() if made is not None else None

    made = asyncio.run(run())
    if made is None:
        typer.echo("the log is empty: nothing to sign")
        return
    if as_json:
        typer.echo(json.dumps(made, sort_keys=True))
        return
    typer.echo(
        f"checkpoint of {made['tree_size']} events: root {made['root_hash']}, "
        f"signed {made['signed_at']} by key {made['key_id']}"
    )


def _report_json(report: IntegrityReport) -> dict[str, object]:
    return {
        "ok": report.ok,
        "events": report.events,
        "streams": report.chains.streams_checked,
        "chain_failures": [
            {
                "stream_id": f.stream_id,
                "stream_version": f.stream_version,
                "reason": f.reason.value,
                "detail": f.detail,
            }
            for f in report.chains.failures
        ],
        "guard_problems": list(report.guard_problems),
        "checkpoints": [c.to_json() for c in report.checkpoints],
        "checkpoint_problems": [
            {"tree_size": p.tree_size, "reason": p.reason} for p in report.checkpoint_problems
        ],
        "first_problem": report.first_problem,
    }


@audit_app.command()
def verify(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Verify every stream's chain, the immutability guard and every signed checkpoint.

    Exit status 0 only when all hold; otherwise the first broken stream and version (or the
    guard's gap, or the checkpoint that fails) and why.
    """
    dsn, keys = database_url(), trusted_keys()
    from eventstore.integrity import verify_log

    with Console(stderr=True).status("verifying the log..."):
        report = asyncio.run(verify_log(dsn, keys))
    if as_json:
        typer.echo(json.dumps(_report_json(report), sort_keys=True))
    else:
        latest = report.checkpoints[-1] if report.checkpoints else None
        typer.echo(
            f"{report.events} events in {report.chains.streams_checked} streams; "
            f"{len(report.checkpoints)} checkpoint(s)"
            + (f", the latest of {latest.tree_size} events" if latest else "")
        )
        if not keys:
            typer.echo(
                "no trusted checkpoint key: set PIT_CHECKPOINT_TRUSTED_KEYS "
                "(or PIT_CHECKPOINT_KEY_FILE)",
                err=True,
            )
        for failure in report.chains.failures:
            typer.echo(
                f"BROKEN stream {failure.stream_id} version {failure.stream_version}: "
                f"{failure.reason.value} ({failure.detail})"
            )
        for problem in report.guard_problems:
            typer.echo(f"GUARD {problem}")
        for checkpoint_problem in report.checkpoint_problems:
            typer.echo(f"CHECKPOINT {checkpoint_problem}")
        typer.echo("OK" if report.ok else f"FAILED: {report.first_problem}")
    if not report.ok:
        raise typer.Exit(code=1)


__import__("cli.audit_replay").audit_replay.register(audit_app)  # replay, replay-workflows
__import__("cli.audit_bundle").audit_bundle.register(audit_app)  # export, check-bundle
__import__("cli.audit_proofs").audit_proofs.register(audit_app)  # prove, prove-consistency
