"""The catalogue: every form definition the kiosk carries, all versions, plus shared lists.

Files live in kiosk/forms/definitions/ as ``<form id>.v<version>.yaml``; shared
choice lists (relationship, villages) in ``lists.yaml``. Old versions stay so a
draft started before an update can still be finished or migrated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.forms.bundle import BUNDLE_FORM_PREFIX, BundleDefinition, check_bundle, load_bundle_file
from kiosk.forms.bundle_compose import compose
from kiosk.forms.checks import check_form, check_policy_use
from kiosk.forms.loader import FormFileError, FormIssue, load_choice_lists
from kiosk.forms.policy import (
    EMPTY_POLICY,
    POLICY_FILE,
    Policy,
    find_policy,
    load_form_with_policy,
    load_policy_sparing,
)
from kiosk.forms.rules_check import check_rules
from kiosk.forms.schema import Choice, FormDefinition
from kiosk.forms.versions import Versions

DEFINITIONS_DIR = Path(__file__).parent / "definitions"
LISTS_FILE = "lists.yaml"
TESTS_SUFFIX = ".tests.yaml"  # form tests live beside the forms (kiosk forms test)
BUNDLES_DIR = "bundles"  # life-event bundles, beside the forms they combine


class UnknownForm(KeyError):
    def __init__(self, form_id: str, version: int | None = None) -> None:
        what = form_id if version is None else f"{form_id} version {version}"
        super().__init__(f"no such form: {what}")
        self.form_id = form_id

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass
class Catalogue:
    # Every version; older ones stay packed after the disk cache until read (versions.py).
    forms: Versions[FormDefinition] = field(default_factory=Versions)
    lists: dict[str, list[Choice]] = field(default_factory=dict)
    files: dict[tuple[str, int], Path] = field(default_factory=dict)
    bundles: Versions[BundleDefinition] = field(default_factory=Versions)
    # Each bundle composed into one form, catalogued as "bundle.<bundle id>".
    composed: Versions[FormDefinition] = field(default_factory=Versions)
    # The district policy the forms were loaded with (policy.yaml, kiosk.forms.policy).
    policy: Policy = EMPTY_POLICY
    policy_file: Path | None = None
    # Published releases in force on this kiosk (kiosk.services.published), oldest first.
    release_folders: list[str] = field(default_factory=list)
    # Set by the town server: (release a case names or None) → the catalogue to judge it
    # by (kiosk.server.published_forms, issue 16). None: this catalogue judges every case.
    # The finalize time (ISO 8601) picks the release in force then for a case naming none.
    for_release: Callable[[int | None, str | None], Catalogue] | None = None

    def of_release(self, release: int | None, finalized_at: str | None = None) -> Catalogue:
        """The catalogue a case made under ``release`` is judged by (see for_release)."""
        if self.for_release is None:
            return self
        return self.for_release(release, finalized_at)

    def get(self, form_id: str, version: int | None = None) -> FormDefinition:
        """The given version of a form (or of a composed bundle form), or its latest version."""
        pool = self.composed if form_id.startswith(BUNDLE_FORM_PREFIX) else self.forms
        if version is not None:
            try:
                return pool[(form_id, version)]
            except KeyError:
                raise UnknownForm(form_id, version) from None
        versions = [v for (fid, v) in pool if fid == form_id]
        if not versions:
            raise UnknownForm(form_id)
        return pool[(form_id, max(versions))]

    def bundle(self, bundle_id: str, version: int | None = None) -> BundleDefinition:
        """A bundle by id (``death_in_family``), its given or latest version."""
        versions = [v for (bid, v) in self.bundles if bid == bundle_id]
        if not versions or (version is not None and version not in versions):
            raise UnknownForm(f"bundle {bundle_id}", version)
        return self.bundles[(bundle_id, version if version is not None else max(versions))]

    def latest_bundles(self) -> list[BundleDefinition]:
        return [self.bundle(bid) for bid in sorted({bid for bid, _ in self.bundles})]

    def latest(self) -> list[FormDefinition]:
        """The newest version of every form, in title order as the hall lists them."""
        ids = sorted({fid for fid, _ in self.forms})
        return [self.get(fid) for fid in ids]

    def choices_for(self, form: FormDefinition, list_name: str) -> list[Choice]:
        """A form's own list wins over a shared list of the same name."""
        return form.choices.get(list_name) or self.lists.get(list_name, [])


def definition_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.glob("*.yaml"))
                if p.name not in (LISTS_FILE, POLICY_FILE) and not p.name.endswith(TESTS_SUFFIX)
            )
        else:
            files.append(path)
    return files


