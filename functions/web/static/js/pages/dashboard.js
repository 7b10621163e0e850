// Dashboard: health of each part, positions, today's signals, collection status per asset.
// Each card loads on its own, so one missing route leaves the others intact.

import { api } from "../api.js";
import { card, el, errorBox, fmt, statusBadge, table, time } from "../ui.js";
import { symbolPath } from "./market.js";

export async function render(root) {
  const slots = ["health", "positions", "signals", "collection"].map((name) => el("div.col-12.col-xl-6", { id: `dash-${name}` }));
  root.replaceChildren(el("h1.h4.mb-3", {}, "Dashboard"), el("div.row.g-3", {}, slots));
  await Promise.all([
    fill(slots[0], "Health", health),
    fill(slots[1], "Open positions", positions),
    fill(slots[2], "Today's signals", signals),
    fill(slots[3], "Collection per asset", collection),
  ]);
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

async function health() {
  const report = await api("GET", "health");
  const parts = report.parts || [];
  return el("div", {}, el("p", {}, "Overall: ", statusBadge(report.status || "unknown")),
    table(parts, [["Part", (p) => p.part], ["Status", (p) => statusBadge(p.status)], ["Detail", (p) => p.detail || ""]]));
}

async function positions() {
  const { positions: rows = [] } = await api("GET", "positions");
  return table(rows, [
    ["Symbol", (p) => p.symbol], ["Side", (p) => p.side], ["Quantity", (p) => fmt(p.quantity, 8)],
    ["Avg entry", (p) => fmt(p.avg_entry_price, 4)], ["Realised PnL", (p) => fmt(p.realized_pnl)],
  ], "No open positions.");
}

async function signals() {
  const midnight = new Date();
  midnight.setUTCHours(0, 0, 0, 0);
  const { signals: rows = [] } = await api("GET", "signals");
  const today = rows.map((row) => ({ ...(row.signal || {}), ...row })).filter((s) => signalTime(s) >= midnight.getTime());
  return table(today, [
    ["Time (UTC)", (s) => time(signalTime(s))], ["Strategy", (s) => s.strategy_id],
    ["Symbol", (s) => s.symbol], ["Side", (s) => s.side], ["Status", (s) => statusBadge(s.status || "unknown")],
  ], "No signals today.");
}

function signalTime(signal) {
  const value = signal.created_at_ms ?? signal.created_ms ?? signal.bar_time ?? Date.parse(signal.created_at);
  return Number(value) || 0;
}

async function collection() {
  const { assets = [] } = await api("GET", "assets");
  const latest = await Promise.all(assets.map((asset) => lastCandle(asset)));
  return table(assets, [
    ["Asset", (a) => `${a.exchange} ${a.symbol}`],
    ["Collecting", (a) => statusBadge(a.enabled ? "enabled" : "disabled")],
    ["Last candle (UTC)", (a, i = assets.indexOf(a)) => latest[i]],
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
