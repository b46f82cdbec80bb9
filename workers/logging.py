"""structlog set-up: JSON in production, readable in a terminal.

The standard library's records (the Temporal SDK's, uvicorn's, asyncpg's) are rendered by the
same processors through structlog's ``ProcessorFormatter``, so a JSON log is JSON throughout:
one line per record, whoever wrote it.
"""

from __future__ import annotations

import logging
import sys

import structlog

_PIT_HANDLER = "pit-structlog"  # the name of the handler this module puts on the root logger


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record comes (a test may have swapped it
    since: a handler holding the old one would write to a closed file)."""

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, _: object) -> None:
        pass


def configure_logging(fmt: str = "auto", level: str = "INFO") -> None:
    """Configure structlog and the standard library's logging once, at start-up.

    Args:
        fmt: ``"json"``, ``"console"``, or ``"auto"`` (console on a terminal, else JSON).
        level: the minimum level name, e.g. ``"INFO"``.
    """
    use_console = fmt == "console" or (fmt == "auto" and sys.stderr.isatty())
    renderer: structlog.typing.Processor = (
        structlog.dev.ConsoleRenderer() if use_console else structlog.processors.JSONRenderer()
    )
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    numeric_level = logging.getLevelName(level.upper())
    structlog.configure(
        processors=[
            *shared,
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    handler = _StderrHandler()
    handler.set_name(_PIT_HANDLER)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[structlog.stdlib.add_logger_name, *shared],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _PIT_HANDLER]:
        root.removeHandler(old)  # configured again (a test, `pit up` then its worker)
    root.addHandler(handler)
    root.setLevel(numeric_level)
