// The operator's buttons: promote, abort, resume and rollback, each through the same admin API route as the CLI,
// after a confirmation that says what will happen to what.

import { post } from "./api.js";
import { byId } from "./dom.js";
import { shortId } from "./format.js";

// For each action: whether it applies to `status`, the sentence confirming it, and its request.
const ACTIONS = {
  promote: {
    applies: (status) => status.state === "deploying",
    sentence: (status) => `Promote deployment #${status.deployment.id} of ${shortId(status.deployment.revision)}: `
      + "skip the rest of its bake and watch; the remaining waves roll out now.",
    request: () => post("/v1/promote"),
  },
  abort: {
    applies: (status) => status.state === "deploying",
    sentence: (status) => `Abort deployment #${status.deployment.id} of ${shortId(status.deployment.revision)}: `
      + "every instance it touched goes back to the revision it served before.",
    request: () => post("/v1/abort"),
  },
  resume: {
    applies: (status) => status.state === "halted",
    sentence: (status) => `Resume: lift the halt (${status.halt_reason ?? "no reason given"}); automatic deployments are accepted again.`,
    request: () => post("/v1/resume"),
  },
  rollback: {
    applies: (status) => status.last_good !== null && status.state !== "deploying",
    sentence: () => "Roll back: deploy the newest good revision other than the one serving, canary first, "
      + "to every instance.",
    request: () => post("/v1/rollback", { to: null, who: "status page" }),
  },
};

let current = null;

// Enables the buttons that apply to `status`.
export function updateActions(status) {
  current = status;
  for (const [name, action] of Object.entries(ACTIONS)) byId(`action-${name}`).disabled = !action.applies(status);
}

export function setUpActions() {
  for (const name of Object.keys(ACTIONS)) byId(`action-${name}`).addEventListener("click", () => confirmAction(name));
}

// Asks with a modal dialog naming what will happen; performs the action on "Do it".
function confirmAction(name) {
  const action = ACTIONS[name];
  if (!current || !action.applies(current)) return;
  const dialog = byId("confirm");
  byId("confirm-text").textContent = action.sentence(current);
  const ok = byId("confirm-ok");
  const cancel = byId("confirm-cancel");
  const finish = (perform) => {
    ok.onclick = null;
    cancel.onclick = null;
    dialog.close();
    if (perform) perform();
  };
  ok.onclick = () => finish(() => run(name, action));
  cancel.onclick = () => finish(null);
  dialog.showModal();
}

async function run(name, action) {
  const result = byId("action-result");
  result.className = "action-result";
  result.textContent = `${name}: sent…`;
  try {
    const answer = await action.request();
    result.textContent = answer.id ? `${name}: deployment #${answer.id} queued` : `${name}: ${answer.message ?? "done"}`;
  } catch (error) {
    result.className = "action-result error";
    result.textContent = `${name} refused: ${error.message}`;
  }
}
