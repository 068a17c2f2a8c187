"""The kiosk side of sync: the outbox worker and its wire protocol (docs/sync-protocol.md).

httpx imports its command-line client (``httpx._main``: click, rich, pygments; ~50 ms and
~5 MiB) whenever those happen to be installed, as they are beside the test and server
extras. The kiosk never runs it: a ``None`` entry makes httpx take its own fallback for a
missing CLI (``except ImportError`` in ``httpx/__init__.py``), issue 19.
"""

import sys

sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
