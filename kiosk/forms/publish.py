"""Signed releases of form definitions and the district policy (issue 16).

The town server publishes a folder of definitions (``kiosk-server forms publish DIR``):
every file — forms, bundles, ``policy.yaml`` — is signed on its own with the server's
Ed25519 key over ``{release, effective, path, text}`` in canonical JSON, so a kiosk can
refuse one tampered file and keep the rest. The release travels as the reference data
kind ``definitions``.

A kiosk verifies each file (kiosk.services.published) with the release key its town
server gave it at enrollment: a file with no signature or a bad one is refused and
reported to staff; a release by another key is refused whole. Accepted files are kept under
``<data root>/forms/releases/<release>/``; every release stays on disk, so a draft
started under an older version can still be finished, and a release is used from its
``effective`` time (set by the server) on.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.device_identity import load_public_key_b64, public_key_b64
from kiosk.forms.catalogue import BUNDLES_DIR, LISTS_FILE, TESTS_SUFFIX, load_catalogue
from kiosk.forms.loader import FormIssue
from kiosk.forms.policy import POLICY_FILE

if TYPE_CHECKING:  # cryptography is loaded when a key is (issue 19: idle memory)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

FORMAT = "bangban-definitions/1"
MAX_FILE_CHARS = 400_000


class PublishError(Exception):
    """A folder that cannot be published (message names the file and problem)."""


def _message(release: int, effective: str, path: str, text: str) -> bytes:
    payload = {"release": release, "effective": effective, "path": path, "text": text}
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def release_files(folder: Path) -> list[Path]:
    """What a release carries: the forms, ``policy.yaml``, ``lists.yaml`` and the
    bundles under ``bundles/`` (form tests stay behind)."""
    files = [p for p in sorted(folder.glob("*.yaml")) if not p.name.endswith(TESTS_SUFFIX)]
    files += [
        p
        for p in sorted((folder / BUNDLES_DIR).glob("*.yaml"))
        if not p.name.endswith(TESTS_SUFFIX)
    ]
    return files


def check_folder(folder: Path) -> list[FormIssue]:
    """The folder's problems as ``kiosk forms check`` reports them; a policy is required."""
    if not folder.is_dir():
        return [FormIssue(str(folder), "-", "not a folder")]
    if not (folder / POLICY_FILE).is_file():
        return [FormIssue(str(folder / POLICY_FILE), "-", "a release carries its policy.yaml")]
    _, issues = load_catalogue([folder], require_rules=True)
    return issues


def build_release(
    folder: Path, key: Ed25519PrivateKey, *, release: int, effective: datetime, publisher: str
) -> dict[str, Any]:
    """Sign every file of ``folder`` for ``release``; PublishError if the folder does not
    pass the checks (nothing is signed then)."""
    issues = check_folder(folder)
    if issues:
        raise PublishError("\n".join(str(i) for i in issues))
    when = effective.astimezone(UTC).isoformat(timespec="seconds")
    entries = []
    for path in release_files(folder):
        rel = path.relative_to(folder).as_posix()
        text = path.read_text(encoding="utf-8")
        if len(text) > MAX_FILE_CHARS:
            raise PublishError(f"{path}: -: larger than {MAX_FILE_CHARS} characters")
        entries.append(
            {
                "path": rel,
                "sha256": hashlib.sha256(text.encode()).hexdigest(),
                "text": text,
                "signature": _b64(key.sign(_message(release, when, rel, text))),
            }
        )
    return {
        "format": FORMAT,
        "release": release,
        "effective": when,
        "publisher": publisher,
        "public_key": public_key_b64(key),
        "files": entries,
    }


@dataclass
class Verified:
    """What a kiosk makes of a release: the files it accepts and those it refuses."""

    release: int
    effective: datetime
    public_key: str
    accepted: dict[str, str] = field(default_factory=dict)  # path → text
    refused: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    signatures: dict[str, str] = field(default_factory=dict)  # path → signature (accepted)
    signed_effective: str = ""  # the effective time exactly as signed


def _safe_path(path: str) -> bool:
    parts = path.split("/")
    return (
        path.endswith(".yaml")
        and 1 <= len(parts) <= 2
        and all(p and p not in (".", "..") and "\\" not in p for p in parts)
        and (len(parts) == 1 or parts[0] == BUNDLES_DIR)
    )


def verify_release(body: Any, pinned_key: str) -> Verified:
    """Check every file's signature with ``pinned_key`` (the town server's release key,
    urlsafe base64). A release that names another key, or is not readable as a release at
    all, is refused whole (ValueError)."""
    from cryptography.exceptions import InvalidSignature

    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise ValueError("not a definitions release (unknown format)")
    try:
        release = int(body["release"])
        effective = datetime.fromisoformat(str(body["effective"]))
        key_text = str(body["public_key"])
        key = load_public_key_b64(pinned_key)
        files = list(body["files"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"release is malformed: {exc}") from None
    if effective.tzinfo is None:
        raise ValueError("release effective time has no time zone")
    if key_text != pinned_key:
        raise ValueError("release is signed by another key than this kiosk's town server")
    result = Verified(release, effective, key_text, signed_effective=str(body["effective"]))
    for entry in files:
        path = str(entry.get("path", "?")) if isinstance(entry, dict) else "?"
        text, signature = (
            (entry.get("text"), entry.get("signature")) if isinstance(entry, dict) else (None, None)
        )
        if not _safe_path(path):
            result.refused.append((path, "not a definition file name"))
        elif not isinstance(text, str):
            result.refused.append((path, "no text"))
        elif not signature:
            result.refused.append((path, "unsigned"))
        else:
            try:
                key.verify(
                    _unb64(str(signature)), _message(release, str(body["effective"]), path, text)
                )
            except (InvalidSignature, ValueError):
                result.refused.append((path, "signature does not match (altered or broken)"))
                continue
            result.accepted[path] = text
            result.signatures[path] = str(signature)
    return result


def verify_file(
    public_key: str, release: int, effective: str, path: str, text: str, signature: str
) -> bool:
    """Whether ``text`` is what the key signed for ``path`` in ``release`` (an installed
    file checked again on every load, kiosk.forms.releases)."""
    from cryptography.exceptions import InvalidSignature

    try:
        load_public_key_b64(public_key).verify(
            _unb64(signature), _message(release, effective, path, text)
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def release_dir(root: Path, release: int) -> Path:
    return root / f"{release:06d}"


def lists_file_in(folder: Path) -> Path:
    return folder / LISTS_FILE
