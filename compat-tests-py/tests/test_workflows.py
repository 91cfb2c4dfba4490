"""Timers, signals, signal-with-start, queries, updates, children, continue-as-new, cancel, terminate, describe."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowExecutionStatus, WorkflowFailureError, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError, CancelledError, TerminatedError

from compat_tests import activities, workflows
from conftest import TASK_QUEUE
from helpers import events_with, eventually, within


async def test_timer(client, wid):
    elapsed = await within(client.execute_workflow(workflows.TimerWorkflow.run, 1.0, id=wid, task_queue=TASK_QUEUE))
    assert elapsed >= 1.0


async def test_signals_and_query(client, wid):
    handle = await client.start_workflow(workflows.AccumulatorWorkflow.run, id=wid, task_queue=TASK_QUEUE)
    await handle.signal(workflows.AccumulatorWorkflow.add, 2)
    await handle.signal(workflows.AccumulatorWorkflow.add, 3)

    async def total_is_5():
        return await handle.query(workflows.AccumulatorWorkflow.total_so_far) == 5

    await eventually(total_is_5, "the query to see both signals")
    await handle.signal(workflows.AccumulatorWorkflow.finish)
    assert await within(handle.result()) == 5


async def test_signal_with_start(client, wid):
    handle = await client.start_workflow(
        workflows.AccumulatorWorkflow.run, id=wid, task_queue=TASK_QUEUE,
        start_signal="add", start_signal_args=[7])
    # A second signal-with-start signals the running workflow instead of starting another.
    again = await client.start_workflow(
        workflows.AccumulatorWorkflow.run, id=wid, task_queue=TASK_QUEUE,
        start_signal="add", start_signal_args=[1])
    assert again.result_run_id == handle.result_run_id
    await handle.signal(workflows.AccumulatorWorkflow.finish)
    assert await within(handle.result()) == 8


async def test_stack_trace_query(client, wid):
    handle = await client.start_workflow(workflows.AccumulatorWorkflow.run, id=wid, task_queue=TASK_QUEUE)
    trace = await within(handle.query("__stack_trace"))
    # The SDK answers with the stacks of the workflow's tasks: the main one waits in run.
    assert f"Stack for <Task pending name='run (workflow: AccumulatorWorkflow, id: {wid}" in trace
    await handle.terminate(reason="done")


async def test_update_with_validator(client, wid):
    handle = await client.start_workflow(workflows.AccumulatorWorkflow.run, id=wid, task_queue=TASK_QUEUE)
    assert await within(handle.execute_update(workflows.AccumulatorWorkflow.add_and_get, 4)) == 4
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await within(handle.execute_update(workflows.AccumulatorWorkflow.add_and_get, -1))
    assert isinstance(refused.value.cause, ApplicationError)
    assert "negative" in refused.value.cause.message
    assert await within(handle.execute_update(workflows.AccumulatorWorkflow.add_and_get, 6)) == 10
    # A refused update leaves no trace in history.
    assert len(await events_with(handle, "workflow_execution_update_accepted_event_attributes")) == 2
    await handle.signal(workflows.AccumulatorWorkflow.finish)
    assert await within(handle.result()) == 10


async def test_child_workflow(client, wid):
    result = await within(client.execute_workflow(workflows.ParentWorkflow.run, "child", id=wid, task_queue=TASK_QUEUE))
    assert result == "child said: Hello, child!"
    child = await client.get_workflow_handle(f"{wid}-child").describe()
    assert child.status == WorkflowExecutionStatus.COMPLETED
    assert child.parent_id == wid


async def test_continue_as_new(client, wid):
    handle = await client.start_workflow(workflows.CountdownWorkflow.run, args=[3], id=wid, task_queue=TASK_QUEUE)
    assert await within(handle.result()) == 4
    first = await client.get_workflow_handle(wid, run_id=handle.first_execution_run_id).describe()
    assert first.status == WorkflowExecutionStatus.CONTINUED_AS_NEW
    latest = await client.get_workflow_handle(wid).describe()
    assert latest.run_id != handle.first_execution_run_id
    assert latest.status == WorkflowExecutionStatus.COMPLETED


async def test_cancellation_runs_the_workflows_cleanup(client, wid):
    handle = await client.start_workflow(workflows.CancellableWorkflow.run, wid, id=wid, task_queue=TASK_QUEUE)

    await eventually(lambda: events_with(handle, "timer_started_event_attributes"),
                     "the workflow to start its timer")
    await handle.cancel()
    with pytest.raises(WorkflowFailureError) as failed:
        await within(handle.result())
    assert isinstance(failed.value.cause, CancelledError)
    assert ("record", f"cleanup {wid}") in activities.EVENTS
    assert (await handle.describe()).status == WorkflowExecutionStatus.CANCELED


async def test_termination(client, wid):
    handle = await client.start_workflow(workflows.CancellableWorkflow.run, wid, id=wid, task_queue=TASK_QUEUE)
    await handle.terminate(reason="stopped by the test")
    with pytest.raises(WorkflowFailureError) as failed:
        await within(handle.result())
    assert isinstance(failed.value.cause, TerminatedError)
    assert "stopped by the test" in failed.value.cause.message
    assert (await handle.describe()).status == WorkflowExecutionStatus.TERMINATED
    assert ("record", f"cleanup {wid}") not in activities.EVENTS


async def test_describe(client, wid):
    handle = await client.start_workflow(
        workflows.AccumulatorWorkflow.run, id=wid, task_queue=TASK_QUEUE, memo={"owner": "py"})
    described = await handle.describe()
    assert described.id == wid
    assert described.run_id == handle.result_run_id
    assert described.workflow_type == "AccumulatorWorkflow"
    assert described.task_queue == TASK_QUEUE
    assert described.status == WorkflowExecutionStatus.RUNNING
    assert await described.memo_value("owner") == "py"
    assert described.start_time is not None and described.close_time is None
    await handle.signal(workflows.AccumulatorWorkflow.finish)
    await within(handle.result())
    closed = await handle.describe()
    assert closed.status == WorkflowExecutionStatus.COMPLETED
    assert closed.close_time >= closed.start_time
    assert closed.history_length > 0
