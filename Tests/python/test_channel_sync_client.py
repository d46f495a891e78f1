"""The echo server driven by python-socketio's stock (threaded) Client."""

import queue

import pytest
import socketio

from channel_harness import EVENT_DEADLINE_S, echo_server, start_server  # noqa: F401

TRANSPORTS = {
    "polling-then-upgrade": ["polling", "websocket"],
    "websocket-only": ["websocket"],
}


class RecordingClient:
    """A sync Client whose received events land in per-event queues."""

    def __init__(self, namespaces=("/",), **client_options):
        self.client = socketio.Client(handle_sigint=False, **client_options)
        self.queues = {}
        self.connect_errors = queue.Queue()
        for namespace in namespaces:
            self._record(namespace)

    def queue(self, event, namespace="/"):
        return self.queues.setdefault((event, namespace), queue.Queue())

    def _record(self, namespace):
        def on_any(event, *args):
            self.queue(event, namespace).put(args)

        def on_callback(*args):
            self.queue("callback", namespace).put(args)
            return ("acknowledged",) + args

        self.client.on("*", on_any, namespace=namespace)
        self.client.on("callback", on_callback, namespace=namespace)
        self.client.on("connect", lambda: self.queue("connect", namespace).put(()),
                       namespace=namespace)
        self.client.on("disconnect",
                       lambda reason=None: self.queue("disconnect", namespace).put((reason,)),
                       namespace=namespace)
        self.client.on("connect_error", self.connect_errors.put, namespace=namespace)

    def next(self, event, namespace="/", deadline_s=EVENT_DEADLINE_S):
        try:
            return self.queue(event, namespace).get(timeout=deadline_s)
        except queue.Empty:
            raise AssertionError(f"no {event!r} in {namespace} within {deadline_s} s")

    def connect(self, server, namespaces=("/",), transports=None, auth=None):
        self.client.connect(server.base_url, namespaces=list(namespaces),
                            transports=transports, auth=auth, wait_timeout=EVENT_DEADLINE_S)

    def close(self):
        if self.client.connected:
            self.client.disconnect()
        self.client.shutdown()


@pytest.fixture
def recording_client_factory():
    clients = []

    def make(*args, **kwargs):
        client = RecordingClient(*args, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.mark.parametrize("transports", TRANSPORTS.values(), ids=TRANSPORTS.keys())
@pytest.mark.parametrize("namespace", ["/", "/custom"])
def test_sync_client_auth_echo_ack_and_callback(echo_server, recording_client_factory,
                                                transports, namespace):
    recorder = recording_client_factory(namespaces=[namespace])
    auth = {"token": "abc", "n": 3}
    recorder.connect(echo_server, [namespace], transports, auth)
    assert recorder.next("auth", namespace) == (auth,)
    assert recorder.client.transport() == "websocket"

    arguments = ("text", 42, 1.5, None, [1, "two"], {"k": b"\x01\x02"}, b"\xff\x00")
    recorder.client.emit("message", arguments, namespace=namespace)
    assert recorder.next("message-back", namespace) == arguments

    answer = recorder.client.call("message-with-ack", ("ack me", b"\x00"),
                                  namespace=namespace, timeout=EVENT_DEADLINE_S)
    assert answer == ("ack me", b"\x00")
    assert recorder.client.call("message-with-ack", {"one": 1}, namespace=namespace,
                                timeout=EVENT_DEADLINE_S) == {"one": 1}

    recorder.client.emit("request-callback", ("question",), namespace=namespace)
    assert recorder.next("callback", namespace) == ("question",)
    assert recorder.next("callback-result", namespace) == ("acknowledged", "question")


def test_sync_client_refused_namespace(echo_server, recording_client_factory):
    recorder = recording_client_factory(namespaces=["/refused"])
    with pytest.raises(socketio.exceptions.ConnectionError):
        recorder.connect(echo_server, ["/refused"])
    error = recorder.connect_errors.get(timeout=EVENT_DEADLINE_S)
    assert isinstance(error, dict) and isinstance(error.get("message"), str), error


@pytest.mark.parametrize("transports", TRANSPORTS.values(), ids=TRANSPORTS.keys())
def test_sync_client_sees_disconnect_me(echo_server, recording_client_factory, transports):
    recorder = recording_client_factory()
    recorder.connect(echo_server, transports=transports)
    recorder.next("auth")
    recorder.client.emit("disconnect-me")
    assert recorder.next("disconnect") == (recorder.client.reason.SERVER_DISCONNECT,)


@pytest.mark.parametrize("transports", TRANSPORTS.values(), ids=TRANSPORTS.keys())
def test_sync_client_reconnects_after_the_transport_drops(echo_server, recording_client_factory,
                                                          transports):
    recorder = recording_client_factory(reconnection_delay=0.1, reconnection_delay_max=0.5,
                                        randomization_factor=0)
    recorder.connect(echo_server, transports=transports)
    recorder.next("connect")
    recorder.next("auth")
    recorder.client.emit("drop-transport")
    assert recorder.next("disconnect") == (recorder.client.reason.TRANSPORT_ERROR,)
    recorder.next("connect")
    recorder.next("auth")
    recorder.client.emit("message", "still here")
    assert recorder.next("message-back") == ("still here",)


def test_sync_client_disconnects_cleanly(echo_server, recording_client_factory):
    recorder = recording_client_factory()
    recorder.connect(echo_server)
    recorder.next("auth")
    recorder.client.disconnect()
    assert recorder.next("disconnect") == (recorder.client.reason.CLIENT_DISCONNECT,)
