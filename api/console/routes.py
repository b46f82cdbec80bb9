"""The console's pages and forms. Reads fold the agreement's stream or read the projections,
as the JSON API does; every action goes through the API's own ``act`` and ``submit``, so the
workflow decides, records refusals, and the actor is always the logged-in user."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, NamedTuple
from urllib.parse import urlencode
from uuid import uuid4

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import FormData
from starlette.responses import Response

from api.accounts import NotAuthenticated, TooManyAttempts
from api.acting import act, submit
from api.console import dashboard, evidence
from api.console.actions import (
    ACTION_FIELDS,
    OPTION_WORDS,
    REFUSAL_GROUNDS,
    FormProblem,
    command_from_form,
    field_options,
    form_defaults,
    matters_of,
    may_take,
    open_actions,
)
from api.console.applying import (
    APPLICANT_KINDS,
    FIELD_LABELS,
    PRIORITY_AREAS,
    Problems,
    application_from,
    check_as_typed,
    explain_fields,
    screen,
    values_of,
)
from api.console.audit import state_as_of, timeline_rows, verify_agreement_chain
from api.console.auth import (
    Acting,
    ConsoleRefusal,
    LoginRequired,
    Viewer,
    Viewing,
    words_for,
)
from api.console.i18n import LANGUAGE_COOKIE, LANGUAGES
from api.console.render import STATIC_DIR, page
from api.console.tasks import overdue_first
from api.deps import SESSION_COOKIE, Services
from api.errors import ApiError, ErrorBody
from api.reading import ReadAgreement, read_agreement, require_agreement, upcoming_reminders
from api.schemas import AGREEMENT_ID_PATTERN
from api.services import ApiServices
from domain.actors import Role
from domain.agreement import ActionRefused, AgreementState, Status
from domain.agreement.commands import ResubmitApplication
from domain.agreement.permissions import ROLES_BASIS
from domain.application import PriorityArea
from domain.calendar import almaty_date
from domain.oked import parse_oked
from domain.rules import RuleSet, decree_1166_rulebook
from projections import MAX_LIMIT, AgreementFilters, open_deadlines_of

router = APIRouter(include_in_schema=False)

_AGREEMENT_ID = re.compile(AGREEMENT_ID_PATTERN)
_STAFF = frozenset({Role.REVIEWER, Role.APPROVER, Role.ADMIN})


def _redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def _safe_next(path: str | None) -> str:
    """Only a path of this site: never another host (``//evil``) or a scheme."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


def _checked_id(agreement_id: str, viewer: Viewer) -> str:
    if _AGREEMENT_ID.fullmatch(agreement_id) is None:
        raise ConsoleRefusal(404, viewer.words("not_found"))
    return agreement_id


def _rules(today: date) -> RuleSet:
    return decree_1166_rulebook().in_force(today)


async def _read(services: ApiServices, agreement_id: str, viewer: Viewer) -> ReadAgreement:
    try:
        return await read_agreement(services, agreement_id, viewer.user)
    except ApiError as refused:
        raise ConsoleRefusal(refused.status, refused.body.message) from None


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


# --- logging in and out, language --------------------------------------------------------


@router.get("/login")
async def login_page(request: Request, next: str = "/", reason: str = "") -> Response:
    words = words_for(request)
    message = words(reason) if reason in ("session_ended",) else ""
    return page(
        request, "login.html", None, title=words("log_in"), next=_safe_next(next), error=message
    )


@router.post("/login")
async def log_in(request: Request, services: Services) -> Response:
    form = await request.form()
    words = words_for(request)
    login, password = _text(form, "login"), form.get("password")
    next_path = _safe_next(_text(form, "next"))
    remote = request.client.host if request.client else "unknown"
    try:
        user = await services.accounts.authenticate(
            login, password if isinstance(password, str) else "", remote
        )
        session = await services.accounts.start_session(user)
    except TooManyAttempts as refused:
        error = words("login_throttled", seconds=refused.retry_after)
        return page(request, "login.html", None, status=429, next=next_path, error=error)
    except NotAuthenticated as refused:
        key = "login_disabled" if refused.code == "account_disabled" else "login_failed"
        return page(request, "login.html", None, status=401, next=next_path, error=words(key))
    response = _redirect(next_path)
    response.set_cookie(
        SESSION_COOKIE,
        session.session_id,
        max_age=int(services.accounts.session_policy.absolute.total_seconds()),
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="lax",
    )
    return response


@router.post("/logout")
async def log_out(viewer: Acting, services: Services) -> Response:
    await services.accounts.end_session(viewer.session_id)
    response = _redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


@router.get("/lang/{language}")
async def choose_language(language: str, next: str = "/") -> Response:
    response = _redirect(_safe_next(next))
    if language in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, path="/", samesite="lax"
        )
    return response


