"""Why an evidence bundle could not be made or read."""

from __future__ import annotations


class EvidenceError(Exception):
    """The root of the evidence bundles' errors."""


class MalformedBundle(EvidenceError):
    """The file is not an evidence bundle this pit reads: names the field and what is wrong."""


class ExportRefused(EvidenceError):
    """No bundle is made: the message tells the operator why and what to do."""


class AgreementNotFound(ExportRefused):
    """The agreement has no events in the log."""


class NoCheckpoint(ExportRefused):
    """The log has no signed checkpoint yet, so no event can be proved to be in it."""


class NotYetCheckpointed(ExportRefused):
    """Some of the agreement's events are newer than the latest signed checkpoint.

    Attributes:
        uncovered: how many of its events the checkpoint does not cover yet.
        tree_size: the size of the latest checkpoint.
    """

    def __init__(self, message: str, uncovered: int, tree_size: int) -> None:
        super().__init__(message)
        self.uncovered = uncovered
        self.tree_size = tree_size


class LogDoesNotMatchCheckpoint(ExportRefused):
    """The stored log no longer hashes to the latest checkpoint (or its signature fails)."""
