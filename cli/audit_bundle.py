"""`pit audit export` and `pit audit check-bundle`: an agreement's evidence in one file, and its
verification offline (docs/audit-format.md, "Evidence bundles").

Exit codes: 0 written / the bundle verifies; 1 the export is refused or the bundle does not
verify (the reason on the last line); 2 usage or settings (DATABASE_URL, the key for
``--checkpoint``, a file that cannot be read, a malformed ``--trusted-key``); 5 the database
cannot be reached.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.api_calls import ExitCode

if TYPE_CHECKING:
    from audit.bundle import EvidenceBundle
    from audit.bundle_check import BundleCheck
    from eventstore.checkpoints import SigningKey

# `--checkpoint`: a checkpoint covers the transactions that have ended in the whole cluster,
# so one still running elsewhere can hold the newest events back for a moment.
CHECKPOINT_ATTEMPTS = 40
CHECKPOINT_RETRY_SECONDS = 0.25


def register(audit_app: typer.Typer) -> None:
    """Add `export` and `check-bundle` to the `pit audit` group."""
    audit_app.command("export")(export)
    audit_app.command("check-bundle")(check_bundle)


# --- pit audit export ------------------------------------------------------------------------


def export(
    agreement_id: Annotated[str, typer.Argument(help="The agreement's id.", show_default=False)],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The bundle file to write.", show_default=False)
    ],
    make_checkpoint: Annotated[
        bool,
        typer.Option(
            "--checkpoint",
            help="Sign a checkpoint first when the latest one does not cover the agreement's "
            "newest events (needs PIT_CHECKPOINT_KEY_FILE).",
        ),
    ] = False,
) -> None:
    """Write an agreement's evidence bundle, to verify offline.

    One file: the agreement's events as stored, their inclusion proofs to the latest signed
    checkpoint, the checkpoint and its public key, the rule sets the events name and the code
    version. `pit audit check-bundle` verifies it with no database. Refused (exit 1) while
    some of its events are newer than the latest checkpoint: run `pit audit checkpoint`
    first, or pass --checkpoint.
    """
    from cli.audit import _settings_key
    from cli.environment import database_url

    dsn = database_url()
    key = _settings_key() if make_checkpoint else None
    import asyncpg

    from audit.bundle_errors import ExportRefused, NotYetCheckpointed

    try:
        bundle = asyncio.run(_export(dsn, agreement_id, key))
    except ExportRefused as refused:
        if key is not None and isinstance(refused, NotYetCheckpointed):
            typer.echo(
                "a transaction still open on the server holds the newest events back from "
                "a checkpoint: try again shortly",
                err=True,
            )
        typer.echo(f"REFUSED: {refused}", err=True)
        raise typer.Exit(code=1) from None
    except OSError as error:
        typer.echo(f"the database cannot be reached: {error}", err=True)
        raise typer.Exit(code=ExitCode.UNAVAILABLE) from None
    except asyncpg.PostgresError as error:
        typer.echo(f"the database refused: {error} (check DATABASE_URL's login)", err=True)
        raise typer.Exit(code=2) from None
    raw = bundle.encode()
    try:
        output.write_bytes(raw)
    except OSError as error:
        typer.echo(f"cannot write {output}: {error}", err=True)
        raise typer.Exit(code=2) from None
    from audit.bundle import bundle_digest

    checkpoint = bundle.checkpoint
    typer.echo(
        f"agreement {agreement_id}: {len(bundle.events)} events, proved against the "
        f"checkpoint of {checkpoint.tree_size} events signed {checkpoint.signed_at} by key "
        f"{checkpoint.key_id}"
    )
    typer.echo(f"written to {output} (sha256 {bundle_digest(raw)})")


async def _export(dsn: str, agreement_id: str, key: SigningKey | None) -> EvidenceBundle:
    import asyncpg

    from audit.bundle_errors import NotYetCheckpointed
    from audit.bundle_export import export_bundle
    from eventstore.checkpoints import make_checkpoint

    connection = await asyncpg.connect(dsn)
    try:
        attempt = 1
        while True:
            if key is not None:
                await make_checkpoint(connection, key, datetime.now(UTC))
            try:
                return await export_bundle(connection, agreement_id, now=datetime.now(UTC))
            except NotYetCheckpointed:
                if key is None or attempt == CHECKPOINT_ATTEMPTS:
                    raise
            attempt += 1
            await asyncio.sleep(CHECKPOINT_RETRY_SECONDS)
    finally:
        await connection.close()


# --- pit audit check-bundle ------------------------------------------------------------------


def check_bundle(
    bundle_file: Annotated[
        Path, typer.Argument(help="The evidence bundle to verify.", show_default=False)
    ],
    trusted_key: Annotated[
        list[str] | None,
        typer.Option(
            "--trusted-key",
            help="The zone's published public key (64 hex digits): the checkpoint must be "
            "signed by it. May be given more than once.",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Verify an evidence bundle offline and print the agreement's replayed state.

    Checks every event's digests and hash chain, each inclusion proof against the
    checkpoint's root and the checkpoint's Ed25519 signature, then replays the events with
    pit's domain. Needs no database and no network. Compare the key id printed with the
    zone's published key, or pass it with --trusted-key. Exit status 0 only when all holds;
    otherwise 1 and the first problem (event version and check).
    """
    from audit.bundle_check import check_bundle_file
    from eventstore.checkpoints import CheckpointKeyError, public_key_from_hex

    try:
        keys = [public_key_from_hex(text) for text in trusted_key or ()]
    except CheckpointKeyError as error:
        typer.echo(f"--trusted-key: {error}", err=True)
        raise typer.Exit(code=2) from None
    try:
        raw = bundle_file.read_bytes()
    except OSError as error:
        typer.echo(f"cannot read {bundle_file}: {error}", err=True)
        raise typer.Exit(code=2) from None
    result = check_bundle_file(raw, keys)
    if as_json:
        typer.echo(json.dumps(check_json(result, trusted=bool(keys)), ensure_ascii=False, indent=2))
    else:
        _print_check(result, trusted=bool(keys))
    if not result.ok:
        raise typer.Exit(code=1)


