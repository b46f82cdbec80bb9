"""A client of pit's JSON API (``/api``), for the commands people run.

Those commands act only through the API, with the bearer token of the person running them, so
the actor of every action is that authenticated user, checked by the API and by the domain as
for any other client. The answers are the API's JSON as it sent it (dicts and lists).

Every refusal is an :class:`ApiRefused` with the API's error body (``code``, ``message``,
``field``, ``legal_basis``) and the HTTP status; an API that cannot be reached at all is
:class:`ApiUnreachable`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

# An action waits for the agreement's workflow to decide and record it; the API answers 503
# itself when the workflow does not answer in time, so this only bounds a hung connection.
TIMEOUT = httpx.Timeout(120.0, connect=10.0)
_BODY_SHOWN = 300  # characters of a non-JSON answer worth quoting


class ClientError(Exception):
    """The root of this client's errors."""


class ApiRefused(ClientError):
    """The API answered with an error (4xx or 5xx), in its error shape where it used it.

    Attributes:
        status: the HTTP status.
        code: the rule's stable name (``four_eyes``, ``invalid_input``...).
        message: what was refused and why.
        field: the input at fault, if one is.
        legal_basis: the tags of the law or policy the refusal rests on.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        legal_basis: tuple[str, ...] = (),
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.legal_basis = legal_basis

    @classmethod
    def of(cls, response: httpx.Response) -> ApiRefused:
        """The refusal an error response carries (also from a proxy that answered in HTML)."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and isinstance(body.get("code"), str):
            basis = body.get("legal_basis")
            return cls(
                response.status_code,
                body["code"],
                str(body.get("message") or response.reason_phrase),
                field=body["field"] if isinstance(body.get("field"), str) else None,
                legal_basis=tuple(str(tag) for tag in basis) if isinstance(basis, list) else (),
            )
        text = response.text.strip()[:_BODY_SHOWN]
        return cls(
            response.status_code,
            f"http_{response.status_code}",
            text or response.reason_phrase or "no answer body",
        )


class ApiUnreachable(ClientError):
    """The API could not be asked: nothing listens there, the name does not resolve, or the
    connection broke or timed out before an answer."""


def api_root(api_url: str) -> str:
    """The server's base URL, whether given with or without ``/api`` and a trailing slash."""
    root = api_url.strip().rstrip("/")
    return root.removesuffix("/api")


def _segment(value: str) -> str:
    # Ids and names go into the path as one segment each, whatever they contain.
    return quote(value, safe="")


class PitClient:
    """pit's JSON API as one person (the bearer token's user) uses it.

    Args:
        api_url: the server, e.g. ``http://127.0.0.1:8000`` (``/api`` is added).
        token: an API token from ``pit users token`` (``pit_<id>_<secret>``).
        transport: an httpx transport to use instead of the network (tests).
    """

    def __init__(
        self, api_url: str, token: str, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._http = httpx.Client(
            base_url=f"{api_root(api_url)}/api",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=TIMEOUT,
            transport=transport,
            follow_redirects=False,
        )

    def __enter__(self) -> PitClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        try:
            response = self._http.request(
                method,
                path,
                params={k: v for k, v in (params or {}).items() if v is not None} or None,
                json=body,
                headers=dict(headers or {}),
            )
        except (httpx.RequestError, httpx.InvalidURL) as error:
            raise ApiUnreachable(str(error) or type(error).__name__) from error
        if response.is_error:
            raise ApiRefused.of(response)
        try:
            return response.json()
        except ValueError as error:
            raise ApiRefused(
                response.status_code, "not_json", "the answer is not the API's JSON"
            ) from error

    def submit_application(
        self, form: Mapping[str, Any], agreement_id: str | None = None
    ) -> dict[str, Any]:
        """Submit an application: the new agreement (``POST /api/applications``)."""
        body: dict[str, Any] = {"form": dict(form)}
        if agreement_id is not None:
            body["agreement_id"] = agreement_id
        answer: dict[str, Any] = self._call("POST", "/applications", body=body)
        return answer

    def list_agreements(
        self,
        *,
        statuses: tuple[str, ...] = (),
        oked_section: str | None = None,
        priority_area: str | None = None,
        overdue: bool | None = None,
        bin: str | None = None,
        q: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> dict[str, Any]:
        """One page of agreements, newest first (``GET /api/agreements``)."""
        params: dict[str, Any] = {
            "status": list(statuses) or None,
            "oked_section": oked_section,
            "priority_area": priority_area,
            "overdue": None if overdue is None else str(overdue).lower(),
            "bin": bin,
            "q": q,
            "limit": limit,
            "cursor": cursor,
        }
        answer: dict[str, Any] = self._call("GET", "/agreements", params=params)
        return answer

    def agreement(self, agreement_id: str) -> dict[str, Any]:
        """An agreement's detail (``GET /api/agreements/{id}``)."""
        answer: dict[str, Any] = self._call("GET", f"/agreements/{_segment(agreement_id)}")
        return answer

    def timeline(self, agreement_id: str) -> dict[str, Any]:
        """An agreement's events, oldest first (``GET /api/agreements/{id}/timeline``)."""
        path = f"/agreements/{_segment(agreement_id)}/timeline"
        answer: dict[str, Any] = self._call("GET", path)
        return answer

    def act(
        self,
        agreement_id: str,
        action: str,
        fields: Mapping[str, Any],
        *,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """Take a lifecycle action (the domain's command name, e.g. ``RecommendConclusion``):
        the agreement after it (``POST /api/agreements/{id}/actions/{action}``)."""
        path = f"/agreements/{_segment(agreement_id)}/actions/{_segment(action)}"
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        answer: dict[str, Any] = self._call("POST", path, body=dict(fields), headers=headers)
        return answer

    def inbox(self, *, agreement_id: str | None = None) -> list[dict[str, Any]]:
        """The user's open tasks, soonest due first (``GET /api/inbox``)."""
        answer: list[dict[str, Any]] = self._call(
            "GET", "/inbox", params={"agreement_id": agreement_id}
        )
        return answer

    def claim_task(
        self, agreement_id: str, kind: str, related_id: str | None = None
    ) -> dict[str, Any]:
        """Claim a task of the inbox (``POST /api/inbox/{id}/{kind}/claim``)."""
        return self._task(agreement_id, kind, related_id, "claim")

    def release_task(
        self, agreement_id: str, kind: str, related_id: str | None = None
    ) -> dict[str, Any]:
        """Release one's claim on a task (``POST /api/inbox/{id}/{kind}/release``)."""
        return self._task(agreement_id, kind, related_id, "release")

    def _task(
        self, agreement_id: str, kind: str, related_id: str | None, verb: str
    ) -> dict[str, Any]:
        path = f"/inbox/{_segment(agreement_id)}/{_segment(kind)}/{verb}"
        answer: dict[str, Any] = self._call("POST", path, params={"related_id": related_id})
        return answer
