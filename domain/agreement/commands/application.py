"""Commands of application and review (DOMAIN.md §3.1-3.3)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from domain.agreement.commands.base import Command
from domain.agreement.values import Text, Texts
from domain.agreement.vocabulary import RefusalGround
from domain.application import ApplicationForm


class SubmitApplication(Command):
    """An applicant submits an application; ``agreement_id`` names the stream it opens."""

    type: Literal["SubmitApplication"] = "SubmitApplication"
    agreement_id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._\-]+$")
    form: ApplicationForm


class RequestChanges(Command):
    """A reviewer asks the applicant to change the application."""

    type: Literal["RequestChanges"] = "RequestChanges"
    items: Texts


class ResubmitApplication(Command):
    """The applicant resubmits the changed application."""

    type: Literal["ResubmitApplication"] = "ResubmitApplication"
    form: ApplicationForm


class LapseApplication(Command):
    """The system lapses an application not resubmitted in time (the resubmission timer)."""

    type: Literal["LapseApplication"] = "LapseApplication"


class RecommendConclusion(Command):
    """A reviewer recommends concluding the agreement."""

    type: Literal["RecommendConclusion"] = "RecommendConclusion"
    note: Text


class RecommendRefusal(Command):
    """A reviewer recommends refusing the application."""

    type: Literal["RecommendRefusal"] = "RecommendRefusal"
    grounds: tuple[RefusalGround, ...] = Field(min_length=1, max_length=3)
    note: Text


class MarkDecisionOverdue(Command):
    """The system records that the decision term passed (the decision timer)."""

    type: Literal["MarkDecisionOverdue"] = "MarkDecisionOverdue"
