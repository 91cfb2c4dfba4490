"""One Sundial server, one client and one worker shared by the tests (each test uses its own ids)."""

from __future__ import annotations

import uuid

import pytest
import pytest_asyncio
from temporalio.client import Client
from temporalio.worker import Worker

from compat_tests import activities, workflows
from compat_tests.sundial import Sundial

TASK_QUEUE = "py-compat"
SEARCH_ATTRIBUTES = ["--search-attribute", "CustomerId=Keyword", "--search-attribute", "Stage=Keyword"]


@pytest.fixture(scope="session")
def sundial():
    server = Sundial(SEARCH_ATTRIBUTES).start()
    yield server
    server.close()


@pytest_asyncio.fixture(scope="session")
async def client(sundial) -> Client:
    return await Client.connect(sundial.address, namespace="default")


@pytest_asyncio.fixture(scope="session", autouse=True)
async def worker(client):
    async with Worker(client, task_queue=TASK_QUEUE, workflows=workflows.ALL, activities=activities.ALL) as w:
        yield w


@pytest.fixture
def wid(request) -> str:
    """A workflow id unique to the test."""
    return f"py-{request.node.name}-{uuid.uuid4().hex[:8]}"
