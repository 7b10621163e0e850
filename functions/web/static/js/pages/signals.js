// Signals: the ones waiting for a person (approve, or reject with a reason: either hands the task
// token back to the waiting execution), a day's history filtered by status, and one signal in
// full: its briefing (fks_ai: what followed similar market states, the regime, related notes),
// its execution path, risk checks, order, exchange report and why it ended as it did.
// Routes: GET /signals?status=&day=&limit=&next_token=, GET /signals/{id},
// POST /signals/{id}/approve {note}, POST /signals/{id}/reject {reason}.
// With a live feed address (Settings), each signal's changes arrive over the WebSocket (topic
// "signals") and the lists follow them without a reload.

import { api } from "../api.js";
import { debounced, watchTopics } from "../live.js";
import {
  badge, card, clearFieldErrors, el, errorBox, field, fmt, formMessage, input, message, select, showFieldErrors,
  statusBadge, table, time,
} from "../ui.js";

export const STATUSES = [
  "recorded", "validated", "risk_approved", "pending_approval", "approved", "filled", "placed", "routed", "completed",
  "stale", "denied", "rejected", "expired", "refused", "failed",
];
const PAGE_SIZE = 50;
let live = null;

export function leave() {
  live?.close();
  live = null;
}

export async function render(root) {
  leave();
  const view = {
    pending: el("div", { id: "signals-pending" }),
    decision: el("div", { id: "signal-decision" }),
    history: el("div", { id: "signals-history" }),
    detail: el("div", { id: "signal-detail" }, el("p.text-body-secondary.mb-0", {}, "Pick a signal to see its path.")),
  };
  view.filter = filterForm(view);
  root.replaceChildren(el("h1.h4.mb-3", {}, "Signals"),
    el("div.row.g-3", {},
      el("div.col-12", {}, card("Pending approval", view.decision, view.pending,
        el("button.btn.btn-link.btn-sm.px-0", { type: "button", id: "pending-refresh", onclick: () => loadPending(view) }, "Refresh"))),
      el("div.col-12.col-xl-7", {}, card("History", view.filter, view.history)),
      el("div.col-12.col-xl-5", {}, card("Signal", view.detail))));
  await Promise.all([loadPending(view), loadHistory(view)]);
  follow(view);
}

// ---- live: each pushed change updates the row it concerns; lists reload only when a row comes or goes

function follow(view) {
  const reloadPending = debounced(() => loadPending(view));
  const reloadHistory = debounced(() => loadHistory(view));
  const reloadDetail = debounced((signalId) => showSignal(view, signalId));
  live = watchTopics({
    topics: ["signals"],
    onState: (state) => { view.history.dataset.live = state; },
    onUpdate: ({ record }) => {
      const id = record.signal_id;
      if (!id) return;
      const selector = `[data-signal="${CSS.escape(id)}"]`;
      if (!updateListedStatus(view, id, record.status)) {
        const day = view.filter.elements.day.value;
        if (!day || day === record.day) reloadHistory();
      }
      if (record.status === "pending_approval" || view.pending.querySelector(selector)) reloadPending();
      if (view.detail.querySelector(selector)) reloadDetail(id);
    },
  });
}

export function columns() {
  return [
    ["Created (UTC)", (s) => time(s.created_ms)], ["Strategy", (s) => s.strategy_id], ["Symbol", (s) => s.symbol],
    ["Side", (s) => s.side], ["Qty", (s) => fmt(s.quantity, 8)], ["Mode", (s) => s.mode],
    ["Status", (s) => statusBadge(s.status || "unknown")],
  ];
}

// ---- pending approvals

async function loadPending(view) {
  try {
    const { signals = [] } = await api("GET", "signals?status=pending_approval&limit=200");
    view.pending.replaceChildren(table(signals, [
      ...columns(),
      ["Decide by (UTC)", (s) => time(s.approval_deadline_ms)],
      ["", (s) => el("div.btn-group.btn-group-sm", { dataset: { signal: s.signal_id } },
        el("button.btn.btn-success", { type: "button", "data-action": "approve", onclick: () => approve(view, s) }, "Approve"),
        el("button.btn.btn-outline-danger", { type: "button", "data-action": "reject", onclick: () => askReason(view, s) }, "Reject"),
        el("button.btn.btn-outline-secondary", { type: "button", "data-action": "details", onclick: () => showSignal(view, s.signal_id) }, "Details"))],
    ], "Nothing waits for approval."));
  } catch (error) {
    view.pending.replaceChildren(errorBox(error));
  }
}

