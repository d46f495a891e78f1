// How times, durations and revisions are written on the page; the same forms as `urban-robot status`.

export function shortId(revision) {
  return revision ? String(revision).slice(0, 12) : "–";
}

// 42s, 3m05s, 2h10m; "<1s" below a second (events carry whole seconds).
export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "–";
  const s = Math.max(0, Math.round(seconds));
  if (seconds < 1) return "<1s";
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

// Seconds from an ISO 8601 time to `now` (a Date).
export function secondsSince(iso, now) {
  return iso ? (now.getTime() - Date.parse(iso)) / 1000 : null;
}

export function age(iso, now) {
  return iso ? duration(secondsSince(iso, now)) : "–";
}

// 2026-12-03 18:35:01 (UTC, as the daemon records it).
export function clock(iso) {
  return iso ? String(iso).replace("T", " ").replace("Z", "") : "–";
}

export function megabytes(bytes) {
  return bytes === null || bytes === undefined ? "–" : `${Math.round(bytes / 1048576)} MB`;
}
