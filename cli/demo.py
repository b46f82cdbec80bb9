"""`pit up --demo`: load the demo agreements once the worker runs, and say what is where."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from rich.console import Console
from rich.markup import escape
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError


def demo_loader(console: Console, task_queue: str) -> Callable[[Client], Awaitable[None]]:
    """What `pit up --demo` runs beside the worker: the demo loaded, one line per stage."""

    async def load(client: Client) -> None:
        from workers.demo import DemoUnavailable, load_demo  # here: `pit --help` stays fast

        console.print("  demo: loading agreements demo-001... through their workflows")
        console.file.flush()
        try:
            summary = await load_demo(client, task_queue)
        except (DemoUnavailable, WorkflowUpdateFailedError, RPCError) as failed:
            console.print(f"  [red]demo not loaded[/]: {escape(str(failed))}")
        else:
            console.print(
                f"  demo: {len(summary.agreements)} agreements, "
                f"{summary.applied} actions recorded now"
                + (" (all loaded before)" if summary.applied == 0 else "")
            )
            for line in summary.lines():
                console.print(f"    {escape(line)}")
        console.file.flush()

    return load