async function refresh(view, signalId) {
  await Promise.all([loadPending(view), loadHistory(view), signalId ? showSignal(view, signalId) : null]);
}

async function approve(view, signal) {
  try {
    await api("POST", `signals/${encodeURIComponent(signal.signal_id)}/approve`, {});
    message(`Signal ${signal.signal_id} approved: the order goes out now.`, "success");
  } catch (error) {
    message(`Could not approve ${signal.signal_id}: ${error.message}`);
  }
  view.decision.replaceChildren();
  await refresh(view, signal.signal_id);
}

/** Rejecting needs a reason, asked in a small form above the table; it is kept with the signal. */
function askReason(view, signal) {
  const form = el("form.border.rounded.p-2.mb-3", { id: "reject-form", novalidate: true, dataset: { signal: signal.signal_id } },
    el("p.small.mb-2", {}, `Reject ${signal.side || ""} ${signal.quantity || ""} ${signal.symbol || ""} (${signal.signal_id})`),
    field("Reason", input("reason", { maxlength: 500, placeholder: "why this signal must not trade" }),
      "Kept with the signal and shown in its history."),
    el("div.d-flex.gap-2", {},
      el("button.btn.btn-danger.btn-sm", { type: "submit" }, "Reject signal"),
      el("button.btn.btn-outline-secondary.btn-sm", { type: "button", onclick: () => form.remove() }, "Cancel")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const reason = form.elements.reason.value.trim();
    if (!reason) {
      showFieldErrors(form, { reason: "Give a reason for the rejection." });
      return;
    }
    try {
      await api("POST", `signals/${encodeURIComponent(signal.signal_id)}/reject`, { reason });
    } catch (error) {
      if (error.status === 400) showFieldErrors(form, fieldErrors(error), error.message);
      else formMessage(form, `Could not reject ${signal.signal_id}: ${error.message}`);
      return;
    }
    message(`Signal ${signal.signal_id} rejected.`, "success");
    form.remove();
    await refresh(view, signal.signal_id);
  });
  view.decision.replaceChildren(form);
  form.elements.reason.focus();
}

// The API names a body field "reason" or "body.reason"; either lands next to the input.
function fieldErrors(error) {
  return Object.fromEntries(Object.entries(error.fieldErrors()).map(([name, problem]) => [name.replace(/^body\./, ""), problem]));
}

// ---- history

function filterForm(view) {
  const today = new Date().toISOString().slice(0, 10);
  const form = el("form.row.g-2.align-items-end.mb-2", { id: "signals-filter", novalidate: true },
    el("div.col-sm-5", {}, field("Status", select("status", ["any", ...STATUSES], "any"))),
    el("div.col-sm-4", {}, field("Day (UTC)", input("day", { type: "date", value: today }))),
    el("div.col-sm-3", {}, el("button.btn.btn-outline-primary.w-100.mb-2", { type: "submit" }, "Show")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await loadHistory(view);
  });
  form.elements.status.addEventListener("change", () => form.requestSubmit());
  return form;
}

function historyQuery(view, token) {
  const form = view.filter;
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  const status = form.elements.status.value;
  // The API lists by status (newest first, any day) or by day: a status filter on a day is
  // applied here to the day's list.
  if (form.elements.day.value) query.set("day", form.elements.day.value);
  else if (status !== "any") query.set("status", status);
  if (token) query.set("next_token", token);
  return query;
}

