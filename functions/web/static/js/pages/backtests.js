// Backtests: run one (form from the strategy's declaration), its metrics, realised equity and
// drawdown, and its trades on a candlestick chart of the same range.

import { api } from "../api.js";
import { addCandles, addLine, createChart, markTrades } from "../charts.js";
import { executionFields, readExecution } from "../execution.js";
import { paramFields, paramsBox, readParams, strategyTypes, TIMEFRAMES, typeSelect } from "../params.js";
import { card, clearFieldErrors, el, errorBox, field, fmt, input, select, showFieldErrors, table, time } from "../ui.js";
import { symbolPath } from "./market.js";
import { heatMap, optimisationCard } from "./optimisation.js";
import { pastBacktestsCard } from "./past_backtests.js";
import { pastOptimisationsCard } from "./past_optimisations.js";

let charts = [];

export function leave() {
  charts.forEach((chart) => chart.remove());
  charts = [];
}

export async function render(root) {
  const results = el("div", { id: "backtest-results" });
  const formSlot = el("div");
  root.replaceChildren(el("h1.h4.mb-3", {}, "Backtests"),
    el("div.row.g-3", {}, el("div.col-12.col-xl-4", {}, formSlot), el("div.col-12.col-xl-8", {}, results)));
  let types;
  try {
    types = await strategyTypes();
  } catch (error) {
    formSlot.replaceChildren(card("Run a backtest", errorBox(error)));
    return;
  }
  formSlot.replaceChildren(card("Run a backtest", backtestForm(types, results)), el("div.mt-3", {}, optimisationCard(types)),
    el("div.mt-3", {}, pastBacktestsCard((id) => reopen(results, id))),
    el("div.mt-3", {}, pastOptimisationsCard((id) => reopenOptimisation(results, id))));
  results.append(el("p.text-body-secondary", {}, "Results appear here."));
}

function backtestForm(types, results) {
  const params = paramsBox();
  const form = el("form", { id: "backtest-form", novalidate: true },
    field("Strategy", typeSelect(types, types[0]?.name)),
    el("div.row.g-2", {},
      el("div.col-7", {}, field("Symbol", input("symbol", { value: "ETH/USDT" }))),
      el("div.col-5", {}, field("Timeframe", select("timeframe", TIMEFRAMES, "1h")))),
    el("div.row.g-2", {},
      el("div.col-6", {}, field("Start (UTC)", input("start_ms", { type: "date", value: "2025-01-01" }))),
      el("div.col-6", {}, field("End (UTC)", input("end_ms", { type: "date", value: "2025-03-01" })))),
    el("div.small.fw-semibold.mb-1", {}, "Parameters"), params,
    field("Initial cash", input("config.initial_cash", { value: "10000", inputmode: "decimal" })),
    executionFields({}, "execution."),
    el("button.btn.btn-primary", { type: "submit" }, "Run backtest"));
  const typeOf = () => types.find((t) => t.name === form.elements.strategy.value);
  const drawParams = () => params.replaceChildren(...paramFields(typeOf()));
  form.elements.strategy.addEventListener("change", drawParams);
  drawParams();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(form, typeOf(), results);
  });
  return form;
}

export function rangeOf(form) {
  const ms = (name) => Date.parse(`${form.elements.namedItem(name).value}T00:00:00Z`);
  return {
    exchange: "binance", symbol: form.elements.symbol.value.trim(), timeframe: form.elements.timeframe.value,
    start_ms: ms("start_ms"), end_ms: ms("end_ms"),
  };
}

async function run(form, type, results) {
  clearFieldErrors(form);
  const cash = form.elements.namedItem("config.initial_cash").value.trim();
  const request = {
    ...rangeOf(form), strategy: type.name, params: readParams(form, type),
    execution: readExecution(form, "execution."), config: cash ? { initial_cash: cash } : {},
  };
  if (Number.isNaN(request.start_ms) || Number.isNaN(request.end_ms)) {
    showFieldErrors(form, Number.isNaN(request.start_ms) ? { start_ms: "pick a date" } : { end_ms: "pick a date" }, "Check the dates.");
    return;
  }
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  results.replaceChildren(el("p.text-body-secondary", {}, "Running…"));
  try {
    const created = await api("POST", "backtests", request);
    const stored = await api("GET", `backtests/${created.id}`);
    await show(results, { ...created, ...stored });
  } catch (error) {
    showFieldErrors(form, error.fieldErrors?.() || {}, error.message);
    results.replaceChildren(errorBox(error));
  } finally {
    button.disabled = false;
  }
}

