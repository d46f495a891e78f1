// The status page's entry point: reads the session's CSRF token, opens the live feed and redraws each part when
// its data changes, and once a second for the ages and countdowns (a local clock: no request is made).

import { setUpActions, updateActions } from "./actions.js";
import { loadSession } from "./api.js";
import { byId } from "./dom.js";
import { renderFleet } from "./fleet.js";
import { shortId } from "./format.js";
import { renderHistory } from "./history.js";
import { connect } from "./live.js";
import { Timeline } from "./timeline.js";

const state = { status: null, history: [], timeline: new Timeline() };

function renderStatus() {
  const status = state.status;
  if (!status) return;
  const badge = byId("fleet-state");
  badge.textContent = status.state;
  badge.className = `badge state-${status.state}`;
  byId("fleet-revision").textContent = status.revision ? `on ${shortId(status.revision)}` : "mixed revisions";
  const halt = byId("halt-reason");
  halt.hidden = !status.halt_reason;
  halt.textContent = status.halt_reason ? `halted: ${status.halt_reason}` : "";
  renderFleet(status, new Date());
  updateActions(status);
}

function renderTimeline() {
  const entry = state.history.find((deployment) => deployment.id === state.timeline.id);
  state.timeline.render(state.status, entry, new Date());
}

const CONNECTION_TEXT = {
  live: "live",
  lost: "connection lost: reconnecting…",
  "logged-out": "session ended: run `urban-robot ui` for a new link",
};

function showConnection(connection) {
  const node = byId("connection");
  node.textContent = CONNECTION_TEXT[connection];
  node.className = `connection ${connection}`;
}

async function start() {
  setUpActions();
  if (!(await loadSession())) {
    showConnection("logged-out");
    return;
  }
  connect({
    status: (status) => {
      state.status = status;
      renderStatus();
      renderHistory(state.history, status); // the good tag and bad marks come with the status
      renderTimeline();
    },
    history: (history) => {
      state.history = history;
      renderHistory(history, state.status);
      renderTimeline();
    },
    timeline: ({ deployment }) => {
      state.timeline.reset(deployment);
      renderTimeline();
    },
    progress: (event) => {
      state.timeline.add(event);
      renderTimeline();
    },
  }, showConnection, loadSession);
  setInterval(() => {
    renderStatus();
    renderTimeline();
  }, 1000);
}

start();