@router.get("/")
async def home(viewer: Viewing) -> Response:
    return _redirect("/inbox" if viewer.user.actor().role in _STAFF else "/agreements")


# --- the staff's inbox ---------------------------------------------------------------------


async def _inbox_page(
    request: Request, services: ApiServices, viewer: Viewer, *, status: int = 200, error: str = ""
) -> Response:
    actor = viewer.user.actor()
    items = []
    if actor.role is not Role.APPLICANT or actor.bin is not None:
        items = await services.read_models.get_inbox(
            actor.role,
            actor.id,
            now=services.clock(),
            bin=actor.bin if actor.role is Role.APPLICANT else None,
        )
    return page(
        request,
        "inbox.html",
        viewer,
        status=status,
        title=viewer.words("inbox_title"),
        items=overdue_first(items),
        may_claim=actor.role is not Role.AUDITOR,
        error=error,
    )


@router.get("/inbox")
async def inbox(request: Request, viewer: Viewing, services: Services) -> Response:
    return await _inbox_page(request, services, viewer)


@router.post("/inbox/{agreement_id}/{kind}/{move}")
async def claim_or_release(
    request: Request, agreement_id: str, kind: str, move: str, viewer: Acting, services: Services
) -> Response:
    actor = viewer.user.actor()
    if move not in ("claim", "release") or actor.role is Role.AUDITOR:
        raise ConsoleRefusal(404, viewer.words("not_found"))
    related_id = _text(await request.form(), "related_id") or agreement_id
    # Only a task of one's own inbox (role, BIN, four-eyes), as the API's claim checks.
    inbox = await services.read_models.get_inbox(
        actor.role,
        actor.id,
        now=services.clock(),
        bin=actor.bin if actor.role is Role.APPLICANT else None,
        agreement_id=agreement_id if _AGREEMENT_ID.fullmatch(agreement_id) else "",
        limit=MAX_LIMIT,
    )
    if not any(i.kind == kind and i.related_id == related_id for i in inbox):
        raise ConsoleRefusal(404, viewer.words("not_found"))
    if move == "claim":
        done = await services.read_models.claim_task(
            agreement_id, kind, related_id, actor_id=actor.id, now=services.clock()
        )
    else:
        done = await services.read_models.release_task(
            agreement_id, kind, related_id, actor_id=actor.id
        )
    if not done:
        return await _inbox_page(request, services, viewer, status=409, error=move)
    return _redirect("/inbox")


# --- agreements ----------------------------------------------------------------------------


# The list's filters: the statuses an agreement shows in lists, and the OKED sections the zone
# admits [Decree 1166 Reg. §3] (a row of another section is still found by the others).
_LISTED_STATUSES = tuple(s.value for s in Status if s is not Status.NEW)
_OKED_SECTIONS = ("C", "F", "J", "M")
_SECTION = re.compile(r"[A-U]")


def _list_filters(request: Request, bin: str | None) -> AgreementFilters:
    """The staff's filters from the list's GET form, as the JSON API takes them; a value that
    is no status, section or area is left out, as if not chosen."""
    query = request.query_params
    section = query.get("oked_section", "")
    area = query.get("priority_area", "")
    return AgreementFilters(
        statuses=tuple(Status(v) for v in query.getlist("status") if v in _LISTED_STATUSES),
        oked_section=section if _SECTION.fullmatch(section) else None,
        priority_area=PriorityArea(area) if area in PRIORITY_AREAS else None,
        overdue=True if query.get("overdue") in ("1", "on", "true") else None,
        bin=bin,
    )


