"""Rendering the console's pages: the Jinja2 templates of ``api/templates`` with the console's
filters (Almaty dates, tenge) and its vocabulary in the chosen language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from api.console import formatting
from api.console.auth import Viewer, words_for
from api.console.i18n import Words

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.filters.update(
    day=formatting.almaty_day,
    time=formatting.almaty_time,
    kzt=formatting.kzt,
    count=formatting.count,
    percent=formatting.percent_of_basis_points,
)
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True


def page(
    request: Request,
    template: str,
    viewer: Viewer | None,
    *,
    status: int = 200,
    title: str = "",
    **context: Any,
) -> Response:
    """A page of the console; ``t`` in the template is the vocabulary, ``viewer`` who reads."""
    words: Words = viewer.words if viewer is not None else words_for(request)
    return templates.TemplateResponse(
        request,
        template,
        {"t": words, "lang": words.language, "viewer": viewer, "title": title, **context},
        status_code=status,
    )
