// Signals: pending approvals (approve / reject resume the pipeline's task token) and history.
// Routes of the signal pipeline: GET /signals, GET /signals/{id}, POST /signals/{id}/approve|reject.

import { api } from "../api.js";
import { card, el, errorBox, fmt, message, statusBadge, table, time } from "../ui.js";

const PENDING = /pending|await|approval/i;

export async function render(root) {
  const pending = el("div", { id: "signals-pending" });
  const history = el("div", { id: "signals-history" });
  const detail = el("div", { id: "signal-detail" });
  const reason = el("input.form-control.form-control-sm.mb-2", {
    id: "reject-reason", placeholder: "Reason sent with a rejection (optional)", "aria-label": "Rejection reason",
  });
  root.replaceChildren(el("h1.h4.mb-3", {}, "Signals"),
    el("div.row.g-3", {}, el("div.col-12", {}, card("Pending approval", reason, pending)),
      el("div.col-12.col-xl-7", {}, card("History", history)), el("div.col-12.col-xl-5", {}, card("Execution path", detail))));
  detail.append(el("p.text-body-secondary.mb-0", {}, "Pick a signal to see each step it went through."));
  await load(pending, history, detail);
}

async function load(pending, history, detail) {
  let rows;
  try {
    rows = ((await api("GET", "signals")).signals || []).map(flatten);
  } catch (error) {
    pending.replaceChildren(errorBox(error));
    history.replaceChildren(errorBox(error));
    return;
  }
  const reload = () => load(pending, history, detail);
  pending.replaceChildren(table(rows.filter((s) => PENDING.test(s.status || "")), [
    ...columns(),
    ["", (s) => el("div.btn-group.btn-group-sm", {},
      el("button.btn.btn-success", { type: "button", "data-action": "approve", onclick: () => decide(s, "approve", reload) }, "Approve"),
      el("button.btn.btn-outline-danger", { type: "button", "data-action": "reject", onclick: () => decide(s, "reject", reload) }, "Reject"))],
  ], "Nothing waits for approval."));
  history.replaceChildren(table(rows, [
    ...columns(),
    ["", (s) => el("button.btn.btn-link.btn-sm.p-0", { type: "button", onclick: () => showPath(s, detail) }, "path")],
  ], "No signals yet."));
}

// A record may hold the signal's fields at the top level or under "signal".
function flatten(row) {
  return { ...(row.signal || {}), ...row };
}

function columns() {
  return [
    ["Bar (UTC)", (s) => time(s.bar_time)], ["Strategy", (s) => s.strategy_id], ["Symbol", (s) => s.symbol],
    ["Side", (s) => s.side], ["Qty", (s) => fmt(s.quantity, 8)], ["Status", (s) => statusBadge(s.status || "unknown")],
  ];
}

async function decide(signal, action, reload) {
  const reason = document.getElementById("reject-reason")?.value || "rejected from the dashboard";
  try {
    await api("POST", `signals/${encodeURIComponent(signal.signal_id)}/${action}`, action === "reject" ? { reason } : {});
    message(`Signal ${signal.signal_id} ${action === "approve" ? "approved" : "rejected"}.`, "success");
  } catch (error) {
    message(`Could not ${action} ${signal.signal_id}: ${error.message}`);
  }
  await reload();
}

async function showPath(signal, detail) {
  detail.replaceChildren(el("p.text-body-secondary", {}, "Loading…"));
  try {
    const record = flatten((await api("GET", `signals/${encodeURIComponent(signal.signal_id)}`)).signal || {});
    const steps = record.execution?.steps || record.path || record.history || [];
    detail.replaceChildren(el("p.small", {}, `${record.signal_id || signal.signal_id}: `, statusBadge(record.status || "unknown")),
      table(steps, [["Step", (s) => s.name || s.state || s.type], ["When", (s) => s.timestamp || time(s.time_ms)],
        ["Outcome", (s) => s.status || s.error || s.cause || ""]], "No execution steps recorded."));
  } catch (error) {
    detail.replaceChildren(errorBox(error));
  }
}
