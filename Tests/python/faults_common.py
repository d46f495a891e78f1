"""The per-test deadline of the fault suite (SIGALRM), shared by its files."""

import signal

import pytest

FAULT_TEST_DEADLINE_S = 150


@pytest.fixture(autouse=True)
def deadline(request):
    """Fails a test that runs longer than FAULT_TEST_DEADLINE_S (setup and call); the teardown always runs."""

    def expire(_signal, _frame):
        raise TimeoutError(f"{request.node.name} ran longer than {FAULT_TEST_DEADLINE_S} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(FAULT_TEST_DEADLINE_S)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)
