"""Waiting on conditions with a timeout (no sleeps that guess)."""

from __future__ import annotations

import asyncio
import time
from typing import Awaitable, Callable, TypeVar

T = TypeVar("T")

TIMEOUT_S = 30


async def within(awaitable: Awaitable[T], seconds: float = TIMEOUT_S) -> T:
    return await asyncio.wait_for(awaitable, seconds)


async def events_with(handle, attribute: str) -> list:
    """The run's history events that carry the given attributes (e.g. "timer_started_event_attributes")."""
    history = await handle.fetch_history()
    return [e for e in history.events if e.HasField(attribute)]


async def eventually(check: Callable[[], Awaitable[T]], what: str, seconds: float = TIMEOUT_S) -> T:
    """Calls check until it returns something truthy; fails naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        await asyncio.sleep(0.05)
