// The shown deployment as a timeline, built from its progress events (GET /v1/deployments/{id}/events, relayed
// live by /ui/stream): the release step, then each wave with one row per client it launched, each row the client's
// gate phases as bars (launch, identify, ready, health, handover) on one time scale, the bake and watch windows,
// and the failure, in red, with its reason and the failing client's last log lines.

import { byId, el, visible } from "./dom.js";
import { duration, secondsSince, shortId } from "./format.js";

// Which event starts and which ends each phase of a client. The `action.*` entries are the engine's own
// records of what it did (hello sent, health check sent): the boundaries between the gate's phases.
const STARTS = {
  "client.launch": "launch",
  "client.launched": "identify",
  "action.hello": "ready",
  "action.cmd.health_check": "health",
  "handover.started": "handover",
};
const ENDS = ["client.launched", "action.hello", "action.cmd.health_check", "gate.passed", "handover.committed"];
const FAILS = ["gate.failed", "handover.abandoned", "active.failed"];

export class Timeline {
  constructor() {
    this.reset(null);
  }

  // Shows deployment `id` from now on (null: none); its events follow from its first.
  reset(id) {
    this.id = id;
    this.events = [];
  }

  add(event) {
    if (event.deployment === this.id) this.events.push(event);
  }

  // Redraws for `status` (the countdown of the running deployment) and the history entry of the deployment.
  render(status, entry, now) {
    byId("timeline-name").textContent = this.id === null ? "(none yet)" : `#${this.id}`;
    const model = build(this.events, now);
    const running = status?.deployment && status.deployment.id === this.id ? status.deployment : null;
    byId("timeline-summary").textContent = summary(entry, running, model);
    renderCountdown(running, now);
    byId("timeline").replaceChildren(...draw(model));
    renderFailure(model);
  }
}

// The rows and bars of the events: {start, end, groups: [{title, rows: [{label, failed, bars}]}], failure}.
function build(events, now) {
  const times = events.map(time);
  const start = times.length ? Math.min(...times) : now.getTime();
  const finished = events.find((event) => event.kind === "finished");
  const end = finished ? Math.max(time(finished), start) : now.getTime();
  const model = { start, end, groups: [], failure: null, finished };
  const release = { title: "release", rows: [{ label: "fetch, check out, build", bars: [] }] };
  model.groups.push(release);
  let group = release;
  const rows = new Map(); // client id -> row
  const open = new Map(); // client id -> its running bar

  const close = (client, at, failed) => {
    const bar = open.get(client);
    if (!bar) return;
    bar.end = at;
    bar.failed = failed;
    open.delete(client);
  };

  for (const event of events) {
    const at = time(event);
    const detail = event.detail ?? {};
    switch (event.kind) {
      case "deployment.started":
        release.rows[0].bars.push({ phase: "release", start: at, end: null });
        break;
      case "release.prepared":
      case "release.failed":
        for (const bar of release.rows[0].bars) if (bar.end === null) {
          bar.end = at;
          bar.failed = event.kind === "release.failed";
        }
        break;
      case "rollout.wave":
        group = { title: `wave ${Number(detail.wave) + 1}: instance ${detail.instances}`, rows: [] };
        model.groups.push(group);
        break;
      case "rollback.started":
        group = { title: "rollback", rows: [] };
        model.groups.push(group);
        break;
      case "rollout.bake":
      case "rollout.watch": {
        const seconds = Number(detail.seconds ?? 0);
        if (seconds > 0) {
          const phase = event.kind === "rollout.bake" ? "bake" : "watch";
          group.rows.push({ label: phase, bars: [{ phase, start: at, end: Math.min(at + seconds * 1000, end), planned: at + seconds * 1000 }] });
        }
        break;
      }
      case "rollback.standby":
        group.rows.push({ label: `instance ${event.instance}: standby back`, bars: [{ phase: "handover", start: at, end: at }] });
        break;
      default:
        break;
    }
    const client = event.client;
    if (!client) continue;
    if (event.kind === "client.launch") {
      const row = { label: `${client} (instance ${event.instance})`, client, bars: [], failed: false };
      rows.set(client, row);
      group.rows.push(row);
    }
    const row = rows.get(client);
    if (!row) continue;
    if (ENDS.includes(event.kind)) close(client, at, false);
    if (FAILS.includes(event.kind)) {
      close(client, at, true);
      row.failed = true;
      model.failure = model.failure ?? { client, reason: detail.reason ?? event.message };
    }
    const phase = STARTS[event.kind];
    if (phase && !(event.kind === "action.hello" && detail.process_commands === "true")) {
      const bar = { phase, start: at, end: null };
      row.bars.push(bar);
      open.set(client, bar);
    }
  }
  // A phase still open has lasted until now (or until the deployment ended).
  for (const group of model.groups) for (const row of group.rows) for (const bar of row.bars) if (bar.end === null) {
    bar.end = end;
    bar.running = !finished;
  }
  if (finished && finished.detail?.outcome !== "succeeded") {
    model.failure = {
      client: finished.client ?? model.failure?.client,
      reason: finished.detail?.reason ?? model.failure?.reason ?? finished.detail?.outcome,
      outcome: finished.detail?.outcome,
      log: finished.log_tail ?? finished.detail?.log_tail ?? "",
    };
  }
  return model;
}