async function reopen(results, id) {
  results.replaceChildren(el("p.text-body-secondary", {}, "Loading…"));
  try {
    await show(results, await api("GET", `backtests/${id}`));
  } catch (error) {
    results.replaceChildren(errorBox(error));
  }
}

async function show(results, backtest) {
  leave();
  const equity = el("div.chart-sm", { id: "equity-chart" });
  const drawdown = el("div.chart-sm", { id: "drawdown-chart" });
  const trades = el("div.chart", { id: "trades-chart" });
  results.replaceChildren(
    card(`Backtest ${backtest.id}`, el("p.small", {}, `${backtest.request.strategy} ${JSON.stringify(backtest.params)} on ${backtest.request.symbol} ${backtest.request.timeframe}`),
      metricsTable(backtest.metrics)),
    el("div.mt-3", {}, card("Realised equity and drawdown", equity, el("div.mt-2", {}, drawdown))),
    el("div.mt-3", {}, card("Trades", trades, el("div.mt-3", {}, tradesTable(backtest.trades || [])))));
  const curve = realisedEquity(backtest);
  const equityChart = createChart(equity);
  addLine(equityChart, curve.equity, "#0d6efd", "area");
  const drawdownChart = createChart(drawdown);
  addLine(drawdownChart, curve.drawdown, "#dc3545", "area");
  [equityChart, drawdownChart].forEach((chart) => chart.timeScale().fitContent());
  charts.push(equityChart, drawdownChart);
  await drawTrades(trades, backtest);
}

function metricsTable(metrics) {
  const rows = Object.entries(metrics || {});
  const percent = new Set(["total_return", "cagr", "max_drawdown", "win_rate"]);
  return table(rows, [["Metric", ([name]) => name.replaceAll("_", " ")],
    ["Value", ([name, value]) => (percent.has(name) ? `${fmt(Number(value) * 100)} %` : fmt(value, 4))]]);
}

function tradesTable(trades) {
  return table(trades, [["Side", (t) => t.side], ["Entry", (t) => time(t.entry_time)], ["Entry price", (t) => fmt(t.entry_price, 4)],
    ["Exit", (t) => time(t.exit_time)], ["Exit price", (t) => fmt(t.exit_price, 4)], ["PnL", (t) => fmt(t.pnl)],
    ["Reason", (t) => t.exit_reason]], "No trades.");
}

/** Equity after each closed trade (the API keeps trades, not the bar-by-bar curve) and its drawdown. */
export function realisedEquity(backtest) {
  let equity = Number(backtest.metrics?.initial_cash ?? 10000);
  let peak = equity;
  const start = { time: backtest.request.start_ms, value: equity };
  const points = { equity: [start], drawdown: [{ time: start.time, value: 0 }] };
  for (const trade of [...(backtest.trades || [])].sort((a, b) => a.exit_time - b.exit_time)) {
    if (!trade.exit_time) continue;
    equity += Number(trade.pnl);
    peak = Math.max(peak, equity);
    points.equity.push({ time: trade.exit_time, value: equity });
    points.drawdown.push({ time: trade.exit_time, value: -((peak - equity) / peak) * 100 });
  }
  return points;
}

async function drawTrades(container, backtest) {
  const { symbol, timeframe, start_ms: start, end_ms: end, exchange } = backtest.request;
  let candles;
  try {
    candles = await candlesBetween(exchange, symbol, timeframe, start, end);
  } catch (error) {
    container.replaceWith(errorBox(error));
    return;
  }
  const chart = createChart(container);
  markTrades(addCandles(chart, candles), backtest.trades || []);
  chart.timeScale().fitContent();
  charts.push(chart);
}

/** Every candle of [start, end), following the historical API's pages (at most 10). */
export async function candlesBetween(exchange, symbol, timeframe, start, end) {
  const candles = [];
  let from = start;
  for (let page = 0; from !== null && page < 10; page += 1) {
    const reply = await api("GET", `historical/${symbolPath(symbol)}?exchange=${exchange}&timeframe=${timeframe}&start=${from}&end=${end}&limit=1000`);
    candles.push(...(reply.candles || []));
    from = reply.next_start ?? null;
  }
  return candles;
}

async function reopenOptimisation(results, id) {
  leave();
  results.replaceChildren(el("p.text-body-secondary", {}, "Loading…"));
  try {
    results.replaceChildren(card(`Optimisation ${id}`, heatMap(await api("GET", `optimizations/${id}`))));
  } catch (error) {
    results.replaceChildren(errorBox(error));
  }
}
