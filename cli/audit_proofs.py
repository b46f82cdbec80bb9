"""`pit audit prove` and `pit audit prove-consistency`: the proofs an auditor checks with any
RFC 6962/9162 implementation (docs/audit-format.md), from the database named by DATABASE_URL.

Exit codes: 0 the proof holds, 1 it does not or none can be given (named), 2 usage.
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

import typer


def register(audit_app: typer.Typer) -> None:
    """Add `prove` and `prove-consistency` to the `pit audit` group."""
    audit_app.command("prove")(prove)
    audit_app.command("prove-consistency")(prove_consistency)


def _run(work: Any) -> Any:
    from cli.environment import database_url
    from eventstore.checkpoints import ProofRefused

    dsn = database_url()

    async def run() -> Any:
        import asyncpg

        connection = await asyncpg.connect(dsn)
        try:
            return await work(connection)
        finally:
            await connection.close()

    try:
        return asyncio.run(run())
    except ProofRefused as refused:
        typer.echo(f"REFUSED: {refused}", err=True)
        raise typer.Exit(code=1) from None


def prove(
    event_id: Annotated[str, typer.Argument(help="The event's id.", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print the proof as JSON.")] = False,
) -> None:
    """The inclusion proof of one event in the latest signed checkpoint, checked."""
    from eventstore.checkpoints import prove_inclusion

    answer = _run(lambda connection: prove_inclusion(connection, event_id))
    document = {
        "event_id": event_id,
        "stream_id": answer.stream_id,
        "stream_version": answer.stream_version,
        "leaf_index": answer.leaf_index,
        "leaf_hash": answer.leaf_hash.hex(),
        "checkpoint": answer.checkpoint.to_json(),
        "inclusion_proof": answer.proof,
        "holds": answer.holds,
    }
    if as_json:
        typer.echo(json.dumps(document, sort_keys=True))
    else:
        typer.echo(
            f"event {event_id} ({answer.stream_id} v{answer.stream_version}) is leaf "
            f"{answer.leaf_index} of the checkpoint of {answer.checkpoint.tree_size} events "
            f"(root {answer.checkpoint.head.root_hash.hex()}, key {answer.checkpoint.key_id}); "
            f"audit path of {len(answer.proof['path']) - 1} hashes"
        )
        typer.echo("OK" if answer.holds else "FAILED: the proof does not hold")
    if not answer.holds:
        raise typer.Exit(code=1)


def prove_consistency(
    prior: Annotated[
        int | None, typer.Option("--from", help="The earlier checkpoint's size.")
    ] = None,
    later: Annotated[int | None, typer.Option("--to", help="The later checkpoint's size.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the proof as JSON.")] = False,
) -> None:
    """The consistency proof between two signed checkpoints (by default the last two): the later
    log extends the earlier one, nothing in it changed."""
    from eventstore.checkpoints import prove_consistency as consistency

    answer = _run(lambda connection: consistency(connection, prior, later))
    document = {
        "prior": answer.prior.to_json(),
        "later": answer.later.to_json(),
        "consistency_proof": answer.proof,
        "holds": answer.holds,
    }
    if as_json:
        typer.echo(json.dumps(document, sort_keys=True))
    else:
        typer.echo(
            f"checkpoint of {answer.later.tree_size} events extends the checkpoint of "
            f"{answer.prior.tree_size} events: proof of {len(answer.proof['path'])} hashes"
        )
        typer.echo("OK" if answer.holds else "FAILED: the proof does not hold")
    if not answer.holds:
        raise typer.Exit(code=1)