@router.get("/agreements")
async def agreements(
    request: Request, viewer: Viewing, services: Services, q: str = ""
) -> Response:
    actor = viewer.user.actor()
    participant = actor.role is Role.APPLICANT
    filters = _list_filters(request, actor.bin if participant else None)
    if participant and actor.bin is None:
        items: list[Any] = []
    else:
        listed = await services.read_models.list_agreements(
            filters,
            q[:200] or None,
            now=services.clock(),
            limit=100,
        )
        items = list(listed.items)
    deadlines = {}
    if participant:
        for item in items[:20]:
            read = await read_agreement(services, item.agreement_id, viewer.user)
            deadlines[item.agreement_id] = open_deadlines_of(read.state)
    title = viewer.words("my_agreements_title" if participant else "agreements_title")
    return page(
        request,
        "agreements.html",
        viewer,
        title=title,
        items=items,
        q=q,
        deadlines=deadlines,
        participant=participant,
        filters=filters,
        chosen_statuses=[s.value for s in filters.statuses],
        statuses=_LISTED_STATUSES,
        oked_sections=_OKED_SECTIONS,
        priority_areas=PRIORITY_AREAS,
        filtered=bool(q or filters.model_dump(exclude={"bin"}, exclude_defaults=True)),
    )


def _typed(posted: FormData | None) -> dict[str, str]:
    """What a refused form's text inputs held (never its token), to show them again."""
    if posted is None:
        return {}
    return {
        name: value
        for name, value in posted.items()
        if isinstance(value, str) and name != "csrf_token"
    }


def _obligations(state: AgreementState) -> tuple[Any, ...]:
    if state.obligations:
        return state.obligations
    if state.approved is not None:
        return state.approved.obligations
    return state.form.planned_obligations if state.form is not None else ()


async def _agreement_page(
    request: Request,
    services: ApiServices,
    viewer: Viewer,
    agreement_id: str,
    *,
    status: int = 200,
    refusal: ErrorBody | None = None,
    refused_command: str = "",
    problems: list[tuple[str, str]] | None = None,
    posted: FormData | None = None,
    done: str = "",
) -> Response:
    read = await _read(services, agreement_id, viewer)
    state = read.state
    now = services.clock()
    today = almaty_date(now)
    reminders = await upcoming_reminders(services, agreement_id, state)
    role = viewer.user.actor().role
    upcoming = None
    if reminders is not None:
        # A participant is shown what pit will write to it; staff see every reminder.
        upcoming = [
            r
            for r in reminders
            if r.send_at >= now
            and (role is not Role.APPLICANT or r.audience.value == "participant")
        ][:8]
    refused = [
        (recorded, event)
        for recorded, event in zip(read.recorded, read.events, strict=True)
        if isinstance(event, ActionRefused)
    ]
    return page(
        request,
        "agreement.html",
        viewer,
        status=status,
        title=f"{viewer.words('agreement')} {state.agreement_number or agreement_id}",
        agreement_id=agreement_id,
        state=state,
        now=now,
        today=today,
        obligations=_obligations(state),
        deadlines=open_deadlines_of(state),
        reminders=upcoming,
        refused=refused,
        matters=matters_of(role, state, read.events),
        actions=open_actions(role, state),
        fields=ACTION_FIELDS,
        grounds=REFUSAL_GROUNDS,
        options=field_options(state),
        option_words=OPTION_WORDS,
        defaults=form_defaults(state, today),
        typed=_typed(posted),  # the refused form shows again what was typed in it
        refusal=refusal,
        refused_command=refused_command,
        problems=problems or [],
        done=done,
        may_resubmit=role is Role.APPLICANT and state.status.value == "changes_requested",
    )


@router.get("/agreements/{agreement_id}")
async def agreement(
    request: Request, agreement_id: str, viewer: Viewing, services: Services, done: str = ""
) -> Response:
    agreement_id = _checked_id(agreement_id, viewer)
    shown = viewer.words.command(done) if done in ACTION_FIELDS or done else ""
    return await _agreement_page(request, services, viewer, agreement_id, done=shown)


@router.post("/agreements/{agreement_id}/act/{command_type}")
async def take_action(
    request: Request, agreement_id: str, command_type: str, viewer: Acting, services: Services
) -> Response:
    agreement_id = _checked_id(agreement_id, viewer)
    if command_type not in ACTION_FIELDS:
        raise ConsoleRefusal(404, viewer.words("not_found"))
    role = viewer.user.actor().role

    async def refused(body: ErrorBody, status: int, posted: FormData | None = None) -> Response:
        return await _agreement_page(
            request,
            services,
            viewer,
            agreement_id,
            status=status,
            refusal=body,
            refused_command=command_type,
            posted=posted,
        )

    if not may_take(role, command_type):
        return await refused(
            ErrorBody(
                code="role_not_permitted",
                message=f"a {role.value} may not {command_type}",
                legal_basis=[ROLES_BASIS],
            ),
            403,
        )
    form = await request.form()
    grounds = [g for g in form.getlist("grounds") if isinstance(g, str)]
    try:
        command = command_from_form(command_type, form, grounds)
    except FormProblem as wrong:
        return await _agreement_page(
            request,
            services,
            viewer,
            agreement_id,
            status=422,
            problems=wrong.problems,
            refused_command=command_type,
            posted=form,
        )
    try:
        await require_agreement(services, agreement_id, viewer.user)
        await act(services, agreement_id, command, viewer.user)
    except ApiError as failed:
        if failed.status == 404:
            raise ConsoleRefusal(404, failed.body.message) from None
        return await refused(failed.body, failed.status, form)
    return _redirect(f"/agreements/{agreement_id}?done={command_type}")


