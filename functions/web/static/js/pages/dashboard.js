// Dashboard: equity and open positions (GET /portfolio), today's signals and the orders they
// placed (GET /signals), the health of each part (GET /health) and collection per asset.
// Each card loads on its own, so one failing route leaves the others intact. With a live feed
// address (Settings) the cards follow pushed changes (signals, orders, fills, portfolio, health).

import { api } from "../api.js";
import { debounced, watchTopics } from "../live.js";
import { card, el, errorBox, fmt, statusBadge, table, time } from "../ui.js";
import { symbolPath } from "./market.js";
import { positionsTable, summary } from "./portfolio.js";

let live = null;

export function leave() {
  live?.close();
  live = null;
}

export async function render(root) {
  leave();
  const names = ["equity", "positions", "signals", "orders", "health", "collection"];
  const slots = Object.fromEntries(names.map((name) => [name, el("div.col-12.col-xl-6", { id: `dash-${name}` })]));
  root.replaceChildren(el("h1.h4.mb-3", {}, "Dashboard"), el("div.row.g-3", {}, Object.values(slots)));
  await load(slots);
  // Which cards a topic's change touches: a fill moves the positions and equity, a halt the health.
  const reloads = {
    signals: debounced(() => load(slots, ["signals", "orders"])),
    orders: debounced(() => load(slots, ["orders"])),
    fills: debounced(() => load(slots, ["equity", "positions", "orders"])),
    portfolio: debounced(() => load(slots, ["equity", "positions"])),
    health: debounced(() => load(slots, ["health"])),
  };
  live = watchTopics({
    topics: Object.keys(reloads),
    onState: (state) => { root.dataset.live = state; },
    onUpdate: (frame) => reloads[frame.topic]?.(),
  });
}

async function load(slots, only = null) {
  const wanted = (name) => !only || only.includes(name);
  // Read once for the cards that share them, and only when one of those is shown.
  const portfolio = wanted("equity") || wanted("positions") ? api("GET", "portfolio") : null;
  const signals = wanted("signals") || wanted("orders") ? api("GET", "signals?limit=200").then((reply) => reply.signals || []) : null;
  const cards = {
    equity: () => fill(slots.equity, "Equity", async () => summary(await portfolio)),
    positions: () => fill(slots.positions, "Open positions", async () => positionsTable((await portfolio).positions || [], true)),
    signals: () => fill(slots.signals, "Today's signals", async () => signalsTable(await signals)),
    orders: () => fill(slots.orders, "Today's orders", async () => ordersTable(await signals)),
    health: () => fill(slots.health, "Health", health),
    collection: () => fill(slots.collection, "Collection per asset", collection),
  };
  await Promise.all(Object.entries(cards).filter(([name]) => wanted(name)).map(([, show]) => show()));
}

async function fill(slot, title, load) {
  let body;
  try {
    body = await load();
  } catch (error) {
    body = errorBox(error);
  }
  slot.replaceChildren(card(title, body));
}

function signalsTable(signals) {
  return table(signals, [
    ["Created (UTC)", (s) => time(s.created_ms)], ["Strategy", (s) => s.strategy_id], ["Symbol", (s) => s.symbol],
    ["Side", (s) => s.side], ["Qty", (s) => fmt(s.quantity, 8)], ["Status", (s) => statusBadge(s.status || "unknown")],
  ], "No signals today.");
}

// An order exists once the risk check sized one; the exchange's report says how it went.
function ordersTable(signals) {
  const orders = signals.filter((s) => s.order || s.report).map((s) => ({ signal: s, order: s.order || {}, report: s.report || {} }));
  return table(orders, [
    ["Order", (o) => el("code.small", {}, o.report.client_order_id || o.order.client_order_id || o.signal.signal_id)],
    ["Symbol", (o) => o.order.symbol || o.signal.symbol], ["Side", (o) => o.order.side || o.signal.side],
    ["Qty", (o) => fmt(o.order.quantity ?? o.signal.quantity, 8)],
    ["Filled", (o) => (o.report.filled_qty === undefined ? "" : fmt(o.report.filled_qty, 8))],
    ["Avg price", (o) => (o.report.avg_fill_price === undefined ? "" : fmt(o.report.avg_fill_price, 4))],
    ["Status", (o) => statusBadge(o.report.status || (o.signal.status === "pending_approval" ? "pending_approval" : "not sent"))],
  ], "No orders today.");
}

async function health() {
  const report = await api("GET", "health");
  // The parts that need attention first; the rest keep the monitor's order.
  const parts = [...(report.parts || [])].sort((a, b) => Number(a.status === "healthy") - Number(b.status === "healthy"));
  const unhealthy = parts.filter((p) => p.status !== "healthy").length;
  return el("div", {}, el("p", {}, "Overall: ", statusBadge(report.status || "unknown"),
    ` · ${parts.length} parts, ${unhealthy} not healthy`),
    table(parts, [["Part", (p) => p.part], ["Status", (p) => statusBadge(p.status)], ["Reason", (p) => p.reason || ""]]));
}

async function collection() {
  const { assets = [] } = await api("GET", "assets");
  const latest = await Promise.all(assets.map((asset) => lastCandle(asset)));
  return table(assets.map((asset, index) => ({ ...asset, latest: latest[index] })), [
    ["Asset", (a) => `${a.exchange} ${a.symbol}`],
    ["Collecting", (a) => statusBadge(a.enabled ? "enabled" : "disabled")],
    ["Last candle (UTC)", (a) => a.latest],
  ], "No assets yet: enable one under Settings.");
}

async function lastCandle(asset) {
  if (!asset.enabled) return "";
  try {
    const reply = await api("GET", `market-data/${symbolPath(asset.symbol)}?exchange=${asset.exchange}&limit=1`);
    const candle = reply.candles?.[0];
    return candle ? time(candle.open_time) : "none yet";
  } catch (error) {
    return `error: ${error.message}`;
  }
}
