"""Run a function in a thread of its own and hand its exception back to the caller's thread: for code that
cannot run where an event loop already runs (asyncio.run, Playwright's sync API) — a test session, a kernel."""

from __future__ import annotations

import threading
from typing import Callable


def in_own_thread(fn: Callable[[], None], name: str) -> None:
    """Call ``fn()`` in a new thread, wait for it, and raise here whatever it raised there."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=target, name=name)
    worker.start()
    worker.join()
    if failure:
        raise failure[0]
