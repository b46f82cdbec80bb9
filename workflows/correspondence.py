"""What an agreement's workflow writes to people: reminders, escalations and notices.

Pure functions of the agreement's state: the workflow decides *when* (timers) and records each
message as an event; these say *what* goes in it, as the mail templates of activities/mail.py
expect it. Kept apart from the workflow so that the workflow stays about orchestration.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from activities.mail import OutgoingMail
from domain.agreement import AgreementState
from domain.agreement.events import AuthorityNoticeIssued, ReminderSent
from domain.agreement.reminders import ESCALATION_EVENTS
from domain.agreement.vocabulary import Audience, Authority, Status

DEFAULT_MANAGEMENT_COMPANY = (
    'АО "Управляющая компания специальной экономической зоны "Парк инновационных технологий"'
)


class Correspondents(BaseModel):
    """Who pit writes to besides the participant: the zone's staff and the authorities."""

    model_config = ConfigDict(frozen=True)

    staff_email: str = Field(default="staff@sez-pit.localhost", min_length=3)
    authorized_body_email: str = Field(default="authorized-body@gov.localhost", min_length=3)
    tax_authority_email: str = Field(default="tax-authority@gov.localhost", min_length=3)
    management_company: str = Field(default=DEFAULT_MANAGEMENT_COMPANY, min_length=1)

    def authority_email(self, authority: Authority) -> str:
        """The address notices to ``authority`` go to."""
        if authority is Authority.AUTHORIZED_BODY:
            return self.authorized_body_email
        return self.tax_authority_email


def mail_id(agreement_id: str, message_id: str) -> str:
    """The outbox's delivery key of a message of one agreement (ids repeat across agreements)."""
    return f"{agreement_id}/{message_id}"


def reminder_mail(
    event: ReminderSent, state: AgreementState, stream_id: str, correlation_id: str
) -> OutgoingMail:
    """The mail of a recorded reminder, to the recipient the event names."""
    form = state.form
    context = {
        "recipient_name": (
            form.contacts.contact_person
            if event.audience is Audience.PARTICIPANT and form is not None
            else "коллеги / colleagues"
        ),
        "agreement_id": state.agreement_id or "",
        "participant_name": form.name if form is not None else "",
        "bin": state.bin or "",
        "deadline": event.deadline_kind.value,
        "related_id": event.related_id,
        "due_on": event.due_on.isoformat(),
        "days": str(event.days),
        "basis": "; ".join(event.legal_basis),
    }
    if event.template == "staff_escalation":
        context["event"] = ESCALATION_EVENTS[event.deadline_kind]
    return OutgoingMail(
        mail_id=mail_id(state.agreement_id or "", event.reminder_id),
        to=(event.recipient,),
        template=event.template,
        context=context,
        stream_id=stream_id,
        correlation_id=correlation_id,
    )


def notice_context(
    authority: Authority, notice_id: str, state: AgreementState, issued_on: str, company: str
) -> dict[str, str]:
    """The facts a notice to ``authority`` states: of the conclusion, or of the termination."""
    termination = state.termination
    closing = state.status is Status.CLOSING and termination is not None
    end = termination.terminated_on if closing and termination else state.end_date
    return {
        "authority": authority.value,
        "of": "termination" if closing else "conclusion",
        "notice_id": notice_id,
        "agreement_id": state.agreement_id or "",
        "agreement_number": state.agreement_number or "",
        "participant_name": state.form.name if state.form is not None else "",
        "bin": state.bin or "",
        "effective_date": state.effective_date.isoformat() if state.effective_date else issued_on,
        "end_date": end.isoformat() if end else issued_on,
        "termination_ground": termination.ground.value if closing and termination else "",
        "issued_on": issued_on,
        "management_company": company,
    }


def notice_mail(
    event: AuthorityNoticeIssued,
    context: dict[str, str],
    agreement_id: str,
    stream_id: str,
    correlation_id: str,
) -> OutgoingMail:
    """The mail carrying a recorded notice to its authority."""
    return OutgoingMail(
        mail_id=mail_id(agreement_id, event.notice_id),
        to=(event.recipient,),
        template="authority_notice",
        context=context,
        stream_id=stream_id,
        correlation_id=correlation_id,
    )
