"""A console client over the stack's app (no browser): logged in by the login form, and the
CSRF token its pages carry."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from api.app import create_app
from tests.accounts.conftest import STRONG
from tests.api.conftest import Stack

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(page: httpx.Response) -> str:
    found = _CSRF.search(page.text)
    assert found, page.text[:500]
    return found[1]


@asynccontextmanager
async def logged_in(stack: Stack, login: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(stack.services)),
        base_url="http://pit.test",
    ) as client:
        answer = await client.post("/login", data={"login": login, "password": STRONG})
        assert answer.status_code == 303, answer.text
        yield client
