"""Identify a resident: what may be shown of them, given how they proved being present.

The identify page calls these (off the GUI thread). ``look_up`` after a typed number
gives masked data only (张*明, 5001**********0133, the village without its 组);
``read_card``, ``confirm_by_volunteer`` and ``prove_by_receipt`` prove presence and
give the full view; ``person_cases`` (我的办件) refuses a person not proven present.
Every proof and every look at a person's cases is audited with a person reference,
never the number or the name (kiosk.services.audit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.domain.errors import DomainError
from kiosk.domain.id_card_chip import IdCardData
from kiosk.domain.idcard import IdNumber, parse_id_number
from kiosk.domain.masking import mask_id_number, mask_name
from kiosk.services import audit
from kiosk.services.accounts import Account
from kiosk.services.context import KioskContext
from kiosk.services.identity_proof import PresenceNotProven, Proof, is_proven
from kiosk.services.receipt_codes import use_receipt_code
from kiosk.services.views import CaseSummary


@dataclass(frozen=True)
class PersonView:
    """A person as the identify page may show them. ``name`` and ``village`` are masked
    unless ``proven``; ``age`` and ``sex`` are given only when proven."""

    id: IdNumber
    proof: Proof
    name: str | None
    village: str | None
    age: int | None = None
    sex: str | None = None  # 男 / 女
    in_registry: bool = False
    card: IdCardData | None = None
    card_expired: bool = False

    @property
    def proven(self) -> bool:
        return is_proven(self.proof)

    @property
    def masked_id(self) -> str:
        return mask_id_number(self.id.number)


def _village_label(ctx: KioskContext, village: str | None) -> str | None:
    if not village:
        return None
    labels = {c.value: c.label for c in ctx.catalogue.lists.get("villages", [])}
    return labels.get(village, village)


def _registry(ctx: KioskContext, number: str) -> Any:
    from kiosk.services.registry import find_resident

    return find_resident(ctx, number)


def look_up(
    ctx: KioskContext,
    id_number: str,
    *,
    proof: Proof = Proof.TYPED,
    card: IdCardData | None = None,
) -> PersonView:
    """The view of a person for a proof (InvalidIdNumber for a bad number)."""
    parsed = parse_id_number(id_number, today=ctx.today())
    found = _registry(ctx, parsed.number)
    name = (card.name if card and card.name else None) or (found.name if found else None)
    village = _village_label(ctx, found.village) if found else None
    expired = card is not None and card.expired(ctx.today())
    if not is_proven(proof):
        return PersonView(
            parsed,
            proof,
            mask_name(name) if name else None,
            village,  # the village without its 组
            in_registry=found is not None,
            card=card,
            card_expired=expired,
        )
    if found is not None and village:
        village = f"{village}{found.group}组"
    return PersonView(
        parsed,
        proof,
        name,
        village,
        age=parsed.age(ctx.today()),
        sex=parsed.sex_label,
        in_registry=found is not None,
        card=card,
        card_expired=expired,
    )


def read_card(ctx: KioskContext, card: IdCardData, *, actor: str = "resident") -> PersonView:
    """A card was read: proof of presence, unless the card has expired (then the page says
    so and the person is treated as typed until a volunteer confirms)."""
    expired = card.expired(ctx.today())
    ref = audit.person_ref(ctx.store.cipher, card.id_number)
    kind = "chip" if card.complete else "wedge"
    audit.log_event(
        ctx,
        actor=actor,
        action="card_read",
        detail=f"{ref} {kind}" + (" expired" if expired else ""),
    )
    return look_up(ctx, card.id_number, proof=Proof.TYPED if expired else Proof.CARD, card=card)


def confirm_by_volunteer(ctx: KioskContext, id_number: str, volunteer: Account) -> PersonView:
    """A logged-in volunteer says they checked the person's card and 户口本 (audited)."""
    parsed = parse_id_number(id_number, today=ctx.today())
    audit.log_event(
        ctx,
        actor=volunteer.actor,
        action="identity_confirmed",
        detail=f"{audit.person_ref(ctx.store.cipher, parsed.number)} card and hukou checked",
    )
    return look_up(ctx, parsed.number, proof=Proof.VOLUNTEER)


def prove_by_receipt(ctx: KioskContext, code: str) -> PersonView | None:
    """A receipt's one-time code (consumed); None when unknown, used or expired."""
    number = use_receipt_code(ctx, code)
    if number is None:
        return None
    try:
        return look_up(ctx, number, proof=Proof.RECEIPT)
    except DomainError:
        return None


def person_cases(ctx: KioskContext, person: PersonView, *, actor: str) -> list[CaseSummary]:
    """我的办件, for a person proven present only (PresenceNotProven otherwise); audited."""
    if not person.proven:
        raise PresenceNotProven("the person's presence is not proven")
    from kiosk.services.cases import cases_for_person

    audit.log_event(
        ctx,
        actor=actor,
        action="cases_viewed",
        detail=f"{audit.person_ref(ctx.store.cipher, person.id.number)} proof {person.proof}",
    )
    return cases_for_person(ctx, person.id.number)


def age_of(person: PersonView, today: date) -> int:
    return person.id.age(today)
