"""``kiosk forms list|check|show|example``: the form catalogue for staff and form authors."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.cli.common import (
    CliError,
    add_forms_dir,
    catalogue_for,
    catalogue_in_use,
    print_json,
    print_table,
)
from kiosk.cli.forms_listing import DEFINITIONS as DEFINITIONS_DIR

# The form modules (pydantic, Lark, PyYAML) are imported by the commands that read a
# definition: `kiosk forms list` answers from a plain listing when it can (issue 19).
if TYPE_CHECKING:
    from kiosk.forms.schema import FormDefinition, Question


def register(sub: Any) -> None:
    forms = sub.add_parser("forms", help="list, check and show form definitions")
    fsub = forms.add_subparsers(dest="forms_command", metavar="ACTION", required=True)

    p = fsub.add_parser("list", help="every form in use (newest version)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)

    p = fsub.add_parser("check", help="load and check definitions; exit 2 on any problem")
    p.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the shipped)")
    add_forms_dir(p)
    p.set_defaults(handler=cmd_check)

    p = fsub.add_parser("show", help="one form's definition")
    p.add_argument("form")
    p.add_argument("--version", type=int)
    p.add_argument("--json", action="store_true")
    add_forms_dir(p)
    p.set_defaults(handler=cmd_show)

    p = fsub.add_parser("policy", help="the district policy parameters (待核实 = unconfirmed)")
    p.add_argument("--json", action="store_true")
    add_forms_dir(p)
    p.set_defaults(handler=cmd_policy)

    p = fsub.add_parser(
        "test",
        help="run form tests (*.tests.yaml); exit 0 all pass, 1 a case differs, 2 a bad file",
    )
    p.add_argument("files", nargs="*", type=Path, help="test files (default: the shipped ones)")
    add_forms_dir(p)
    p.add_argument("-q", "--quiet", action="store_true", help="print failures only")
    p.set_defaults(handler=cmd_test)

    p = fsub.add_parser("example", help="a valid example answers JSON for a form")
    p.add_argument("form")
    p.set_defaults(handler=cmd_example)


def cmd_list(args: argparse.Namespace) -> int:
    from kiosk.cli import forms_listing

    shipped = forms_listing.applies(args)  # the shipped definitions, no release folder
    listing = forms_listing.read_listing() if shipped else None
    if listing is not None:
        forms = listing["forms"]
        policy = f"policy {listing['district']} v{listing['policy_version']}"
        in_use = [f"in use: the shipped definitions (no release pulled), {policy}"]
    else:
        catalogue, in_use = catalogue_in_use(args)
        found = forms_listing.listing_of(catalogue)
        forms = found["forms"]
        if shipped:
            forms_listing.write_listing(found)
    if args.json:
        print_json(forms)
        return 0
    for line in in_use:
        print(line)
    print_table(
        ["FORM", "VERSION", "DEPARTMENT", "TITLE"],
        [[f["id"], f["version"], f["department"], f["title"]] for f in forms],
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    paths = list(args.paths or [])
    if args.forms_dir:
        paths = (paths or [DEFINITIONS_DIR]) + list(args.forms_dir)
    from kiosk.forms.catalogue import load_catalogue

    catalogue, issues = load_catalogue(paths or None)
    for issue in issues:
        print(issue)
    from kiosk.forms.catalogue import bundle_files, definition_files
    from kiosk.forms.literal_values import literal_policy_values

    folders = paths or [DEFINITIONS_DIR]
    for warning in literal_policy_values(
        [*definition_files(folders), *bundle_files(folders)], catalogue.policy
    ):
        print(warning)
    if catalogue.bundles:
        print(f"{len(catalogue.bundles)} bundle(s) ok (bundles/*.yaml)")
    print(f"{len(catalogue.forms)} form(s) ok, {len(issues)} problem(s)")
    return 2 if issues else 0  # a broken definition is invalid input (the CLI's exit 2)


def _get(args: argparse.Namespace, form_id: str, version: int | None = None) -> FormDefinition:
    return _get_in_use(args, form_id, version)[0]


def _get_in_use(
    args: argparse.Namespace, form_id: str, version: int | None = None
) -> tuple[FormDefinition, list[str]]:
    from kiosk.forms.catalogue import UnknownForm

    catalogue, in_use = catalogue_in_use(args)
    try:
        return catalogue.get(form_id, version), in_use
    except UnknownForm as exc:
        raise CliError(str(exc)) from exc


def cmd_show(args: argparse.Namespace) -> int:
    form, in_use = _get_in_use(args, args.form, args.version)
    if args.json:
        print(
            json.dumps(
                form.model_dump(by_alias=True, exclude_defaults=True), ensure_ascii=False, indent=2
            )
        )
        return 0
    for line in in_use:
        print(line)
    print(f"{form.id} v{form.version}  {form.title}  ({form.department})")
    print("routing: " + " → ".join(f"{s.desk}（{s.does}）" for s in form.routing))
    for line in rules_lines(form):
        print(line)
    _outline(form.questions, indent=1)
    return 0


def rules_lines(form: FormDefinition) -> list[str]:
    """The form's rules and the policy parameters it uses, for staff (待核实 marked)."""
    lines: list[str] = []
    rules = form.rules
    if rules is not None:
        lines.append("legal basis:")
        for doc in rules.legal_basis:
            article = f" {doc.article}" if doc.article else ""
            lines.append(f"  {doc.number}《{doc.title}》{article}")
        lines.append(f"time limit (resident): {rules.time_limit.resident.text}")
        lines.append(f"time limit (office): {rules.time_limit.office}")
        lines.append(f"fee: {rules.fee}")
        lines.append(f"complaint: {rules.complaint.name} {rules.complaint.phone}")
        lines.append(f"deciding office: {rules.deciding_office}")
    policy = form.policy
    if policy is not None and form.policy_names:
        lines.append(f"policy: {policy.district} v{policy.version}")
        for name in sorted(form.policy_names):
            if name in policy.parameters:
                param = policy.get(name)
                lines.append(f"  {name} = {policy.staff_text(name)}  {param.label}; {param.source}")
    return lines


