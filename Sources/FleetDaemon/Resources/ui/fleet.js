// The fleet: one card per instance, with its active client and, during a deployment, its standby and candidate.

import { byId, el } from "./dom.js";
import { age, duration, megabytes, shortId } from "./format.js";

const ROLES = ["active", "standby", "candidate"];

export function renderFleet(status, now) {
  const cards = (status.instances ?? []).map((instance) => card(instance, now));
  byId("fleet").replaceChildren(...cards);
}

function card(instance, now) {
  const node = el("article", "card", null, el("h3", null, `instance ${instance.instance}`));
  node.dataset.instance = String(instance.instance);
  for (const role of ROLES) {
    const client = instance[role];
    if (client) node.append(clientBlock(role, client, now));
  }
  if (!instance.active && !instance.candidate) node.append(el("p", "empty", "no client"));
  return node;
}

function clientBlock(role, client, now) {
  const stats = client.heartbeat?.stats ?? {};
  const rows = [
    ["client", client.client],
    ["revision", shortId(client.revision)],
    ["state", client.state],
    ["age", age(client.since, now)], // in its role, as `urban-robot status` shows it
    ["uptime", age(client.launched_at, now)], // of its process
    ["heartbeat", client.heartbeat ? `${age(client.heartbeat.at, now)} ago` : "none yet"],
    ["guilds", stats.guilds ?? "–"],
    ["latency", typeof stats.latency === "number" ? `${Math.round(stats.latency * 1000)} ms` : (stats.latency ?? "–")],
    ["restarts", client.restarts ?? "–"],
    ["memory", megabytes(client.rss_bytes)],
    ["cpu", client.cpu_seconds === null ? "–" : duration(client.cpu_seconds)],
  ];
  // The rest of the bot's stats, as the bot sent them (text only: see dom.js).
  for (const [key, value] of Object.entries(stats)) {
    if (key !== "guilds" && key !== "latency") rows.push([key, typeof value === "string" ? value : JSON.stringify(value)]);
  }
  const list = el("dl", "fields");
  for (const [name, value] of rows) list.append(el("dt", null, name), el("dd", null, String(value)));
  const block = el("section", `client ${role} state-${cssWord(client.state)}`, null, el("h4", null, role), list);
  block.dataset.role = role;
  return block;
}

// A state as a class-name word: letters, digits and dashes only.
function cssWord(text) {
  return String(text).replace(/[^a-z0-9-]/gi, "");
}