// When `event` happened, in milliseconds: the stream adds `time_ms`, as `time` has whole seconds only.
function time(event) {
  return event.time_ms ?? Date.parse(event.time);
}

function summary(entry, running, model) {
  if (!entry && !running) return "No deployment yet.";
  const parts = [];
  const revision = running?.revision ?? entry?.revision;
  if (revision) parts.push(shortId(revision));
  const trigger = running?.trigger ?? entry?.trigger;
  if (trigger) parts.push(`trigger ${trigger}`);
  if (running) parts.push(`${running.phase}, wave ${running.wave + 1}/${running.waves}`);
  else if (model.finished) parts.push(model.finished.detail?.outcome ?? "finished");
  else if (entry) parts.push(entry.outcome);
  parts.push(duration((model.end - model.start) / 1000));
  return parts.join(" · ");
}

// The bake or watch of the running deployment, counting down from the daemon's `phase_ends_at`.
function renderCountdown(running, now) {
  const node = byId("timeline-countdown");
  const endsAt = running?.phase_ends_at;
  node.hidden = !endsAt;
  if (endsAt) node.textContent = `${running.phase}: ${duration(-secondsSince(endsAt, now))} left`;
}

function draw(model) {
  // A little room on the right, so that what happened last is not squeezed against the edge.
  const total = Math.max(model.end - model.start, 1000) * 1.03;
  const nodes = [];
  for (const group of model.groups) {
    if (group.rows.every((row) => row.bars.length === 0)) continue;
    nodes.push(el("h4", "wave", group.title));
    for (const row of group.rows) {
      const track = el("div", "track");
      for (const bar of row.bars) track.append(drawBar(bar, model.start, total));
      const line = el("div", `row${row.failed ? " failed" : ""}`, null, el("span", "label", row.label), track);
      if (row.client) line.dataset.client = row.client;
      nodes.push(line);
    }
  }
  return nodes;
}

function drawBar(bar, start, total) {
  const seconds = (bar.end - bar.start) / 1000;
  const classes = ["bar", `phase-${bar.phase}`];
  if (bar.failed) classes.push("failed");
  if (bar.running) classes.push("running");
  const node = el("span", classes.join(" "), `${bar.phase} ${duration(seconds)}`);
  // Positions go through the CSSOM, which the Content-Security-Policy allows (inline style attributes it does not).
  node.style.left = `${((bar.start - start) / total) * 100}%`;
  node.style.width = `${Math.max((seconds * 1000 / total) * 100, 0.3)}%`;
  node.title = `${bar.phase}: ${duration(seconds)}${bar.failed ? " (failed)" : ""}`;
  return node;
}

function renderFailure(model) {
  const box = byId("timeline-failure");
  box.hidden = !model.failure;
  if (!model.failure) return;
  const failure = model.failure;
  const who = failure.client ? `${failure.client}: ` : "";
  byId("failure-reason").textContent = visible(`${failure.outcome ? `${failure.outcome} — ` : ""}${who}${failure.reason ?? ""}`);
  byId("failure-log").textContent = visible(failure.log ?? "");
  byId("failure-log").hidden = !failure.log;
}
