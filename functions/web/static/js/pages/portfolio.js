// Portfolio: the account valued now (GET /portfolio: equity, cash, marked positions, each
// strategy's target weight, capital and books), equity over time (GET /portfolio/history), the
// strategies' allocations (PUT /portfolio/allocations) and a rebalance dry run
// (POST /portfolio/rebalance with dry_run: the orders it would place, nothing sent).
// An account selector (the deployment's own, then each account of GET /accounts) picks whose
// portfolio every card shows and acts on. Weights and amounts travel as strings: the API reads
// them as decimals.

import { api } from "../api.js";
import { addLine, createChart } from "../charts.js";
import {
  card, clearFieldErrors, el, errorBox, field, fmt, formMessage, input, message, showFieldErrors, table, time,
} from "../ui.js";

let chart = null;
const WEIGHT = /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/;
const DEFAULT_ACCOUNT = "default";
// The account every card shows: the deployment's own each time the page opens.
let account = DEFAULT_ACCOUNT;

/** `path` for the selected account (the deployment's own needs no parameter). */
function forAccount(path) {
  return account === DEFAULT_ACCOUNT ? path : `${path}?account=${encodeURIComponent(account)}`;
}

/** The request body for the selected account. */
function withAccount(body) {
  return { ...body, account };
}

export function leave() {
  chart?.remove();
  chart = null;
}

export async function render(root) {
  account = DEFAULT_ACCOUNT;
  const view = {
    summary: el("div", { id: "portfolio-summary" }),
    positions: el("div", { id: "portfolio-positions" }),
    strategies: el("div", { id: "portfolio-strategies" }),
    history: el("div", { id: "portfolio-history" }),
    allocations: el("div", { id: "portfolio-allocations" }),
    rebalance: el("div", { id: "portfolio-rebalance" }),
  };
  const picker = el("select.form-select.form-select-sm.w-auto", { id: "portfolio-account", "aria-label": "Account" },
    el("option", { value: DEFAULT_ACCOUNT }, "the deployment's account"));
  root.replaceChildren(
    el("div.d-flex.align-items-center.gap-2.mb-3", {}, el("h1.h4.mb-0.me-auto", {}, "Portfolio"),
      el("label.small.text-body-secondary", { for: "portfolio-account" }, "Account"), picker),
    el("div.row.g-3", {},
      el("div.col-12.col-xl-4", {}, card("Account", view.summary)),
      el("div.col-12.col-xl-8", {}, card("Positions", view.positions)),
      el("div.col-12", {}, card("Equity over time", view.history)),
      el("div.col-12", {}, card("Strategies: allocation and books", view.strategies)),
      el("div.col-12.col-lg-6", {}, card("Allocations", view.allocations)),
      el("div.col-12.col-lg-6", {}, card("Rebalance (dry run)", view.rebalance))));
  view.rebalance.append(rebalanceForm());
  picker.addEventListener("change", async () => {
    account = picker.value;
    await Promise.all([loadPortfolio(view), loadHistory(view.history)]);
  });
  await Promise.all([loadAccounts(picker), loadPortfolio(view), loadHistory(view.history)]);
}

/** The accounts table's accounts as choices after the deployment's own (none listed: only it). */
async function loadAccounts(picker) {
  const accounts = await api("GET", "accounts").then((reply) => reply.accounts || [], () => []);
  picker.append(...accounts.map((a) => el("option", { value: a.account }, `${a.account} (${a.venue}, ${a.mode})`)));
  picker.value = account;
}

async function loadPortfolio(view) {
  let portfolio;
  let strategies = [];
  try {
    [portfolio, strategies] = await Promise.all([
      api("GET", forAccount("portfolio")),
      api("GET", "strategies").then((reply) => reply.strategies || [], () => []),
    ]);
  } catch (error) {
    for (const slot of [view.summary, view.positions, view.strategies, view.allocations]) slot.replaceChildren(errorBox(error));
    return;
  }
  view.summary.replaceChildren(summary(portfolio));
  view.positions.replaceChildren(positionsTable(portfolio.positions || []));
  view.strategies.replaceChildren(strategiesTable(portfolio.strategies || []));
  view.allocations.replaceChildren(allocationForm(view, portfolio.strategies || [], strategies));
}

