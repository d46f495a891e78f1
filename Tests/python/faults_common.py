"""The per-test deadline of the fault suite (SIGALRM), shared by its files."""

import pytest

from daemon_harness import alarm

FAULT_TEST_DEADLINE_S = 150


@pytest.fixture(autouse=True)
def deadline(request):
    """Fails a test that runs longer than FAULT_TEST_DEADLINE_S (setup and call)."""
    with alarm(FAULT_TEST_DEADLINE_S, request.node.name):
        yield
