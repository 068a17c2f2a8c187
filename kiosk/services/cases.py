"""Case operations: start, answer, validate, finalize, fill, list, show.

Each operation is one unit of work: it either commits whole or leaves nothing.
A draft is saved after every accepted answer, so a crash loses at most the
answer being typed; finalizing freezes the answers that apply, records their
hash and queues the case for the town server in the same transaction.

The operations live in modules by role, and every name is importable from here:
the errors (kiosk.services.case_errors), a case's row and shared helpers
(kiosk.services.case_rows), drafts (kiosk.services.case_drafts), finalizing
(kiosk.services.case_finalize), the read-only queries (kiosk.services.case_queries) and
the duplicate-claim operations (kiosk.services.duplicates).
"""

from __future__ import annotations

from kiosk.services.case_drafts import MIGRATED_NOTICE as MIGRATED_NOTICE
from kiosk.services.case_drafts import (
    add_item,
    answer,
    load_draft,
    move_item,
    remove_item,
    start_case,
    validate_case,
)
from kiosk.services.case_drafts import answer_from_record as answer_from_record
from kiosk.services.case_drafts import migrate_answers as migrate_answers
from kiosk.services.case_drafts import record_guardian_consent as record_guardian_consent
from kiosk.services.case_errors import CaseError, CaseExists, InvalidAnswers
from kiosk.services.case_finalize import checked_fill as checked_fill
from kiosk.services.case_finalize import fill_case, finalize_case
from kiosk.services.case_finalize import preview_case as preview_case
from kiosk.services.case_queries import cases_for_person, list_cases, show_case
from kiosk.services.case_rows import _save_fill as _save_fill  # a test stores answers with it
from kiosk.services.case_rows import actor_for as actor_for
from kiosk.services.case_rows import as_of as as_of
from kiosk.services.case_rows import canonical_case_id as canonical_case_id
from kiosk.services.case_rows import check_volunteer_id as check_volunteer_id
from kiosk.services.case_rows import kiosk_utcnow as kiosk_utcnow
from kiosk.services.case_rows import store_answers as store_answers
from kiosk.services.case_rows import summary_of as summary_of
from kiosk.services.duplicates import allow_duplicate, discard_draft

__all__ = [
    "CaseError",
    "CaseExists",
    "InvalidAnswers",
    "add_item",
    "allow_duplicate",
    "answer",
    "cases_for_person",
    "discard_draft",
    "fill_case",
    "finalize_case",
    "list_cases",
    "load_draft",
    "move_item",
    "remove_item",
    "show_case",
    "start_case",
    "validate_case",
]
