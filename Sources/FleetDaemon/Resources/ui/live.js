// The live feed: one EventSource on /ui/stream (see UIEventStream.swift). The browser reconnects by itself after a
// lost connection (the server asks for 2 s); the page shows the connection's state meanwhile. Each reconnection
// gets the whole picture again, so nothing is missed while it was away.

const EVENTS = ["status", "history", "timeline", "progress"];

// `handlers` maps each event name to a function of its JSON; `onState` gets "live", "lost" or "logged-out".
export function connect(handlers, onState, checkSession) {
  const source = new EventSource("/ui/stream");
  source.addEventListener("open", () => onState("live"));
  source.addEventListener("error", async () => {
    if (source.readyState !== EventSource.CLOSED) {
      onState("lost");
      return;
    }
    // Closed for good: the daemon refused the stream (401: the session ended) or answered something else.
    // Try again later unless the session is gone.
    if (await checkSession().catch(() => true)) {
      onState("lost");
      setTimeout(() => connect(handlers, onState, checkSession), 5000);
    } else {
      onState("logged-out");
    }
  });
  for (const name of EVENTS) {
    source.addEventListener(name, (event) => handlers[name](JSON.parse(event.data)));
  }
  return source;
}
