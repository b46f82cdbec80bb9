"""The projections' errors: one root, and what a caller can get wrong."""

from __future__ import annotations


class ProjectionError(Exception):
    """Anything the read models refuse or cannot do."""


class InvalidQuery(ProjectionError, ValueError):
    """A query with an argument out of range: a limit, a cursor, a search, a missing BIN."""


class StreamNotProjectable(ProjectionError):
    """An agreement stream the projector cannot fold: an event of another kind in it, or fewer
    events than were delivered (the log would have to have lost some)."""


class RebuildFailed(ProjectionError):
    """A rebuild could not be done (an event it cannot decode or fold, a worker process that
    died); the read models are left as they were."""