async function loadHistory(view, token = null, shown = []) {
  const form = view.filter;
  clearFieldErrors(form);
  let reply;
  try {
    reply = await api("GET", `signals?${historyQuery(view, token)}`);
  } catch (error) {
    if (error.status === 400) showFieldErrors(form, fieldErrors(error), error.message);
    else view.history.replaceChildren(errorBox(error));
    return;
  }
  const status = form.elements.status.value;
  const rows = [...shown, ...(reply.signals || []).filter((s) => status === "any" || s.status === status)];
  const more = reply.next_token
    ? el("button.btn.btn-link.btn-sm", { type: "button", onclick: () => loadHistory(view, reply.next_token, rows) }, "More…")
    : null;
  view.history.dataset.filter = status; // which filter the rows shown answer (tests wait on it)
  view.history.replaceChildren(table(rows, [
    ...columns(),
    ["", (s) => el("button.btn.btn-link.btn-sm.p-0", { type: "button", "data-action": "details", dataset: { signal: s.signal_id },
      onclick: () => showSignal(view, s.signal_id) }, "details")],
  ], "No signals for this choice."), more ?? "");
  for (const signal of rows) updateListedStatus(view, signal.signal_id, signal.status);
}

// ---- one signal in full

export async function showSignal(view, signalId) {
  view.detail.replaceChildren(el("p.text-body-secondary.mb-0", {}, "Loading…"));
  let reply;
  try {
    reply = await api("GET", `signals/${encodeURIComponent(signalId)}`);
  } catch (error) {
    view.detail.replaceChildren(errorBox(error));
    return;
  }
  const signal = reply.signal || {};
  const execution = reply.execution;
  updateListedStatus(view, signalId, signal.status);
  view.detail.replaceChildren(el("div", { dataset: { signal: signalId, status: signal.status || "" } },
    el("p.mb-2", {}, el("code.me-2", {}, signalId), statusBadge(signal.status || "unknown")),
    facts([
      ["Strategy", signal.strategy_id], ["Market", [signal.side, signal.quantity, signal.symbol].filter(Boolean).join(" ")],
      ["Mode", signal.mode], ["Account", signal.account], ["Created (UTC)", time(signal.created_ms)],
      ["Updated (UTC)", time(signal.updated_ms)], ["Reason", signal.reason],
      ["Approval", signal.approval ? `by ${signal.approval.by} at ${time(signal.approval.at_ms)}${signal.approval.note ? ` — ${signal.approval.note}` : ""}` : null],
    ]),
    briefingSection(signal.briefing),
    el("h2.h6.mt-3", {}, "Execution path"),
    execution
      ? el("div", { id: "signal-path" }, el("p.small.mb-1", {}, "Step Functions: ", statusBadge(execution.status.toLowerCase())),
        table(execution.states || [], [
          ["State", (s) => s.state], ["Entered (UTC)", (s) => el("span", { title: s.entered_at }, s.entered_at.slice(11, 23))],
          ["Errors", (s) => (s.errors || []).join(", ")],
        ], "No state entered yet."))
      : el("p.text-body-secondary.small", {}, "No execution was started for this signal."),
    el("h2.h6.mt-3", {}, "Risk checks"),
    table(signal.checks || [], [
      ["Rule", (c) => c.rule], ["Passed", (c) => badge(c.passed ? "yes" : "no", c.passed ? "success" : "danger")],
      ["Detail", (c) => c.detail || ""],
    ], "No checks ran."),
    section("Order", signal.order), section("Exchange report", signal.report)));
}

// The history row of a signal shows the status it had when listed: bring it up to date. False
// when the signal is not listed.
function updateListedStatus(view, signalId, status) {
  const row = view.history.querySelector(`button[data-signal="${CSS.escape(signalId)}"]`)?.closest("tr");
  const cell = row?.children[columns().findIndex(([title]) => title === "Status")];
  if (!cell) return false;
  if (status) {
    cell.replaceChildren(statusBadge(status));
    row.dataset.status = status;
  }
  return true;
}

