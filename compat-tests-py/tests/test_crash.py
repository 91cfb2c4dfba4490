"""A long-running workflow survives kill -9 of the server and a restart on the same database."""

from __future__ import annotations

import pytest_asyncio
from temporalio.client import Client
from temporalio.worker import Worker

from compat_tests import activities, workflows
from compat_tests.sundial import Sundial
from helpers import events_with, eventually, within

QUEUE = "py-crash"


@pytest_asyncio.fixture
async def own_server():
    server = Sundial().start()
    yield server
    server.close()


async def test_workflow_survives_kill_9(own_server, wid):
    client = await Client.connect(own_server.address)
    async with Worker(client, task_queue=QUEUE, workflows=workflows.ALL, activities=activities.ALL):
        handle = await client.start_workflow(workflows.SleepThenGreetWorkflow.run, 3.0, id=wid, task_queue=QUEUE)

        await eventually(lambda: events_with(handle, "timer_started_event_attributes"),
                         "the workflow to start its timer")
        own_server.kill()
        own_server.start()
        # The same worker and client carry on: the timer fires after the restart, the activity runs.
        assert await within(handle.result(), 60) == "Hello, after the crash!"
    assert len(await events_with(handle, "timer_fired_event_attributes")) == 1
