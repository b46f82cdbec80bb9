"""Reading the read models: lists, the inbox, overdue deadlines, the participants register and
its counts, the accepted annual reports and the zone's figures made from them.

Past due is decided at query time: every query that says "overdue" takes the ``now`` it asks
at and compares it with the stored due instants, so answers are right without any clock tick.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime, timedelta
from types import TracebackType
from typing import Any, Self

import asyncpg
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.actors import Role
from domain.agreement import Status
from domain.application import PriorityArea
from domain.zone_indicators import ZoneActuals, zone_actuals
from eventstore.connection import APP_ROLE, open_app_pool
from eventstore.pg_errors import unavailable_as_store_error
from projections import sql
from projections.errors import InvalidQuery
from projections.gauges import ReadModelGauges, read_model_gauges
from projections.participants import ParticipantEntry
from projections.reports import AcceptedReport

MAX_LIMIT = 500
"""Most rows one query returns."""


class AgreementFilters(BaseModel):
    """What to list agreements by; every filter left empty matches everything.

    Attributes:
        statuses: any of these statuses.
        oked_section: the NACE section letter of the OKED code (``J``).
        priority_area: the zone's priority area.
        overdue: True: only agreements with an open deadline past due; False: only without.
        bin: exactly this BIN.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    statuses: tuple[Status, ...] = ()
    oked_section: str | None = Field(default=None, pattern=r"^[A-U]$")
    priority_area: PriorityArea | None = None
    overdue: bool | None = None
    bin: str | None = Field(default=None, pattern=r"^\d{12}$")


class AgreementListItem(BaseModel):
    """One agreement as lists show it; ``overdue``: an open deadline was past due at ``now``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    agreement_id: str
    status: Status
    bin: str | None
    name: str | None
    agreement_number: str | None
    oked_code: str | None
    oked_section: str | None
    priority_area: str | None
    opened_at: AwareDatetime
    submitted_on: date | None
    concluded_on: date | None
    end_date: date | None
    register_number: str | None
    next_due: date | None
    next_due_at: AwareDatetime | None
    version: int
    last_event_at: AwareDatetime
    overdue: bool


class AgreementPage(BaseModel):
    """A page of agreements, newest first; ``next_cursor`` fetches the next (None: last)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    items: tuple[AgreementListItem, ...]
    next_cursor: str | None


class InboxItem(BaseModel):
    """One open task as an actor's inbox shows it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    agreement_id: str
    kind: str
    related_id: str
    bin: str | None
    name: str | None
    agreement_number: str | None
    status: Status
    roles: tuple[str, ...]
    excluded_actors: tuple[str, ...]
    commands: tuple[str, ...]
    due_date: date | None
    due_at: AwareDatetime | None
    opens_at: AwareDatetime | None
    legal_basis: tuple[str, ...]
    overdue: bool
    claimed_by: str | None
    claimed_at: AwareDatetime | None


class OverdueDeadline(BaseModel):
    """An open deadline past due, for the staff's monitoring screen.

    ``missed``: the system has recorded it as missed (a decision or report overdue) and the
    matter is still open.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    agreement_id: str
    kind: str
    related_id: str
    due_date: date
    due_at: AwareDatetime
    legal_basis: tuple[str, ...]
    missed: bool
    bin: str | None
    name: str | None
    agreement_number: str | None
    status: Status


class ParticipantPage(BaseModel):
    """A page of the register in BIN order; ``next_cursor`` fetches the next (None: last)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    items: tuple[ParticipantEntry, ...]
    next_cursor: str | None


class ParticipantCount(BaseModel):
    """How many participants share one value (a status, an OKED section, a priority area);
    ``value`` None: not known (an OKED code that does not parse)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: str | None
    participants: int


class ParticipantCounts(BaseModel):
    """The participants register counted three ways, each by the participant's current
    agreement (the one the register shows): its status, its OKED section, its priority area.
    Each breakdown adds up to ``total``; values in alphabetical order (unknown last)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    total: int
    by_status: tuple[ParticipantCount, ...]
    by_oked_section: tuple[ParticipantCount, ...]
    by_priority_area: tuple[ParticipantCount, ...]


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidQuery(f"limit must be 1 to {MAX_LIMIT}, not {limit}")
    return limit


def _aware(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise InvalidQuery("now must carry its time zone")
    return now


def like_fragment(search: str | None) -> str | None:
    """The search text, case-folded and escaped for LIKE (None: no search).

    Raises:
        InvalidQuery: longer than 200 characters.
    """
    if search is None or not search.strip():
        return None
    text = search.strip().casefold()
    if len(text) > 200:
        raise InvalidQuery("search text must have at most 200 characters")
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def encode_cursor(opened_at: datetime, agreement_id: str) -> str:
    """The opaque cursor after an agreement of a listing."""
    raw = json.dumps([opened_at.isoformat(), agreement_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The (opened_at, agreement_id) a cursor stands for.

    Raises:
        InvalidQuery: it is not a cursor this module made.
    """
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        opened_at, agreement_id = json.loads(raw)
        moment = datetime.fromisoformat(opened_at)
    except (binascii.Error, ValueError, TypeError) as error:
        raise InvalidQuery("cursor is malformed") from error
    if not isinstance(agreement_id, str) or moment.tzinfo is None:
        raise InvalidQuery("cursor is malformed")
    return moment, agreement_id