// The briefing AiFunction attaches within seconds of validation: its templated summary, then the
// figures the summary was filled from. A signal validated before fks_ai has none.
function briefingSection(briefing) {
  if (!briefing) {
    return el("div", { id: "signal-briefing" }, el("h2.h6.mt-3", {}, "Briefing"),
      el("p.text-body-secondary.small.mb-0", {}, "No briefing (yet): it arrives seconds after validation."));
  }
  const states = briefing.similar_states || {};
  const percent = (value) => `${(value * 100).toFixed(2)}%`;
  const distribution = (name, d) => ({ name, ...d });
  const rows = states.available
    ? [distribution(`${states.neighbours_forward.count} most similar states`, states.neighbours_forward),
      distribution(`all ${states.baseline_forward.count} past bars`, states.baseline_forward)]
    : [];
  return el("div", { id: "signal-briefing" }, el("h2.h6.mt-3", {}, "Briefing"),
    el("p.small.mb-2", { id: "briefing-summary" }, briefing.summary),
    narrative(briefing.narrative),
    states.available
      ? table(rows, [
        ["Forward " + states.horizon_bars + " bars", (r) => r.name], ["Median", (r) => percent(r.median)],
        ["10%", (r) => percent(r.p10)], ["90%", (r) => percent(r.p90)], ["Up", (r) => `${Math.round(r.share_up * 100)}%`],
      ], "")
      : null,
    facts([
      ["Regime", briefing.regime?.regime || briefing.regime?.reason],
      ["Forecast", briefing.forecast?.prob_up != null ? `P(up) ${briefing.forecast.prob_up}` : briefing.forecast?.reason],
      ["Notes", (briefing.notes || []).map((n) => n.text).join(" · ")],
    ]),
    performanceTable(briefing.performance));
}

// A written version by a Bedrock model (configured only): labelled as the model's, beside the
// templated summary and the figures, never instead of them.
function narrative(written) {
  if (!written) return null;
  return el("p.small.mb-2.fst-italic", { id: "briefing-narrative" },
    written.text ? `${written.text} — written by ${written.model}` : `(${written.model} wrote nothing: ${written.error})`);
}

// How the signal's strategy did per regime: its stored backtests' trades and its earlier live
// signals, the signal's own regime first (the figures the summary's performance sentence names).
function performanceTable(performance) {
  if (!performance) return null;
  if (!performance.available) {
    return el("p.text-body-secondary.small.mb-0", { id: "briefing-performance" }, `Regime performance: ${performance.reason}`);
  }
  const tested = performance.backtests?.by_regime || {};
  const live = performance.live?.by_regime || {};
  const regimes = [performance.regime, ...new Set([...Object.keys(tested), ...Object.keys(live)])]
    .filter((r, i, all) => all.indexOf(r) === i);
  const percent = (value) => (value == null ? "" : `${(value * 100).toFixed(2)}%`);
  return el("div", { id: "briefing-performance" },
    el("p.small.mb-1.mt-2", {}, `By regime (${performance.regime} now)`,
      performance.backtests?.reason ? ` — backtests: ${performance.backtests.reason}` : ""),
    table(regimes.map((regime) => ({ regime, t: tested[regime] || {}, l: live[regime] || {} })), [
      ["Regime", (r) => (r.regime === performance.regime ? el("strong", {}, r.regime) : r.regime)],
      ["Backtest trades", (r) => String(r.t.trades ?? 0)], ["Won", (r) => percent(r.t.win_rate)],
      ["Mean / trade", (r) => percent(r.t.mean_return)], ["Net", (r) => r.t.net_pnl ?? ""],
      ["Live signals", (r) => String(r.l.signals ?? 0)], ["Executed", (r) => String(r.l.executed ?? 0)],
      [`Moved their way (${performance.horizon_bars} bars)`, (r) => percent(r.l.share_favourable)],
    ], ""));
}

function facts(pairs) {
  const shown = pairs.filter(([, value]) => value !== null && value !== undefined && value !== "");
  return el("dl.row.small.mb-0", {}, shown.flatMap(([name, value]) => [el("dt.col-4", {}, name), el("dd.col-8.mb-1", {}, value)]));
}

function section(title, value) {
  if (!value) return null;
  return el("div", {}, el("h2.h6.mt-3", {}, title), el("pre.small.bg-body-tertiary.p-2.rounded.mb-0", {}, JSON.stringify(value, null, 2)));
}