# --- applying ------------------------------------------------------------------------------


class _Shown(NamedTuple):
    """Where the application form posts, and its title's key."""

    action: str
    title_key: str


def _apply_page(
    request: Request,
    viewer: Viewer,
    values: dict[str, str],
    problems: Problems,
    rules: RuleSet,
    shown: _Shown,
    *,
    status: int = 200,
    refusal: ErrorBody | None = None,
) -> Response:
    return page(
        request,
        "apply.html",
        viewer,
        status=status,
        title=viewer.words(shown.title_key),
        title_key=shown.title_key,
        action=shown.action,
        values=values,
        problems=problems,
        zone_end=rules.zone_end,
        priority_areas=PRIORITY_AREAS,
        applicant_kinds=APPLICANT_KINDS,
        labels=FIELD_LABELS,
        refusal=refusal,
    )


def _require_participant(viewer: Viewer) -> None:
    if viewer.user.actor().role is not Role.APPLICANT:
        raise ConsoleRefusal(403, f"{viewer.role}: {ROLES_BASIS}")


@router.get("/apply")
async def apply_page(request: Request, viewer: Viewing, services: Services) -> Response:
    _require_participant(viewer)
    today = almaty_date(services.clock())
    rules = _rules(today)
    values = values_of({})
    values.update(
        bin=viewer.user.bin or "",
        requested_start=today.isoformat(),
        requested_end=rules.zone_end.isoformat(),
        on_territory="on",
    )
    return _apply_page(request, viewer, values, Problems(), rules, _Shown("/apply", "apply_title"))


@router.get("/apply/check")
async def check_application_fields(
    request: Request,
    viewer: Viewing,
    services: Services,
    bin: str = "",
    oked_code: str = "",
    requested_start: str = "",
    requested_end: str = "",
) -> Response:
    """The form's script asks this as the participant types: each field fine or why not."""
    today = almaty_date(services.clock())
    rules = _rules(today)
    values = {
        "bin": bin.strip()[:20],
        "oked_code": oked_code.strip()[:20],
        "requested_start": requested_start[:10],
        "requested_end": requested_end[:10],
    }
    words = viewer.words
    answers: dict[str, dict[str, object]] = {}
    for name, (fine, problem, basis) in check_as_typed(values, rules, today).items():
        message = words.reason_text(problem) + (f" [{'; '.join(basis)}]" if basis else "")
        if fine and name == "bin":
            message = words("bin_ok")
        elif fine and name == "oked_code":
            oked = parse_oked(values["oked_code"])
            message = words("oked_ok", code=oked.code, title=oked.division_title)
        elif fine:
            message = ""  # the form says the zone's end already
        answers[name] = {"ok": fine, "message": message}
    return JSONResponse(answers)


async def _checked_application(
    request: Request, viewer: Viewer, services: ApiServices
) -> tuple[dict[str, str], Problems, RuleSet, Any]:
    values = values_of(await request.form())
    today = almaty_date(services.clock())
    rules = _rules(today)
    problems = Problems()
    form = application_from(values, problems)
    explain_fields(values, rules, problems)
    if form is not None:
        screen(form, rules, today, problems)
    if values["bin"] and values["bin"] != viewer.user.bin and "bin" not in problems.by_field:
        problems.add("bin", f"{viewer.user.id}: BIN {viewer.user.bin or '-'}")
    return values, problems, rules, form


@router.post("/apply")
async def apply(request: Request, viewer: Acting, services: Services) -> Response:
    _require_participant(viewer)
    values, problems, rules, form = await _checked_application(request, viewer, services)
    show = _Shown("/apply", "apply_title")
    if problems or form is None:
        return _apply_page(request, viewer, values, problems, rules, show, status=422)
    agreement_id = uuid4().hex
    try:
        await submit(services, agreement_id, form, viewer.user)
    except ApiError as failed:
        return _apply_page(
            request,
            viewer,
            values,
            problems,
            rules,
            show,
            status=failed.status,
            refusal=failed.body,
        )
    return _redirect(f"/agreements/{agreement_id}")


