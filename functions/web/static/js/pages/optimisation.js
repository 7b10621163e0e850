// A grid optimisation over two parameters and its heat map (score of each cell, coloured).

import { api } from "../api.js";
import { card, clearFieldErrors, el, errorBox, field, fmt, input, select, showFieldErrors } from "../ui.js";
import { TIMEFRAMES, typeSelect } from "../params.js";
import { rangeOf } from "./backtests.js";

// Built-in objectives; GET /strategy-types adds the losses strategy plugins registered.
const OBJECTIVES = ["final_equity", "total_return", "sharpe", "sortino", "profit_factor", "win_rate", "calmar"];

export function optimisationCard(types) {
  const output = el("div", { id: "optimisation-result" });
  const form = el("form", { id: "optimisation-form", novalidate: true },
    field("Strategy", typeSelect(types, types[0]?.name)),
    el("div.row.g-2", {},
      el("div.col-7", {}, field("Symbol", input("symbol", { value: "ETH/USDT" }))),
      el("div.col-5", {}, field("Timeframe", select("timeframe", TIMEFRAMES, "1h")))),
    el("div.row.g-2", {},
      el("div.col-6", {}, field("Start (UTC)", input("start_ms", { type: "date", value: "2025-01-01", id: "opt-start" }))),
      el("div.col-6", {}, field("End (UTC)", input("end_ms", { type: "date", value: "2025-03-01", id: "opt-end" })))),
    field("Grid (JSON)", el("textarea", { name: "space", rows: 2 }, '{"fast": [5, 10, 20], "slow": [30, 50, 80]}'),
      "each parameter's values; two parameters draw a heat map"),
    field("Objective", select("objective", OBJECTIVES, "sharpe")),
    el("div.row.g-2", {},
      el("div.col-6", {}, field("Max drawdown (0-1)", input("max_drawdown", { type: "number", step: "0.01", min: "0", max: "1" }))),
      el("div.col-6", {}, field("Min trades", input("min_trades", { type: "number", step: "1", min: "0" })))),
    el("button.btn.btn-outline-primary", { type: "submit" }, "Optimise"), output);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    optimise(form, output);
  });
  api("GET", "strategy-types").then((reply) => {
    const current = form.elements.objective;
    const fresh = select("objective", reply.objectives || OBJECTIVES, current.value);
    fresh.id = current.id;
    fresh.className = current.className;
    current.replaceWith(fresh);
  }).catch(() => {});  // the built-in list stays
  return card("Optimise (grid)", form);
}

async function optimise(form, output) {
  clearFieldErrors(form);
  let space;
  try {
    space = JSON.parse(form.elements.space.value);
  } catch {
    showFieldErrors(form, { space: "not valid JSON" }, "Check the grid.");
    return;
  }
  output.replaceChildren(el("p.text-body-secondary.mt-2", {}, "Optimising…"));
  try {
    const request = { ...rangeOf(form), strategy: form.elements.strategy.value, space, objective: form.elements.objective.value };
    // Constraints only when given: a trial breaking one ranks last.
    if (form.elements.max_drawdown.value) request.max_drawdown = Number(form.elements.max_drawdown.value);
    if (form.elements.min_trades.value) request.min_trades = Number(form.elements.min_trades.value);
    const created = await api("POST", "optimizations", request);
    if (created.status === "running") {
      output.replaceChildren(el("p.mt-2", {}, `Large grid: running as ${created.id}; fetch it later.`));
      return;
    }
    output.replaceChildren(heatMap(await api("GET", `optimizations/${created.id}`)));
  } catch (error) {
    showFieldErrors(form, error.fieldErrors?.() || {}, error.message);
    output.replaceChildren(errorBox(error));
  }
}

/** A stored optimisation's best cell and, for a two-parameter grid, its heat map. */
export function heatMap(result) {
  const names = Object.keys(result.request?.space || {});
  const best = el("p.small.mt-2", {}, `Best ${JSON.stringify(result.best?.params)}: ${result.objective} ${fmt(result.best?.score, 4)}`);
  if (names.length !== 2) return best;
  const [rowName, colName] = names;
  const cells = result.all || [];
  const scores = cells.map((c) => Number(c.score)).filter(Number.isFinite);
  const [low, high] = [Math.min(...scores), Math.max(...scores)];
  const score = (r, c) => cells.find((cell) => cell.params[rowName] === r && cell.params[colName] === c)?.score;
  const shade = (value) => {
    const t = high > low ? (Number(value) - low) / (high - low) : 0.5;
    return `background-color: hsla(${Math.round(t * 120)}, 70%, 45%, 0.55)`;
  };
  const head = el("tr", {}, el("th", {}, `${rowName} \\ ${colName}`), result.request.space[colName].map((c) => el("th.num", {}, c)));
  const rows = result.request.space[rowName].map((r) => el("tr", {}, el("th", {}, r),
    result.request.space[colName].map((c) => el("td.num", { style: shade(score(r, c)) }, fmt(score(r, c), 3)))));
  return el("div", {}, best, el("div.table-responsive", {}, el("table.table.table-sm.mb-0", { id: "heatmap" }, el("thead", {}, head), el("tbody", {}, rows))));
}
