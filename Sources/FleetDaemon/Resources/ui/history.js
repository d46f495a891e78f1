// History: the deployments (newest first) with trigger, outcome, duration and reason; a small chart of their
// outcomes over time; and the revisions they deployed, with the good tag and the bad marks of the status.

import { byId, el, svg } from "./dom.js";
import { clock, duration, shortId } from "./format.js";

const OUTCOMES = ["succeeded", "rolled-back", "aborted", "failed", "running", "queued"];

export function renderHistory(history, status) {
  const rows = history.map((entry) => {
    const seconds = entry.finished_at ? (Date.parse(entry.finished_at) - Date.parse(entry.started_at)) / 1000 : null;
    const row = el("tr", `outcome-${entry.outcome}`, null,
      el("td", null, `#${entry.id}`),
      el("td", "revision", shortId(entry.revision)),
      el("td", null, entry.trigger),
      el("td", "outcome", entry.outcome),
      el("td", null, duration(seconds)),
      el("td", null, clock(entry.started_at)),
      el("td", "reason", entry.reason ?? ""));
    row.dataset.deployment = String(entry.id);
    return row;
  });
  byId("history").tBodies[0].replaceChildren(...rows);
  renderChart(history);
  renderRevisions(history, status);
}

// One column per deployment, oldest on the left, coloured by outcome; its height grows with the duration
// (square root, so a long one does not flatten the rest).
function renderChart(history) {
  const entries = [...history].reverse();
  const width = 14;
  const height = 60;
  const chart = svg("svg", { viewBox: `0 0 ${Math.max(entries.length, 1) * width} ${height + 14}`, role: "img" });
  const caption = svg("title");
  caption.textContent = "Outcomes of the deployments, oldest first";
  chart.append(caption);
  const longest = Math.max(1, ...entries.map(seconds));
  entries.forEach((entry, index) => {
    const h = 8 + (height - 8) * Math.sqrt(seconds(entry) / longest);
    const rect = svg("rect", { x: index * width + 2, y: height - h, width: width - 4, height: h, class: `outcome-${known(entry.outcome)}` });
    const title = svg("title");
    title.textContent = `#${entry.id} ${entry.outcome} (${duration(seconds(entry))})`;
    rect.append(title);
    chart.append(rect);
  });
  const counts = OUTCOMES.map((outcome) => [outcome, history.filter((entry) => entry.outcome === outcome).length])
    .filter(([, count]) => count > 0);
  const legend = el("p", "legend");
  for (const [outcome, count] of counts) legend.append(el("span", `key outcome-${outcome}`, `${outcome} ${count}`));
  byId("outcomes-chart").replaceChildren(chart, legend);
}

function seconds(entry) {
  return entry.finished_at ? Math.max(0, (Date.parse(entry.finished_at) - Date.parse(entry.started_at)) / 1000) : 0;
}

function known(outcome) {
  return OUTCOMES.includes(outcome) ? outcome : "other";
}

// Each revision the history names once, newest first, with what is known of it.
function renderRevisions(history, status) {
  const bad = new Map((status?.bad ?? []).map((mark) => [mark.revision, mark]));
  const seen = new Set();
  const items = [];
  for (const entry of history) {
    if (!entry.revision || seen.has(entry.revision)) continue;
    seen.add(entry.revision);
    const item = el("li", null, null, el("code", null, shortId(entry.revision)));
    item.dataset.revision = entry.revision;
    if (status?.revision === entry.revision) item.append(el("span", "tag serving", "serving"));
    if (status?.last_good?.revision === entry.revision) item.append(el("span", "tag good", status.last_good.tag));
    const mark = bad.get(entry.revision);
    if (mark) item.append(el("span", "tag bad", "bad"), el("span", "reason", mark.reason));
    items.push(item);
  }
  byId("revisions").replaceChildren(...items);
}