@router.get("/agreements/{agreement_id}/resubmit")
async def resubmit_page(
    request: Request, agreement_id: str, viewer: Viewing, services: Services
) -> Response:
    _require_participant(viewer)
    read = await _read(services, _checked_id(agreement_id, viewer), viewer)
    rules = _rules(almaty_date(services.clock()))
    values = values_of({})
    form = read.state.form
    if form is not None:
        first = form.planned_obligations[0]
        values.update(
            bin=form.bin,
            name=form.name,
            applicant_kind=form.applicant_kind.value,
            contact_email=str(form.contacts.email),
            phone=form.contacts.phone,
            address=form.contacts.address,
            contact_person=form.contacts.contact_person,
            oked_code=form.oked_code,
            priority_area=form.priority_area.value,
            excisable_goods="on" if form.excisable_goods else "",
            on_territory="on" if form.on_territory else "",
            project_description=form.project_description,
            requested_start=form.requested_start.isoformat(),
            requested_end=form.requested_end.isoformat(),
            investment_foreign_kzt=str(first.investment_foreign_kzt),
            investment_domestic_kzt=str(first.investment_domestic_kzt),
            production_volume_kzt=str(first.production_volume_kzt),
            jobs=str(first.jobs),
            kz_content_bp=str(first.kz_content_bp),
        )
    shown = _Shown(f"/agreements/{agreement_id}/resubmit", "resubmit_title")
    return _apply_page(request, viewer, values, Problems(), rules, shown)


@router.post("/agreements/{agreement_id}/resubmit")
async def resubmit(
    request: Request, agreement_id: str, viewer: Acting, services: Services
) -> Response:
    _require_participant(viewer)
    agreement_id = _checked_id(agreement_id, viewer)
    values, problems, rules, form = await _checked_application(request, viewer, services)
    show = _Shown(f"/agreements/{agreement_id}/resubmit", "resubmit_title")
    if problems or form is None:
        return _apply_page(request, viewer, values, problems, rules, show, status=422)
    try:
        await require_agreement(services, agreement_id, viewer.user)
        await act(services, agreement_id, ResubmitApplication(form=form), viewer.user)
    except ApiError as failed:
        return _apply_page(
            request,
            viewer,
            values,
            problems,
            rules,
            show,
            status=failed.status,
            refusal=failed.body,
        )
    return _redirect(f"/agreements/{agreement_id}?done=ResubmitApplication")


# --- the auditor's screen --------------------------------------------------------------------


@router.get("/agreements/{agreement_id}/timeline")
async def timeline(
    request: Request,
    agreement_id: str,
    viewer: Viewing,
    services: Services,
    as_of: str = "",
    verify: str = "",
) -> Response:
    agreement_id = _checked_id(agreement_id, viewer)
    read = await _read(services, agreement_id, viewer)
    day = dashboard.asked_day(as_of) if as_of else None
    shown_as_of = await state_as_of(services.store, agreement_id, day) if day else None
    report = await verify_agreement_chain(services.store, agreement_id) if verify else None
    return page(
        request,
        "timeline.html",
        viewer,
        title=viewer.words("timeline_title"),
        agreement_id=agreement_id,
        state=read.state,
        rows=timeline_rows(read.recorded),
        as_of=as_of,
        as_of_unreadable=bool(as_of) and day is None,
        shown_as_of=shown_as_of,
        as_of_deadlines=open_deadlines_of(shown_as_of.state)
        if shown_as_of and shown_as_of.state
        else [],
        report=report,
    )


# --- mounting ------------------------------------------------------------------------------


async def _login_required(request: Request, error: Exception) -> Response:
    assert isinstance(error, LoginRequired)
    query = {"next": error.next_path}
    if error.reason:
        query["reason"] = error.reason
    return _redirect(f"/login?{urlencode(query)}")


async def _refused(request: Request, error: Exception) -> Response:
    assert isinstance(error, ConsoleRefusal)
    return page(request, "error.html", None, status=error.status, message=error.message)


def install_console(app: FastAPI) -> None:
    """Serve the console at ``/`` on ``app`` (the JSON API keeps ``/api``)."""
    app.include_router(router)
    app.include_router(dashboard.router)
    app.include_router(evidence.router)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(ConsoleRefusal, _refused)