export function summary(portfolio) {
  const figure = (label, value, id) => el("div.col-6", {},
    el("div.small.text-body-secondary", {}, label), el("div.fs-5.num.text-start", { id }, fmt(value)));
  return el("div", {},
    el("div.row.g-2.mb-2", {},
      figure("Equity", portfolio.equity, "portfolio-equity"), figure("Cash", portfolio.cash, "portfolio-cash"),
      figure("Positions value", portfolio.positions_value, "portfolio-positions-value"),
      figure("Unrealised PnL", portfolio.unrealized_pnl, "portfolio-unrealized")),
    el("p.small.text-body-secondary.mb-0", { id: "portfolio-account-name" },
      portfolio.exchange ? `Account ${portfolio.account} on ${portfolio.exchange}` : `Account ${portfolio.account}`));
}

/** Marked positions; `compact` (the dashboard) leaves out the entry price, realised PnL and weight. */
export function positionsTable(positions, compact = false) {
  const stale = (p) => (p.price_is_stale ? el("span.badge.text-bg-warning.ms-1", { title: "no recent close: marked at the average entry" }, "stale") : null);
  return table(positions, [
    ["Symbol", (p) => p.symbol], ["Quantity", (p) => fmt(p.quantity, 8)],
    compact ? null : ["Avg entry", (p) => fmt(p.avg_entry_price, 4)],
    ["Price", (p) => [fmt(p.price, 4), stale(p)]],
    ["Value", (p) => fmt(p.market_value)], ["Unrealised", (p) => fmt(p.unrealized_pnl)],
    compact ? null : ["Realised", (p) => fmt(p.realized_pnl)],
    compact ? null : ["Weight", (p) => `${fmt(Number(p.weight) * 100, 2)} %`],
  ].filter(Boolean), "No open positions.");
}

function strategiesTable(strategies) {
  return table(strategies, [
    ["Strategy", (s) => s.strategy_id],
    ["Target weight", (s) => (s.target_weight === undefined ? "—" : `${fmt(Number(s.target_weight) * 100, 2)} %`)],
    ["Allocated", (s) => fmt(s.allocated_capital)],
    ["Books", (s) => (s.books.length ? booksTable(s.books) : el("span.text-body-secondary", {}, "none"))],
  ], "No strategy has traded or been allocated capital yet.");
}

function booksTable(books) {
  return el("table.table.table-sm.mb-0.small", {},
    el("thead", {}, el("tr", {}, ["Symbol", "Qty", "Avg entry", "Realised", "Unrealised", "Fees"].map((h) => el("th", {}, h)))),
    el("tbody", {}, books.map((b) => el("tr", {},
      [b.symbol, fmt(b.quantity, 8), fmt(b.avg_entry_price, 4), fmt(b.realized_pnl), fmt(b.unrealized_pnl), fmt(b.fees)]
        .map((cell) => el("td", {}, cell))))));
}

async function loadHistory(slot) {
  leave();
  let snapshots;
  try {
    snapshots = (await api("GET", forAccount("portfolio/history"))).snapshots || [];
  } catch (error) {
    slot.replaceChildren(errorBox(error));
    return;
  }
  if (!snapshots.length) {
    slot.replaceChildren(el("p.text-body-secondary.mb-0", {}, "No equity snapshots yet: one is taken after each fill and on schedule."));
    return;
  }
  const last = snapshots[snapshots.length - 1];
  const holder = el("div.chart", { id: "portfolio-chart", dataset: { points: String(snapshots.length) } });
  slot.replaceChildren(holder,
    el("p.small.text-body-secondary.mb-0.mt-1", {}, `${snapshots.length} snapshots; last ${time(last.time_ms)} UTC equity ${fmt(last.equity)}`));
  chart = createChart(holder);
  addLine(chart, snapshots.map((s) => ({ time: s.time_ms, value: s.equity })), "#0d6efd", "area");
  addLine(chart, snapshots.map((s) => ({ time: s.time_ms, value: s.cash })), "#6c757d");
  chart.timeScale().fitContent();
}

// ---- allocations: each strategy's share of equity, together at most 1