def _tuples(row: asyncpg.Record, *names: str) -> dict[str, Any]:
    values = dict(row)
    for name in names:
        values[name] = tuple(values[name])
    return values


class ReadModels:
    """Queries over the read models, on a pool of their own (running as the application role).

    Open with :meth:`open`; the schema must have been migrated.
    """

    def __init__(self, pool: asyncpg.Pool[asyncpg.Record]) -> None:
        """Wrap an open pool; prefer :meth:`open`."""
        self._pool = pool

    @classmethod
    async def open(
        cls,
        dsn: str,
        *,
        app_role: str | None = APP_ROLE,
        min_size: int = 1,
        max_size: int = 5,
    ) -> Self:
        """Connect a pool to the database at ``dsn`` and return the read models on it.

        Raises:
            StoreUnavailable: the database cannot be reached.
        """
        return cls(await open_pool(dsn, app_role=app_role, min_size=min_size, max_size=max_size))

    async def close(self) -> None:
        """Close the pool."""
        await self._pool.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def _fetch(self, what: str, statement: str, *args: object) -> list[asyncpg.Record]:
        async with unavailable_as_store_error(what), self._pool.acquire() as connection:
            rows: list[asyncpg.Record] = await connection.fetch(statement, *args)
        return rows

    async def list_agreements(
        self,
        filters: AgreementFilters | None = None,
        search: str | None = None,
        *,
        now: datetime,
        limit: int = 50,
        cursor: str | None = None,
    ) -> AgreementPage:
        """A page of agreements, newest first (by when their stream began).

        Args:
            filters: what to list by (default: everything).
            search: a BIN prefix, or a part of the name or the agreement number, any case.
            now: the instant "overdue" is decided at.
            limit: the page's size, 1 to :data:`MAX_LIMIT`.
            cursor: ``next_cursor`` of the previous page.

        Raises:
            InvalidQuery: a limit, cursor or search out of range.
            StoreUnavailable: the database cannot be reached.
        """
        chosen = filters or AgreementFilters()
        after = decode_cursor(cursor) if cursor is not None else (None, None)
        rows = await self._fetch(
            "listing agreements",
            sql.LIST_AGREEMENTS,
            _aware(now),
            [s.value for s in chosen.statuses] or None,
            chosen.oked_section,
            chosen.priority_area.value if chosen.priority_area else None,
            chosen.overdue,
            chosen.bin,
            like_fragment(search),
            after[0],
            after[1],
            _limit(limit),
        )
        items = tuple(AgreementListItem.model_validate(dict(row)) for row in rows)
        last = items[-1] if len(items) == limit else None
        return AgreementPage(
            items=items,
            next_cursor=encode_cursor(last.opened_at, last.agreement_id) if last else None,
        )

    async def get_agreement(self, agreement_id: str, *, now: datetime) -> AgreementListItem | None:
        """One agreement's row, or None if the projection has none (yet)."""
        rows = await self._fetch(
            "reading an agreement", sql.GET_AGREEMENT, agreement_id, _aware(now)
        )
        return AgreementListItem.model_validate(dict(rows[0])) if rows else None

    async def get_inbox(
        self,
        role: Role,
        actor_id: str,
        *,
        now: datetime,
        bin: str | None = None,
        agreement_id: str | None = None,
        limit: int = 100,
    ) -> list[InboxItem]:
        """The open tasks an actor may take, soonest due first.

        Tasks the four-eyes rule bars the actor from are left out, and so are tasks that cannot
        be done yet at ``now`` (a report on a year not yet over).

        Args:
            role: the actor's role.
            actor_id: the actor's id.
            now: the instant "overdue" and "not yet open" are decided at.
            bin: only tasks of this BIN's agreements; required for an applicant, who sees
                nothing else.
            agreement_id: only this agreement's tasks.
            limit: the most tasks, 1 to :data:`MAX_LIMIT`.

        Raises:
            InvalidQuery: an applicant without a BIN, or a limit out of range.
            StoreUnavailable: the database cannot be reached.
        """
        if role is Role.APPLICANT and bin is None:
            raise InvalidQuery("an applicant's inbox is that of its BIN: give the BIN")
        rows = await self._fetch(
            "reading an inbox",
            sql.INBOX,
            role.value,
            actor_id,
            _aware(now),
            bin,
            agreement_id,
            _limit(limit),
        )
        return [
            InboxItem.model_validate(
                _tuples(row, "roles", "excluded_actors", "commands", "legal_basis")
            )
            for row in rows
        ]

    async def claim_task(
        self, agreement_id: str, kind: str, related_id: str, *, actor_id: str, now: datetime
    ) -> bool:
        """Claim an open task for an actor; False if it is gone, claimed by someone else, or
        barred to the actor by the four-eyes rule. Claiming one's own claim again renews it."""
        rows = await self._fetch(
            "claiming a task",
            sql.CLAIM_TASK,
            agreement_id,
            kind,
            related_id,
            actor_id,
            _aware(now),
        )
        return bool(rows)

    async def release_task(
        self, agreement_id: str, kind: str, related_id: str, *, actor_id: str
    ) -> bool:
        """Release an actor's claim; False if the actor did not hold it."""
        rows = await self._fetch(
            "releasing a task", sql.RELEASE_TASK, agreement_id, kind, related_id, actor_id
        )
        return bool(rows)

    async def overdue(self, now: datetime, *, limit: int = MAX_LIMIT) -> list[OverdueDeadline]:
        """Every open deadline past due at ``now``, the longest overdue first.

        Raises:
            InvalidQuery: a limit out of range.
            StoreUnavailable: the database cannot be reached.
        """
        rows = await self._fetch(
            "reading overdue deadlines", sql.OVERDUE, _aware(now), _limit(limit)
        )
        return [OverdueDeadline.model_validate(_tuples(row, "legal_basis")) for row in rows]

    async def participants(
        self,
        *,
        search: str | None = None,
        status: Status | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> ParticipantPage:
        """A page of the participants register, in BIN order.

        Args:
            search: a BIN prefix or a part of the name, any case.
            status: only participants whose current agreement has this status.
            limit: the page's size, 1 to :data:`MAX_LIMIT`.
            cursor: ``next_cursor`` of the previous page.

        Raises:
            InvalidQuery: a limit or search out of range.
            StoreUnavailable: the database cannot be reached.
        """
        rows = await self._fetch(
            "reading the participants register",
            sql.PARTICIPANTS,
            like_fragment(search),
            status.value if status else None,
            cursor,
            _limit(limit),
        )
        items = tuple(
            ParticipantEntry.model_validate(_tuples(row, "agreement_ids")) for row in rows
        )
        return ParticipantPage(
            items=items, next_cursor=items[-1].bin if len(items) == limit else None
        )

    async def participant_counts(self) -> ParticipantCounts:
        """The participants register counted by status, by OKED section and by priority area.

        Raises:
            StoreUnavailable: the database cannot be reached.
        """
        rows = await self._fetch("counting participants", sql.PARTICIPANT_COUNTS)
        by: dict[str, list[ParticipantCount]] = {
            "status": [],
            "oked_section": [],
            "priority_area": [],
        }
        for row in rows:
            by[row["dimension"]].append(
                ParticipantCount(value=row["value"], participants=row["participants"])
            )
        return ParticipantCounts(
            total=sum(c.participants for c in by["status"]),
            by_status=tuple(by["status"]),
            by_oked_section=tuple(by["oked_section"]),
            by_priority_area=tuple(by["priority_area"]),
        )

    async def accepted_reports(self, year: int | None = None) -> list[AcceptedReport]:
        """The accepted annual reports (of one year, or all), by year then agreement.

        Raises:
            StoreUnavailable: the database cannot be reached.
        """
        rows = await self._fetch("reading accepted reports", sql.ACCEPTED_REPORTS, year)
        return [AcceptedReport.model_validate(dict(row)) for row in rows]

    async def zone_actuals(self) -> tuple[ZoneActuals, ...]:
        """The zone's figures per year, from every accepted annual report
        (:func:`domain.zone_indicators.zone_actuals`), earliest year first.

        Raises:
            StoreUnavailable: the database cannot be reached.
        """
        return zone_actuals(await self.accepted_reports())

    async def gauges(
        self, now: datetime, *, subscription_id: str, statement_timeout: timedelta
    ) -> ReadModelGauges:
        """What an operator watches (:class:`~projections.gauges.ReadModelGauges`) at ``now``,
        in one read-only transaction whose statements the server cancels after
        ``statement_timeout``.

        Raises:
            StoreUnavailable: the database cannot be reached.
            asyncpg.QueryCanceledError: a statement took longer than ``statement_timeout``.
        """
        milliseconds = max(1, round(statement_timeout.total_seconds() * 1000))
        async with (
            unavailable_as_store_error("counting the gauges"),
            self._pool.acquire() as connection,
            connection.transaction(readonly=True),
        ):
            await connection.execute(sql.LOCAL_STATEMENT_TIMEOUT, f"{milliseconds}ms")
            return await read_model_gauges(connection, _aware(now), subscription_id)


async def open_pool(
    dsn: str, *, app_role: str | None, min_size: int, max_size: int
) -> asyncpg.Pool[asyncpg.Record]:
    """A pool for the read models: the store's codecs and role, and plans made per query (the
    optional filters are folded away only when the plan sees the values).

    Raises:
        StoreUnavailable: the database cannot be reached.
    """
    return await open_app_pool(
        dsn,
        what="the read models",
        app_role=app_role,
        min_size=min_size,
        max_size=max_size,
        server_settings={"plan_cache_mode": "force_custom_plan"},
    )
