"""How a resident proved being present, and what that allows (DESIGN.md "Who may see what").

A typed ID number is not proof: anyone who knows a neighbour's number can type it. It
allows masked data on the identify page and a new application prefilled only from the
number itself (birth date, sex, age). A card read, a volunteer's audited confirmation or
a receipt's one-time code proves presence: then registry data (name, village and group,
phone, 低保/残疾 flags, household members) may be shown and prefill the forms, and
我的办件 lists the person's cases. A case records its proof (``cases.identity_proof``);
cases made on the PC (``kiosk fill``, no proof recorded) are staff work and prefill fully.
"""

from __future__ import annotations

from enum import StrEnum

from kiosk.domain.id_card_chip import IdCardData
from kiosk.forms.prefill import CardPrefill, ChainedPrefill, IdNumberPrefill, PrefillSource
from kiosk.services.context import KioskContext


class Proof(StrEnum):
    TYPED = "typed"  # the number was typed: nothing proven
    CARD = "card"  # the card was read (serial reader or keyboard-wedge reader)
    VOLUNTEER = "volunteer"  # a logged-in volunteer checked the card and 户口本 (audited)
    RECEIPT = "receipt"  # the one-time code of the person's own earlier receipt


PROVEN = frozenset({Proof.CARD, Proof.VOLUNTEER, Proof.RECEIPT})


class PresenceNotProven(PermissionError):
    """Personal data was asked for a person whose presence is not proven."""


def is_proven(proof: str | None) -> bool:
    return proof in PROVEN


def prefill_for(
    ctx: KioskContext, proof: str | None, card: IdCardData | None = None
) -> PrefillSource:
    """The prefill sources a case may use: the number alone when typed; the registry too
    when proven (or on the PC); the card's own fields on top when it was read."""
    if proof == Proof.TYPED:
        return IdNumberPrefill()
    if card is None:
        return ctx.prefill
    return ChainedPrefill(
        [ctx.prefill, CardPrefill(card.id_number, card.prefill_fields(ctx.today()))]
    )
