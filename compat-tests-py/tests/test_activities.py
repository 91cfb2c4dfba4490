"""Activities: results, retries, the four timeouts, heartbeats and cancellation."""

from __future__ import annotations

import pytest
from temporalio.api.enums.v1 import EventType, PendingActivityState

from compat_tests import activities, workflows
from conftest import TASK_QUEUE
from helpers import eventually, within


async def test_activity_result(client, wid):
    result = await within(client.execute_workflow(workflows.GreetingWorkflow.run, "Python", id=wid, task_queue=TASK_QUEUE))
    assert result == "Hello, Python!"


async def test_activity_retries_until_it_succeeds(client, wid):
    handle = await client.start_workflow(workflows.RetryWorkflow.run, 3, id=wid, task_queue=TASK_QUEUE)
    assert await within(handle.result()) == 3
    history = await handle.fetch_history()
    started = [e for e in history.events if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED]
    assert [e.activity_task_started_event_attributes.attempt for e in started] == [3]
    assert "attempt 2 failed" in started[0].activity_task_started_event_attributes.last_failure.message


@pytest.mark.parametrize("kind, expected", [
    ("start_to_close", "TimeoutError:START_TO_CLOSE"),
    ("schedule_to_close", "TimeoutError:SCHEDULE_TO_CLOSE"),
    ("schedule_to_start", "TimeoutError:SCHEDULE_TO_START"),
    ("heartbeat", "TimeoutError:HEARTBEAT"),
])
async def test_activity_timeouts(client, wid, kind, expected):
    result = await within(client.execute_workflow(workflows.TimeoutWorkflow.run, kind, id=wid, task_queue=TASK_QUEUE))
    assert result == expected


async def test_heartbeat_details_reach_the_retry(client, wid):
    result = await within(client.execute_workflow(workflows.HeartbeatWorkflow.run, 3, id=wid, task_queue=TASK_QUEUE))
    assert result == 4  # the first attempt heartbeated 3 before failing


async def test_cancelling_an_activity_reaches_it_through_its_heartbeat(client, wid):
    handle = await client.start_workflow(workflows.CancelActivityWorkflow.run, wid, id=wid, task_queue=TASK_QUEUE)

    async def activity_heartbeated():
        pending = (await handle.describe()).raw_description.pending_activities
        return pending and pending[0].state == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED \
            and pending[0].HasField("heartbeat_details")

    await eventually(activity_heartbeated, "the activity to start and heartbeat")
    await handle.signal(workflows.CancelActivityWorkflow.cancel_activity)
    assert await within(handle.result()) == "CancelledError"
    assert ("cancelled", wid) in activities.EVENTS
