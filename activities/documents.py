"""Rendering a generated document (a notice to an authority) for the workflow to record.

The text is made from the mail templates here, outside the workflow (templates are files), and
the workflow records the text as it was sent: the event holds the document itself.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from temporalio import activity

from activities.mail import MailTemplate, RenderedMail, render


class RenderRequest(BaseModel):
    """A template and the context to fill it with."""

    model_config = ConfigDict(frozen=True)

    template: MailTemplate
    context: dict[str, str]


@activity.defn(name="render_document")
async def render_document(request: RenderRequest) -> RenderedMail:
    """The document's subject and text, both languages."""
    return render(request.template, request.context)
