"""A saga with compensation, a schedule, and search attributes found by a list query."""

from __future__ import annotations

from datetime import timedelta

import pytest
from temporalio.client import (Schedule, ScheduleActionStartWorkflow, ScheduleIntervalSpec, ScheduleSpec,
                               WorkflowExecutionStatus, WorkflowFailureError)
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from compat_tests import activities, workflows
from conftest import TASK_QUEUE
from helpers import eventually, within


async def test_saga_compensates_the_booked_steps_in_reverse(client, wid):
    with pytest.raises(WorkflowFailureError) as failed:
        await within(client.execute_workflow(workflows.SagaWorkflow.run, args=[wid, "car"], id=wid, task_queue=TASK_QUEUE))
    assert isinstance(failed.value.cause, ApplicationError)
    assert failed.value.cause.message == f"booking {wid} failed and was undone"
    mine = [e for e in activities.EVENTS if wid in e[1]]
    assert mine == [
        ("record", f"book flight {wid}"), ("record", f"book hotel {wid}"), ("refuse", f"book car {wid}"),
        ("record", f"cancel hotel {wid}"), ("record", f"cancel flight {wid}"),
    ]


async def test_saga_without_failure_compensates_nothing(client, wid):
    result = await within(client.execute_workflow(workflows.SagaWorkflow.run, args=[wid, "none"], id=wid, task_queue=TASK_QUEUE))
    assert result == [f"cancel flight {wid}", f"cancel hotel {wid}", f"cancel car {wid}"]
    assert not [e for e in activities.EVENTS if e[1].startswith("cancel") and wid in e[1]]


async def test_schedule_starts_workflows(client, wid):
    schedule = await client.create_schedule(wid, Schedule(
        action=ScheduleActionStartWorkflow(workflows.GreetingWorkflow.run, "schedule", id=f"{wid}-wf", task_queue=TASK_QUEUE),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=timedelta(seconds=1))])))

    async def first_action():
        return (await schedule.describe()).info.recent_actions

    actions = await eventually(first_action, "the schedule to start a workflow")
    started = actions[0].action
    assert started.workflow_id.startswith(f"{wid}-wf")
    result = await within(client.get_workflow_handle(started.workflow_id, run_id=started.first_execution_run_id).result())
    assert result == "Hello, schedule!"
    listed = [s.id async for s in await client.list_schedules()]
    assert wid in listed
    await schedule.delete()
    with pytest.raises(RPCError) as gone:
        await schedule.describe()
    assert gone.value.status == RPCStatusCode.NOT_FOUND


async def test_search_attributes_and_list_query(client, wid):
    customer = f"c-{wid}"
    handle = await client.start_workflow(
        workflows.StagedWorkflow.run, "packing", id=wid, task_queue=TASK_QUEUE,
        search_attributes=TypedSearchAttributes([SearchAttributePair(workflows.CUSTOMER, customer)]))
    query = f'CustomerId = "{customer}" AND Stage = "packing" AND ExecutionStatus = "Running"'

    async def listed():
        return [w.id async for w in client.list_workflows(query)]

    assert await eventually(listed, "the workflow to be listed by its search attributes") == [wid]
    assert (await client.count_workflows(f'CustomerId = "{customer}"')).count == 1
    described = await handle.describe()
    assert described.typed_search_attributes.get(workflows.CUSTOMER) == customer
    assert described.typed_search_attributes.get(workflows.STAGE) == "packing"
    await handle.signal(workflows.StagedWorkflow.finish)
    assert await within(handle.result()) == customer
    closed = [w async for w in client.list_workflows(f'CustomerId = "{customer}" AND ExecutionStatus = "Completed"')]
    assert [w.status for w in closed] == [WorkflowExecutionStatus.COMPLETED]
