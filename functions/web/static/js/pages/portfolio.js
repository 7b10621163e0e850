// Portfolio: allocations and cash (GET /portfolio), positions (GET /positions) and equity over
// time (GET /portfolio/history). Each part shows the API's message when its route is missing.

import { api } from "../api.js";
import { addLine, createChart } from "../charts.js";
import { card, el, errorBox, fmt, table } from "../ui.js";

let chart = null;

export function leave() {
  chart?.remove();
  chart = null;
}

export async function render(root) {
  const summary = el("div", { id: "portfolio-summary" });
  const positions = el("div", { id: "portfolio-positions" });
  const history = el("div", { id: "portfolio-history" });
  root.replaceChildren(el("h1.h4.mb-3", {}, "Portfolio"),
    el("div.row.g-3", {}, el("div.col-12.col-xl-5", {}, card("Allocation and cash", summary)),
      el("div.col-12.col-xl-7", {}, card("Positions", positions)), el("div.col-12", {}, card("Equity over time", history))));
  await Promise.all([loadSummary(summary), loadPositions(positions), loadHistory(history)]);
}

async function loadSummary(slot) {
  try {
    const portfolio = await api("GET", "portfolio");
    const allocations = portfolio.allocations || portfolio.strategies || [];
    slot.replaceChildren(
      el("p", {}, `Equity ${fmt(portfolio.equity)} · cash ${fmt(portfolio.cash)}`),
      table(Array.isArray(allocations) ? allocations : Object.entries(allocations).map(([name, weight]) => ({ name, weight })), [
        ["Strategy", (a) => a.strategy_id || a.name], ["Weight", (a) => fmt(a.weight ?? a.target_weight, 4)],
        ["Value", (a) => fmt(a.value)],
      ], "No allocations."));
  } catch (error) {
    slot.replaceChildren(errorBox(error));
  }
}

async function loadPositions(slot) {
  try {
    const { positions = [] } = await api("GET", "positions");
    slot.replaceChildren(table(positions, [
      ["Account", (p) => p.account], ["Symbol", (p) => p.symbol], ["Side", (p) => p.side],
      ["Quantity", (p) => fmt(p.quantity, 8)], ["Avg entry", (p) => fmt(p.avg_entry_price, 4)],
      ["Realised PnL", (p) => fmt(p.realized_pnl)], ["Fees", (p) => fmt(p.fees)],
    ], "No positions."));
  } catch (error) {
    slot.replaceChildren(errorBox(error));
  }
}

async function loadHistory(slot) {
  try {
    const reply = await api("GET", "portfolio/history");
    const points = (reply.history || reply.snapshots || []).map((p) => ({ time: p.time_ms ?? p.timestamp, value: p.equity }));
    if (!points.length) {
      slot.replaceChildren(el("p.text-body-secondary.mb-0", {}, "No equity snapshots yet."));
      return;
    }
    const holder = el("div.chart", { id: "portfolio-chart" });
    slot.replaceChildren(holder);
    chart = createChart(holder);
    addLine(chart, points, "#0d6efd", "area");
    chart.timeScale().fitContent();
  } catch (error) {
    slot.replaceChildren(errorBox(error));
  }
}
