"""The service calls the screens make, gathered so each runs as one operation off the GUI
thread (kiosk/ui/ops.py). No Qt here. Services still being written elsewhere (registry,
bundles, printing, sync) are imported when they exist, so the screens work before and
after they land."""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from kiosk.domain.idcard import IdNumber
from kiosk.forms.engine import FormFill
from kiosk.forms.policy import for_residents
from kiosk.forms.schema import FormDefinition, Material
from kiosk.services import cases, outbox
from kiosk.services.context import KioskContext
from kiosk.services.views import CaseSummary, DraftView
from kiosk.ui import strings as S
from kiosk.ui.offers import Offer, offer_for_form

if TYPE_CHECKING:
    from kiosk.ui.session import Resident
from kiosk.ui.session import Session

log = logging.getLogger(__name__)
LIFE_EVENTS_GROUP = "生活事件"
BUNDLE_PREFIX = "bundle."  # composed life-event forms are named bundle.<id>


def optional(module: str) -> ModuleType | None:
    """A service module if it is installed in this tree, else None."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


# ----- identify ---------------------------------------------------------------------------


def lookup_person(ctx: KioskContext, id_number: IdNumber) -> Resident:
    """A typed number: the person masked (kiosk.services.presence)."""
    from kiosk.services.presence import look_up

    return look_up(ctx, id_number.number)


# ----- what can be started ----------------------------------------------------------------


def service_offers(ctx: KioskContext) -> list[Offer]:
    return [offer_for_form(form) for form in ctx.catalogue.latest()]


def _material(item: Any) -> Material | None:
    if isinstance(item, Material):
        return item
    text = getattr(item, "label", None) or (item if isinstance(item, str) else None)
    if text is None:
        return None
    return Material(id="m", label=str(text), copies=getattr(item, "copies", None))


def bundle_offers(ctx: KioskContext) -> list[Offer]:
    bundles = optional("kiosk.services.bundles")
    if bundles is None:
        return []
    offers = []
    for info in bundles.list_bundles(ctx):
        form_titles = []
        deadlines: list[str] = []
        materials: list[Material] = []
        for form_id in getattr(info, "forms", None) or getattr(info, "form_ids", []) or []:
            fid = getattr(form_id, "form", None) or getattr(form_id, "id", None) or form_id
            try:
                form = ctx.catalogue.get(str(fid))
            except KeyError:
                continue
            form_titles.append(form.title)
            if form.rules is not None:
                deadlines.append(
                    f"{form.short_title}：{for_residents(form.rules.time_limit.resident.text)}"
                )
            known = {m.label for m in materials}
            materials += [m for m in form.materials if m.label not in known]
        offers.append(
            Offer(
                key=info.id,
                title=getattr(info, "title", info.id),
                description=getattr(info, "description", "") or "",
                group=LIFE_EVENTS_GROUP,
                materials=materials,
                notes=form_titles,
                is_bundle=True,
                deadlines=deadlines,
            )
        )
    return offers


def form_ids(ctx: KioskContext, offer: Offer) -> list[str]:
    """The forms an offer stands for (a life event: each of its forms)."""
    if offer.is_bundle:
        return [bf.form for bf in ctx.catalogue.bundle(offer.key).forms]
    return [offer.key]


def start(ctx: KioskContext, offer: Offer, session: Session) -> DraftView:
    """Start the offer for the identified resident: their proof decides the prefill, the
    card (if read) prefills too, the consent given on the notice page is stored."""
    resident = session.resident
    kwargs: dict[str, Any] = dict(
        resident_id=resident.id.number if resident else None,
        volunteer_id=session.volunteer_id,
        proof=str(resident.proof) if resident else None,
        card=resident.card if resident and resident.proven else None,
        consent=session.consent,
    )
    if offer.is_bundle:
        bundles = optional("kiosk.services.bundles")
        if bundles is None:
            raise RuntimeError("a life event offered without kiosk.services.bundles (a bug)")
        view: DraftView = bundles.start_bundle(ctx, offer.key, **kwargs)
        return view
    return cases.start_case(ctx, offer.key, **kwargs)


# ----- finishing --------------------------------------------------------------------------


@dataclass(frozen=True)
class Finished:
    cases: list[tuple[CaseSummary, FormDefinition]]
    materials: list[Material]


def relevant_materials(fill: FormFill) -> list[Material]:
    """The form's materials whose condition holds for these answers."""
    return fill.materials()


def is_bundle(draft: DraftView) -> bool:
    return draft.case.bundle_id is not None or draft.case.form_id.startswith(BUNDLE_PREFIX)


def plan_lines(ctx: KioskContext, case_id: str) -> list[str]:
    """A life-event draft: the services it will become, on the answers so far."""
    bundles = optional("kiosk.services.bundles")
    if bundles is None or not hasattr(bundles, "bundle_plan"):
        return []
    plan = bundles.bundle_plan(ctx, case_id)
    return [f"{form.title}（{form.department}）" for form in getattr(plan, "forms", [])]


def finalize(ctx: KioskContext, session: Session) -> Finished:
    """Finalize the draft (a bundle becomes its cases); raises cases.InvalidAnswers."""
    draft = session.draft
    if draft is None:
        raise RuntimeError("finalize without an open draft (a bug)")
    fill = draft.fill
    bundles = optional("kiosk.services.bundles")
    if bundles is not None and (session.bundle_id or is_bundle(draft)):
        materials: list[Material] = []
        try:
            plan = bundles.bundle_plan(ctx, draft.case.id)
            materials = [m for m in map(_material, getattr(plan, "materials", [])) if m]
        except Exception:
            log.exception("bundle plan failed")
        summaries = bundles.finalize_bundle(ctx, draft.case.id, actor=session.actor)
        done = [(s, ctx.catalogue.get(s.form_id, s.form_version)) for s in summaries]
        return Finished(done, materials or relevant_materials(fill))
    summary = cases.finalize_case(ctx, draft.case.id, actor=session.actor)
    form = ctx.catalogue.get(summary.form_id, summary.form_version)
    return Finished([(summary, form)], relevant_materials(fill))