def check_json(result: BundleCheck, *, trusted: bool) -> dict[str, Any]:
    """The result of `check-bundle --json`."""
    from audit.bundle_replay import state_summary

    bundle, problem = result.bundle, result.problem
    return {
        "ok": result.ok,
        "bundle_sha256": result.digest,
        "canonical": result.canonical,
        "agreement_id": bundle.agreement_id if bundle else None,
        "events": len(bundle.events) if bundle else None,
        "exported_at": bundle.exported_at if bundle else None,
        "code_version": bundle.code_version.model_dump() if bundle else None,
        "rule_set_versions": [r.version for r in bundle.rule_sets] if bundle else None,
        "checkpoint": (
            {
                "tree_size": bundle.checkpoint.tree_size,
                "root_hash": bundle.checkpoint.root_hash,
                "signed_at": bundle.checkpoint.signed_at,
                "key_id": bundle.checkpoint.key_id,
                "public_key": bundle.checkpoint.public_key,
            }
            if bundle
            else None
        ),
        "key_checked_against_trusted": trusted,
        "problem": (
            {
                "check": problem.failure.value,
                "stream_version": problem.stream_version,
                "detail": problem.detail,
                "message": str(problem),
            }
            if problem
            else None
        ),
        "state": state_summary(result.state) if result.state is not None else None,
    }


def _print_check(result: BundleCheck, *, trusted: bool) -> None:
    from audit.bundle_replay import state_summary

    bundle = result.bundle
    typer.echo(
        f"bundle sha256 {result.digest}"
        + ("" if result.canonical or bundle is None else " (not in canonical form)")
    )
    if bundle is not None:
        code = bundle.code_version
        typer.echo(
            f"agreement {bundle.agreement_id}: {len(bundle.events)} events, exported "
            f"{bundle.exported_at} by {code.package} {code.version}"
            + (f" (commit {code.git_commit})" if code.git_commit else "")
        )
        checkpoint = bundle.checkpoint
        typer.echo(
            f"checkpoint of {checkpoint.tree_size} events, root {checkpoint.root_hash}, "
            f"signed {checkpoint.signed_at} by key {checkpoint.key_id}"
        )
        if trusted:
            typer.echo("the key was checked against the trusted key(s) given")
        else:
            typer.echo(
                f"public key {checkpoint.public_key}: compare its id {checkpoint.key_id} with "
                "the zone's published key (or pass it with --trusted-key)"
            )
        typer.echo("rule sets: " + ", ".join(r.version for r in bundle.rule_sets))
    if result.state is not None:
        typer.echo("replayed state:")
        for name, value in state_summary(result.state).items():
            typer.echo(f"  {name}: {_shown(value)}")
    typer.echo("OK" if result.problem is None else f"FAILED: {result.problem}")


def _shown(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False) if value else "-"
    return str(value)
