"""Activities of the suite. They run in the test process, so they record what they did in EVENTS."""

from __future__ import annotations

import asyncio

from temporalio import activity
from temporalio.exceptions import ApplicationError

# (activity, argument) pairs in the order they ran; the tests read them.
EVENTS: list[tuple[str, str]] = []


@activity.defn
async def greet(name: str) -> str:
    return f"Hello, {name}!"


@activity.defn
async def fail_until(attempts: int) -> int:
    """Fails until its attempt number reaches `attempts`, then returns that number."""
    attempt = activity.info().attempt
    if attempt < attempts:
        raise ApplicationError(f"attempt {attempt} failed")
    return attempt


@activity.defn
async def sleep_for(seconds: float) -> str:
    await asyncio.sleep(seconds)
    return "slept"


@activity.defn
async def resume_from_heartbeat(fail_at: int) -> int:
    """Heartbeats 0..5; the first attempt fails at `fail_at`; a retry starts after the last heartbeat."""
    details = activity.info().heartbeat_details
    start = details[0] + 1 if details else 0
    for i in range(start, 6):
        activity.heartbeat(i)
        if activity.info().attempt == 1 and i == fail_at:
            raise ApplicationError(f"failed at {i}")
    return start


@activity.defn
async def heartbeat_until_cancelled(key: str) -> str:
    try:
        while True:
            activity.heartbeat("working")
            await asyncio.sleep(0.2)
    except asyncio.CancelledError:
        EVENTS.append(("cancelled", key))
        raise


@activity.defn
async def record(step: str) -> str:
    EVENTS.append(("record", step))
    return step


@activity.defn
async def refuse(step: str) -> str:
    EVENTS.append(("refuse", step))
    raise ApplicationError(f"{step} refused", non_retryable=True)


ALL = [greet, fail_until, sleep_for, resume_from_heartbeat, heartbeat_until_cancelled, record, refuse]