# ----- volunteer and staff ----------------------------------------------------------------


def drafts_for(ctx: KioskContext, volunteer_id: str) -> list[CaseSummary]:
    drafts = cases.list_cases(ctx, states=["draft"])
    return [c for c in drafts if c.volunteer_id == volunteer_id]


def status_lines(ctx: KioskContext) -> list[str]:
    """The outbox counts (staff mode; sync details: kiosk/ui/sync_backend.py)."""
    box = outbox.outbox_status(ctx)
    return [S.QUEUE_STATE.format(pending=box.pending, sent=box.sent, quarantined=box.quarantined)]


def rating_line(ctx: KioskContext) -> str:
    """好差评 counts for the staff page (非常满意 3 · 满意 1 · …)."""
    from kiosk.services.ratings import LEVELS, rating_counts

    counts = rating_counts(ctx)
    return S.RATINGS_LINE.format(counts="　".join(f"{LEVELS[k]} {n}" for k, n in counts.items()))


def sync_state(ctx: KioskContext) -> Any:
    """The SyncStatus for the indicator, or None when this tree has no sync service."""
    sync = optional("kiosk.services.sync")
    if sync is None or not hasattr(sync, "sync_status"):
        return None
    return sync.sync_status(ctx)


def print_problems(ctx: KioskContext) -> list[Any]:
    """Cases whose last print did not come out (staff page), newest first."""
    printing = optional("kiosk.services.printing")
    if printing is None or not hasattr(printing, "print_problems"):
        return []
    return list(printing.print_problems(ctx))


def definition_lines(ctx: KioskContext) -> list[str]:
    """Forms and policy in force, refused definitions, 待核实 parameters (staff page)."""
    published = optional("kiosk.services.published")
    if published is None or not hasattr(published, "status_lines"):
        return []
    return list(published.status_lines(ctx))


def recent_cases(ctx: KioskContext) -> list[CaseSummary]:
    done = [c for c in cases.list_cases(ctx, limit=50) if c.state != "draft"]
    return done[:8]


# ----- repeat items from the household register --------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A household member the registry knows, offered as a new repeat item (heirs...)."""

    text: str  # 李桂兰（户主的配偶）
    answers: dict[str, str]  # child question name → value
    source: str = "户籍登记"  # said as 据登记信息（…），请核对


def household_suggestions(ctx: KioskContext, fill: FormFill, repeat: str) -> list[Suggestion]:
    """Members of the subject's household not yet named anywhere in the answers.

    Fills the item's first text question (the name), its ID-number question and, when the
    subject is the head of the household (户主), its relationship question from the
    member's place in the household (户主的配偶 → 配偶). These are registry facts: the
    person confirms them on the check page and answers the rest of the item."""
    registry = optional("kiosk.services.registry")
    members_of = getattr(registry, "household_members", None)
    q = fill.question(repeat)
    name_q = next((c.name for c in q.children if c.type == "text"), None)
    id_q = next((c.name for c in q.children if c.type == "id_number"), None)
    rel_q = next((c for c in q.children if c.type == "relationship"), None)
    subject = fill.answers.get(fill.form.subject)
    if members_of is None or not (name_q and id_q and subject):
        return []
    try:
        members = members_of(ctx, str(subject), include_self=True)
        found = registry.find_resident(ctx, str(subject))  # type: ignore[union-attr]
    except Exception:
        log.exception("household lookup failed")
        return []
    source = (found.sources.get("household") if found else None) or Suggestion.source
    head = any(m.id_number == subject and m.household_role == "head" for m in members)
    relations = {c.value for c in fill.choices(rel_q)} if rel_q is not None else set()
    known = {str(v) for v in fill.answers.values() if isinstance(v, str)}
    known |= {str(i.get(id_q)) for i in fill.items(repeat)}
    out = []
    for m in members:
        if m.id_number in known or m.id_number == subject:
            continue
        answers = {name_q: m.name, id_q: m.id_number}
        if rel_q is not None and head and m.household_role in relations:
            answers[rel_q.name] = m.household_role  # the head's spouse is the subject's
        out.append(Suggestion(f"{m.name}（{m.role_label}）", answers, source))
    return out


def add_suggested(
    ctx: KioskContext, case_id: str, repeat: str, suggestion: Suggestion, actor: str
) -> DraftView:
    """Add an item filled from the register, its answers marked as registry facts (the
    person confirms them on the check page). A value the form refuses is left out and
    asked on its page."""
    result = cases.add_item(ctx, case_id, repeat, actor=actor)
    index = len(result.draft.fill.items(repeat)) - 1
    answers = {f"{repeat}[{index}].{k}": v for k, v in suggestion.answers.items()}
    # The relationship is the member's place beside the subject (户主的配偶 → 配偶): another
    # subject clears it (kiosk.forms.prefill_marks); a name and number stay the person's.
    fill = result.draft.fill
    subject = (fill.form.subject,)
    origins = {path: subject for path in answers if fill.question(path).type == "relationship"}
    done = cases.answer_from_record(
        ctx, case_id, answers, suggestion.source, actor=actor, origins=origins
    )
    if not any(p.is_error for p in done.problems):
        return done.draft
    for path, value in answers.items():  # one refused value: the others still count
        one = cases.answer_from_record(
            ctx, case_id, {path: value}, suggestion.source, actor=actor, origins=origins
        )
        if not any(p.is_error for p in one.problems):
            result = one
    return result.draft