function allocationForm(view, allocated, deployed) {
  const ids = [...new Set([...deployed.map((s) => s.strategy_id), ...allocated.map((s) => s.strategy_id)])].sort();
  const current = Object.fromEntries(allocated.filter((s) => s.target_weight !== undefined).map((s) => [s.strategy_id, s.target_weight]));
  const form = el("form", { id: "allocation-form", novalidate: true },
    ids.length ? null : el("p.text-body-secondary.small", {}, "No strategies yet: create one under Strategies."),
    el("div.row.g-2", {}, ids.map((id) => el("div.col-sm-6", {},
      field(id, input(`allocations.${id}`, { inputmode: "decimal", value: current[id] ?? "", placeholder: "0 – 1" }))))),
    el("p.form-text", {}, "Target share of equity per strategy (0.25 = 25 %); empty leaves it out. Needs an admin key."),
    el("button.btn.btn-primary", { type: "submit", disabled: !ids.length }, "Save allocations"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const allocations = {};
    const errors = {};
    let total = 0;
    for (const control of form.querySelectorAll("input[name^='allocations.']")) {
      const value = control.value.trim();
      if (!value) continue;
      if (!WEIGHT.test(value)) errors[control.name] = "A weight between 0 and 1, e.g. 0.25.";
      else {
        allocations[control.name.slice("allocations.".length)] = value;
        total += Number(value);
      }
    }
    if (Object.keys(errors).length) return showFieldErrors(form, errors);
    if (total > 1 + 1e-9) return formMessage(form, `The weights add up to ${fmt(total, 6)}, more than 1 (all equity).`);
    try {
      await api("PUT", "portfolio/allocations", withAccount({ allocations }));
    } catch (error) {
      return showFieldErrors(form, error.fieldErrors?.() || {}, error.message);
    }
    message("Allocations saved.", "success");
    await loadPortfolio(view);
  });
  return form;
}

// ---- rebalance dry run: target weights per symbol in, the orders it would place out

/** "BTC/USDT=0.5, ETH/USDT=0.2" → {"BTC/USDT": "0.5", ...}; throws naming the bad part. */
export function parseTargets(text) {
  const targets = {};
  for (const part of text.split(/[,;\n]+/).map((p) => p.trim()).filter(Boolean)) {
    const match = part.match(/^([A-Za-z0-9]+\/[A-Za-z0-9]+(?::[A-Za-z0-9]+)?)\s*[=:]\s*(\S+)$/);
    if (!match) throw new Error(`"${part}" is not SYMBOL=weight (e.g. BTC/USDT=0.5).`);
    if (!WEIGHT.test(match[2])) throw new Error(`${match[1]}: weight ${match[2]} is not between 0 and 1.`);
    targets[match[1].toUpperCase()] = match[2];
  }
  if (!Object.keys(targets).length) throw new Error("Give at least one SYMBOL=weight.");
  return targets;
}

function rebalanceForm() {
  const result = el("div", { id: "rebalance-result" });
  const form = el("form", { id: "rebalance-form", novalidate: true },
    field("Target weights", input("targets", { placeholder: "BTC/USDT=0.5, ETH/USDT=0.2" }),
      "Share of equity per symbol; symbols held but not named keep theirs, 0 closes one."),
    el("div.row.g-2.align-items-end", {},
      el("div.col-sm-6", {}, field("Smallest move (quote currency)", input("min_notional", { inputmode: "decimal", value: "10" }))),
      el("div.col-sm-6", {}, el("button.btn.btn-outline-primary.w-100.mb-2", { type: "submit" }, "Plan orders (dry run)"))),
    result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    let targets;
    try {
      targets = parseTargets(form.elements.targets.value);
    } catch (error) {
      return showFieldErrors(form, { targets: error.message });
    }
    const minNotional = form.elements.min_notional.value.trim() || "0";
    if (!/^\d+(\.\d+)?$/.test(minNotional)) return showFieldErrors(form, { min_notional: "A non-negative amount, e.g. 10." });
    result.replaceChildren(el("p.text-body-secondary.small.mb-0", {}, "Planning…"));
    let plan;
    try {
      plan = await api("POST", "portfolio/rebalance", withAccount({ targets, min_notional: minNotional, dry_run: true }));
    } catch (error) {
      result.replaceChildren();
      const errors = Object.fromEntries(Object.entries(error.fieldErrors?.() || {})
        .map(([name, problem]) => [name.startsWith("targets") ? "targets" : name, problem]));
      return showFieldErrors(form, errors, error.message);
    }
    result.replaceChildren(el("p.small.mb-1", {}, `Equity ${fmt(plan.equity)} — ${plan.orders.length} order(s), nothing sent:`),
      table(plan.orders, [
        ["Symbol", (o) => o.symbol], ["Side", (o) => o.side], ["Quantity", (o) => fmt(o.quantity, 8)],
        ["Price", (o) => fmt(o.price, 4)], ["Notional", (o) => fmt(o.notional)],
        ["Weight now → target", (o) => `${fmt(Number(o.current_weight) * 100, 2)} % → ${fmt(Number(o.target_weight) * 100, 2)} %`],
      ], "Already at target: no order needed."));
  });
  return form;
}