def load_catalogue(
    paths: Iterable[Path] | None = None,
    *,
    extra_lists: Mapping[str, list[Choice]] | None = None,
    layered: bool = False,
    require_rules: bool = False,
    exclude: frozenset[Path] = frozenset(),
) -> tuple[Catalogue, list[FormIssue]]:
    """Load and check every definition; return the catalogue of the good ones and all issues.

    A broken file never hides the others: each problem is reported as
    ``file: question: message`` and the rest of the catalogue still loads.

    Each form is loaded with the ``policy.yaml`` of its own folder, else the policy of the
    last folder that has one (else the shipped one). ``layered``: a later folder's form of
    the same id and version replaces an earlier one (published releases over the shipped
    forms) instead of being reported. ``require_rules``: every form needs its rules block
    (always so for the shipped forms). ``exclude``: files not to read (an installed
    release's file that no longer matches its signature, kiosk.forms.releases); the
    earlier layers' copy is used instead.
    """
    paths = list(paths) if paths is not None else [DEFINITIONS_DIR]
    issues: list[FormIssue] = []
    catalogue = Catalogue()
    lists_file = DEFINITIONS_DIR / LISTS_FILE
    try:
        catalogue.lists.update(load_choice_lists(lists_file))
    except FormFileError as exc:
        issues.extend(exc.issues)
    if extra_lists:
        catalogue.lists.update(extra_lists)
    with_policy = [p for p in paths if p.is_dir() and p / POLICY_FILE not in exclude]
    catalogue.policy_file = find_policy(with_policy, DEFINITIONS_DIR)
    own_policy: dict[Path, Policy] = {}
    policy_files = {p / POLICY_FILE for p in with_policy if (p / POLICY_FILE).is_file()}
    if catalogue.policy_file is not None:
        policy_files.add(catalogue.policy_file)
    broken: set[str] = set()  # parameters with a bad value: reported once, here
    for policy_file in sorted(policy_files):
        policy_read, bad, policy_issues = load_policy_sparing(policy_file)
        issues.extend(policy_issues)
        broken |= bad
        if policy_read is not None:
            own_policy[policy_file.parent] = policy_read
    if catalogue.policy_file is not None:
        catalogue.policy = own_policy.get(catalogue.policy_file.parent, EMPTY_POLICY)
    for file in definition_files(paths):
        if file in exclude:
            continue
        policy = own_policy.get(file.parent, catalogue.policy)
        try:
            form, text_refs = load_form_with_policy(file, policy)
        except FormFileError as exc:
            issues.extend(exc.issues)
            continue
        expected = f"{form.id}.v{form.version}.yaml"
        if file.name != expected:
            issues.append(FormIssue(str(file), "-", f"file name should be {expected}"))
        form_issues = check_form(form, str(file), catalogue.lists)
        form_issues += check_policy_use(form, str(file), text_refs, policy)
        form_issues += check_rules(form, str(file), policy)
        if form.rules is None and (require_rules or _shipped(file)):
            form_issues.append(
                FormIssue(
                    str(file),
                    "-",
                    "rules: a shipped form states its rules (legal_basis, time_limit, fee, "
                    "complaint, deciding_office)",
                )
            )
        if form.key in catalogue.forms and not layered:
            form_issues.append(
                FormIssue(
                    str(file),
                    "-",
                    f"form {form.id} version {form.version} is also defined in "
                    f"{catalogue.files[form.key]}",
                )
            )
        issues.extend(form_issues)
        if not form_issues:
            catalogue.forms[form.key] = form
            catalogue.files[form.key] = file
    for file in bundle_files(paths):
        if file in exclude:
            continue
        issues.extend(_load_bundle(catalogue, file, layered=layered))
    cascades = {f"unknown policy parameter '{name}'" for name in broken}
    return catalogue, [i for i in issues if not any(c in i.message for c in cascades)]


def _shipped(file: Path) -> bool:
    try:
        return file.resolve().parent == DEFINITIONS_DIR.resolve()
    except OSError:
        return False


def bundle_files(paths: Iterable[Path]) -> list[Path]:
    """Bundle files: ``bundles/*.yaml`` under each folder given."""
    return [
        f
        for p in paths
        if p.is_dir()
        for f in sorted((p / BUNDLES_DIR).glob("*.yaml"))
        if not f.name.endswith(TESTS_SUFFIX)
    ]


def _load_bundle(catalogue: Catalogue, file: Path, *, layered: bool = False) -> list[FormIssue]:
    """Load, check and compose one bundle into the catalogue; return its issues."""
    try:
        bundle = load_bundle_file(file, catalogue.policy)
    except FormFileError as exc:
        return exc.issues
    issues = []
    expected = f"{bundle.id}.v{bundle.version}.yaml"
    if file.name != expected:
        issues.append(FormIssue(str(file), "-", f"file name should be {expected}"))
    issues.extend(check_bundle(bundle, str(file), catalogue.forms, catalogue.lists))
    if bundle.key in catalogue.bundles and not layered:
        issues.append(FormIssue(str(file), "-", f"bundle {bundle.id} v{bundle.version} twice"))
    if issues:
        return issues
    composed = compose(bundle, catalogue.forms)
    # The composed form must pass the same checks as a hand-written one.
    issues = check_form(composed, str(file), catalogue.lists)
    members = composed.policy_names
    issues += check_policy_use(composed, str(file), [], composed.policy or catalogue.policy)
    composed.with_policy(composed.policy, composed.policy_names | members)
    if not issues:
        catalogue.bundles[bundle.key] = bundle
        catalogue.composed[composed.key] = composed
    return issues


def default_catalogue() -> Catalogue:
    """The shipped catalogue; raises FormFileError if any shipped definition is broken.
    Once checked it is read from a cache on disk (kiosk.forms.catalogue_cache)."""
    from kiosk.forms.catalogue_cache import cached_catalogue

    return cached_catalogue(DEFINITIONS_DIR, checked_default_catalogue)


def checked_default_catalogue() -> Catalogue:
    """The shipped catalogue loaded and checked now (no cache); raises FormFileError."""
    catalogue, issues = load_catalogue()
    if issues:
        raise FormFileError(issues)
    return catalogue
