"""Workflows of the suite, run in the Python SDK's sandbox."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeKey
from temporalio.exceptions import ActivityError, ApplicationError, CancelledError, TimeoutError

with workflow.unsafe.imports_passed_through():
    from compat_tests import activities

CUSTOMER = SearchAttributeKey.for_keyword("CustomerId")
STAGE = SearchAttributeKey.for_keyword("Stage")


def describe_failure(err: ActivityError) -> str:
    """The activity failure's cause as 'TimeoutError:START_TO_CLOSE', 'ApplicationError', ..."""
    cause = err.cause
    if isinstance(cause, TimeoutError):
        return f"TimeoutError:{cause.type.name}"
    return type(cause).__name__


@workflow.defn
class GreetingWorkflow:
    @workflow.run
    async def run(self, name: str) -> str:
        return await workflow.execute_activity(
            activities.greet, name, start_to_close_timeout=timedelta(seconds=10))


@workflow.defn
class RetryWorkflow:
    """Runs fail_until with a retry policy; returns the attempt that succeeded."""

    @workflow.run
    async def run(self, attempts: int) -> int:
        return await workflow.execute_activity(
            activities.fail_until, attempts, start_to_close_timeout=timedelta(seconds=10),
            retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=100), backoff_coefficient=1.0))


@workflow.defn
class TimeoutWorkflow:
    """Runs one activity with the timeouts given; returns how it failed."""

    @workflow.run
    async def run(self, kind: str) -> str:
        once = RetryPolicy(maximum_attempts=1)
        try:
            if kind == "start_to_close":
                await workflow.execute_activity(
                    activities.sleep_for, 30, start_to_close_timeout=timedelta(seconds=1),
                    retry_policy=RetryPolicy(maximum_attempts=2, initial_interval=timedelta(milliseconds=100)))
            elif kind == "schedule_to_close":
                await workflow.execute_activity(
                    activities.sleep_for, 30, schedule_to_close_timeout=timedelta(seconds=2),
                    start_to_close_timeout=timedelta(milliseconds=700),
                    retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=100)))
            elif kind == "schedule_to_start":
                await workflow.execute_activity(
                    activities.greet, "nobody", task_queue="py-compat-nobody-polls",
                    schedule_to_start_timeout=timedelta(seconds=1), start_to_close_timeout=timedelta(seconds=5),
                    retry_policy=once)
            elif kind == "heartbeat":
                await workflow.execute_activity(
                    activities.sleep_for, 30, start_to_close_timeout=timedelta(seconds=30),
                    heartbeat_timeout=timedelta(seconds=1), retry_policy=once)
            else:
                raise ApplicationError(f"unknown timeout kind {kind}", non_retryable=True)
        except ActivityError as err:
            return describe_failure(err)
        return "completed"


@workflow.defn
class HeartbeatWorkflow:
    """Runs resume_from_heartbeat, which fails once; returns where the retry started."""

    @workflow.run
    async def run(self, fail_at: int) -> int:
        return await workflow.execute_activity(
            activities.resume_from_heartbeat, fail_at, start_to_close_timeout=timedelta(seconds=10),
            heartbeat_timeout=timedelta(seconds=5),
            retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=100)))


