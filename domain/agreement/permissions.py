"""Who may do what: the roles allowed each command, and the four-eyes rule, as data.

An applicant or participant (``Role.APPLICANT``) acts only on the agreement of its own BIN. The
auditor reads and may only annotate. The system (pit's timers) alone lapses, marks overdue,
escalates and ends by term or zone end. Four-eyes: whoever reviewed an application never decides
it; whoever proposed an amendment or a termination (or issued the breach notice behind it) never
approves it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from domain.actors import Actor, Role
from domain.agreement.commands import (
    AgreementCommand,
    ApproveAmendment,
    ApproveTermination,
    SubmitApplication,
)
from domain.agreement.state import AgreementState
from domain.errors import NotPermitted
from domain.legal_basis import policy

ROLES_BASIS = policy("roles")
OWN_AGREEMENT_BASIS = policy("participant acts on its own agreement only")
FOUR_EYES_BASIS = policy("four-eyes")

_PARTICIPANT = frozenset({Role.APPLICANT})
_REVIEWER = frozenset({Role.REVIEWER})
_APPROVER = frozenset({Role.APPROVER})
_STAFF_RECORD = frozenset({Role.REVIEWER, Role.ADMIN})
_SYSTEM = frozenset({Role.SYSTEM})

# The roles allowed each command, by the command's ``type``.
PERMISSIONS: Mapping[str, frozenset[Role]] = {
    # application and review
    "SubmitApplication": _PARTICIPANT,
    "ResubmitApplication": _PARTICIPANT,
    "RequestChanges": _REVIEWER,
    "RecommendConclusion": _REVIEWER,
    "RecommendRefusal": _REVIEWER,
    "LapseApplication": _SYSTEM,
    "MarkDecisionOverdue": _SYSTEM,
    # decision and signing
    "ApproveConclusion": _APPROVER,
    "RefuseApplication": _APPROVER,
    "SignAsParticipant": _PARTICIPANT,
    "SignForManagementCompany": _APPROVER,
    "LapseSigning": _SYSTEM,
    # notices and the register; an administrator records a notice sent by hand
    "RecordAuthorityNotified": frozenset({Role.SYSTEM, Role.ADMIN}),
    "IssueAuthorityNotice": _SYSTEM,
    "RecordRegisterEntry": _STAFF_RECORD,
    "RecordRegisterEntryClosed": _STAFF_RECORD,
    # annual reports
    "SubmitAnnualReport": _PARTICIPANT,
    "ResubmitAnnualReport": _PARTICIPANT,
    "AcceptAnnualReport": _REVIEWER,
    "ReturnAnnualReport": _REVIEWER,
    "MarkAnnualReportOverdue": _SYSTEM,
    "EscalateOverdueReport": _SYSTEM,
    # monitoring and breach
    "RecordSiteVisit": _REVIEWER,
    "IssueBreachNotice": _REVIEWER,
    "RecordBreachCured": _REVIEWER,
    "LapseCurePeriod": _SYSTEM,
    # amendments
    "ProposeAmendment": _REVIEWER,
    "ApproveAmendment": _APPROVER,
    "RejectAmendment": _APPROVER,
    "SignAmendment": _PARTICIPANT,
    "LapseAmendment": _SYSTEM,
    # termination
    "ProposeTermination": _REVIEWER,
    "RequestTermination": _PARTICIPANT,
    "ConsentToTermination": _PARTICIPANT,
    "ApproveTermination": _APPROVER,
    "RejectTermination": _APPROVER,
    "ExpireAgreement": _SYSTEM,
    "TerminateForZoneEnd": _SYSTEM,
    # free customs zone goods
    "DeclareGoodsConsumption": _PARTICIPANT,
    "ConfirmGoodsConsumption": _REVIEWER,
    "RejectGoodsDeclaration": _REVIEWER,
    # no lifecycle effect
    "AddAuditAnnotation": frozenset({Role.AUDITOR}),
    "RecordReminderSent": _SYSTEM,
}


def _reviewers(command: AgreementCommand, state: AgreementState) -> frozenset[str]:
    return state.reviewers


def _amendment_proposer(command: AgreementCommand, state: AgreementState) -> frozenset[str]:
    if isinstance(command, ApproveAmendment):
        amendment = state.amendments.get(command.amendment_id)
        if amendment is not None:
            return frozenset({amendment.proposed_by})
    return frozenset()


def _termination_proposer(command: AgreementCommand, state: AgreementState) -> frozenset[str]:
    proposal = state.termination_proposal
    if isinstance(command, ApproveTermination) and proposal is not None:
        return frozenset({proposal.proposed_by})
    return frozenset()


# The four-eyes commands, each with who may not perform it on this state, and the matter named
# in the refusal.
FOUR_EYES: Mapping[
    str, tuple[str, Callable[[AgreementCommand, AgreementState], frozenset[str]]]
] = {
    "ApproveConclusion": ("the decision on an application they reviewed", _reviewers),
    "RefuseApplication": ("the decision on an application they reviewed", _reviewers),
    "ApproveAmendment": ("the approval of an amendment they proposed", _amendment_proposer),
    "ApproveTermination": (
        "the approval of a termination they proposed",
        _termination_proposer,
    ),
}


def allowed_roles(command_type: str) -> frozenset[Role]:
    """The roles that may perform a command (none for an unknown type)."""
    return PERMISSIONS.get(command_type, frozenset())


def require_permitted(command: AgreementCommand, state: AgreementState, actor: Actor) -> None:
    """Refuse a command the actor's role may not perform, a participant acting on another BIN's
    agreement, or a breach of the four-eyes rule.

    Raises:
        NotPermitted: ``role_not_permitted``, ``not_own_agreement`` or ``four_eyes``.
    """
    roles = allowed_roles(command.type)
    if actor.role not in roles:
        allowed = ", ".join(sorted(role.value for role in roles)) or "nobody"
        raise NotPermitted(
            f"a {actor.role.value} may not {command.type}; allowed: {allowed}",
            (ROLES_BASIS,),
            code="role_not_permitted",
        )
    if actor.role is Role.APPLICANT:
        own = command.form.bin if isinstance(command, SubmitApplication) else state.bin
        if actor.bin is None or actor.bin != own:
            raise NotPermitted(
                f"{actor.id} acts for BIN {actor.bin or '(none)'} and may not act on the "
                f"application or agreement of BIN {own or '(none)'}",
                (OWN_AGREEMENT_BASIS,),
                code="not_own_agreement",
                field="bin",
            )
    rule = FOUR_EYES.get(command.type)
    if rule is not None:
        matter, excluded = rule
        if actor.id in excluded(command, state):
            raise NotPermitted(
                f"{actor.id} may not take {matter}: four-eyes principle",
                (FOUR_EYES_BASIS,),
                code="four_eyes",
            )
