// The admin API as the page uses it: the session cookie goes along by itself (same origin), and each
// state-changing request repeats the session's CSRF token, which only this page can read (GET /ui/session).

let csrfToken = null;

// Reads the session's CSRF token; false when the session is gone (expired, logged out, daemon restarted).
export async function loadSession() {
  const answer = await fetch("/ui/session", { credentials: "same-origin" });
  if (!answer.ok) return false;
  csrfToken = (await answer.json()).csrf_token;
  return true;
}

// POSTs `body` as JSON to `path`; resolves to the answer's JSON, or throws an Error with the daemon's message.
export async function post(path, body = {}) {
  const answer = await fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken ?? "" },
    body: JSON.stringify(body),
  });
  let json = {};
  try {
    json = await answer.json();
  } catch {
    // An empty or non-JSON answer: the status says enough.
  }
  if (!answer.ok) throw new Error(json.error ?? `${path} answered ${answer.status}`);
  return json;
}