def cmd_policy(args: argparse.Namespace) -> int:
    catalogue, in_use = catalogue_in_use(args)
    policy = catalogue.policy
    if args.json:
        print_json(policy.model_dump(mode="json"))
        return 0
    for line in in_use:
        print(line)
    effective = f", from {policy.effective}" if policy.effective else ""
    print(f"{policy.district} policy v{policy.version}{effective} ({catalogue.policy_file})")
    print_table(
        ["PARAMETER", "VALUE", "LABEL", "SOURCE"],
        [
            [name, policy.staff_text(name), param.label, param.source]
            for name, param in policy.parameters.items()
        ],
    )
    unconfirmed = sum(not p.confirmed for p in policy.parameters.values())
    print(f"{len(policy.parameters)} parameter(s), {unconfirmed} 待核实 (unconfirmed)")
    return 0


def _outline(questions: list[Question], indent: int) -> None:
    for q in questions:
        flags = " *" if q.required is True else (" *?" if q.required else "")
        when = f"  [if {q.relevant}]" if q.relevant else ""
        print(f"{'  ' * indent}{q.name} ({q.type}){flags}  {q.label}{when}")
        _outline(q.children, indent + 1)


def cmd_example(args: argparse.Namespace) -> int:
    form = _get(args, args.form)
    try:
        from kiosk.forms.examples import example_answers

        print_json(example_answers(form))
    except FileNotFoundError as exc:
        raise CliError(f"form {form.id} has no example answers file ({exc.filename})") from exc
    return 0


def cmd_test(args: argparse.Namespace) -> int:
    from kiosk.forms.scenarios import ScenarioFileError, find_test_files, run_test_file

    catalogue = catalogue_for(args)
    files = list(args.files) or find_test_files([DEFINITIONS_DIR, *(args.forms_dir or [])])
    if not files:
        raise CliError("no form tests found (*.tests.yaml)", exit_code=2)
    failed = broken = passed = 0
    for path in files:
        try:
            results = run_test_file(catalogue, path)
        except ScenarioFileError as exc:
            print(f"ERROR {exc}")
            broken += 1
            continue
        for result in results:
            if result.ok:
                passed += 1
                if not args.quiet:
                    print(f"ok    {path.name}: {result.name}")
                continue
            failed += 1
            print(f"FAIL  {path.name}: {result.name}")
            for line in result.diffs:
                print(f"      {line}")
    print(f"{passed} passed, {failed} failed, {broken} file(s) broken")
    return 2 if broken else (1 if failed else 0)