@workflow.defn
class CancelActivityWorkflow:
    """Starts a heartbeating activity, cancels it when signalled, returns how the activity ended."""

    def __init__(self) -> None:
        self.cancel = False

    @workflow.signal
    def cancel_activity(self) -> None:
        self.cancel = True

    @workflow.run
    async def run(self, key: str) -> str:
        handle = workflow.start_activity(
            activities.heartbeat_until_cancelled, key, start_to_close_timeout=timedelta(seconds=60),
            heartbeat_timeout=timedelta(seconds=2),
            cancellation_type=workflow.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        await workflow.wait_condition(lambda: self.cancel)
        handle.cancel()
        try:
            await handle
        except ActivityError as err:
            return describe_failure(err)
        return "completed"


@workflow.defn
class TimerWorkflow:
    """Sleeps on a durable timer; returns the workflow time that passed, in seconds."""

    @workflow.run
    async def run(self, seconds: float) -> float:
        before = workflow.now()
        await asyncio.sleep(seconds)
        return (workflow.now() - before).total_seconds()


@workflow.defn
class AccumulatorWorkflow:
    """Adds signalled and updated numbers until 'finish'; queried for its total."""

    def __init__(self) -> None:
        self.total = 0
        self.finished = False

    @workflow.signal
    def add(self, n: int) -> None:
        self.total += n

    @workflow.signal
    def finish(self) -> None:
        self.finished = True

    @workflow.update
    def add_and_get(self, n: int) -> int:
        self.total += n
        return self.total

    @add_and_get.validator
    def refuse_negative(self, n: int) -> None:
        if n < 0:
            raise ValueError(f"cannot add {n}: negative")

    @workflow.query
    def total_so_far(self) -> int:
        return self.total

    @workflow.run
    async def run(self) -> int:
        await workflow.wait_condition(lambda: self.finished)
        return self.total


@workflow.defn
class ParentWorkflow:
    @workflow.run
    async def run(self, name: str) -> str:
        child = await workflow.execute_child_workflow(
            GreetingWorkflow.run, name, id=f"{workflow.info().workflow_id}-child")
        return f"child said: {child}"


@workflow.defn
class CountdownWorkflow:
    """Continues as new with n-1 until n is 0; returns how many runs there were."""

    @workflow.run
    async def run(self, n: int, runs: int = 1) -> int:
        if n == 0:
            return runs
        await asyncio.sleep(0.01)
        workflow.continue_as_new(args=[n - 1, runs + 1])


@workflow.defn
class CancellableWorkflow:
    """Sleeps for an hour; when cancelled, records a cleanup step by an activity and ends cancelled."""

    @workflow.run
    async def run(self, key: str) -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            await workflow.execute_activity(
                activities.record, f"cleanup {key}", start_to_close_timeout=timedelta(seconds=10))
            raise


@workflow.defn
class SagaWorkflow:
    """Books three steps; when one fails for good, undoes the booked ones in reverse order."""

    @workflow.run
    async def run(self, key: str, fail_step: str) -> list[str]:
        undo: list[str] = []
        try:
            for step in ["flight", "hotel", "car"]:
                act = activities.refuse if step == fail_step else activities.record
                await workflow.execute_activity(act, f"book {step} {key}", start_to_close_timeout=timedelta(seconds=10))
                undo.append(f"cancel {step} {key}")
        except ActivityError as err:
            for step in reversed(undo):
                await workflow.execute_activity(
                    activities.record, step, start_to_close_timeout=timedelta(seconds=10))
            raise ApplicationError(f"booking {key} failed and was undone", non_retryable=True) from err
        return undo


@workflow.defn
class StagedWorkflow:
    """Upserts its Stage search attribute, then waits to be finished."""

    def __init__(self) -> None:
        self.finished = False

    @workflow.signal
    def finish(self) -> None:
        self.finished = True

    @workflow.run
    async def run(self, stage: str) -> str:
        workflow.upsert_search_attributes([STAGE.value_set(stage)])
        await workflow.wait_condition(lambda: self.finished)
        return workflow.info().typed_search_attributes.get(CUSTOMER) or ""


@workflow.defn
class SleepThenGreetWorkflow:
    """A long-running workflow: a timer then an activity (survives a server kill -9)."""

    @workflow.run
    async def run(self, seconds: float) -> str:
        await asyncio.sleep(seconds)
        return await workflow.execute_activity(
            activities.greet, "after the crash", start_to_close_timeout=timedelta(seconds=10))


ALL = [GreetingWorkflow, RetryWorkflow, TimeoutWorkflow, HeartbeatWorkflow, CancelActivityWorkflow, TimerWorkflow,
       AccumulatorWorkflow, ParentWorkflow, CountdownWorkflow, CancellableWorkflow, SagaWorkflow, StagedWorkflow,
       SleepThenGreetWorkflow]
