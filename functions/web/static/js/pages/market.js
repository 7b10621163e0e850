// Market data: a candlestick chart per collected asset, refreshed by polling the latest candles
// (no WebSocket feed is deployed yet; when one is, this is where it plugs in).

import { api } from "../api.js";
import { candleData, addCandles, createChart } from "../charts.js";
import { TIMEFRAMES } from "../params.js";
import { card, el, errorBox, fmt, select, time } from "../ui.js";

const POLL_MS = 15000;
let chart = null;
let timer = null;

/** The API spells a symbol in a path with "-" (BTC/USDT → BTC-USDT). */
export function symbolPath(symbol) {
  return encodeURIComponent(symbol.replace("/", "-"));
}

export function leave() {
  clearInterval(timer);
  chart?.remove();
  chart = null;
}

export async function render(root) {
  let assets;
  try {
    assets = (await api("GET", "assets")).assets || [];
  } catch (error) {
    root.replaceChildren(el("h1.h4.mb-3", {}, "Market data"), errorBox(error));
    return;
  }
  const choice = select("asset", assets.map((a) => `${a.exchange}:${a.symbol}`), null);
  const timeframe = select("timeframe", TIMEFRAMES, "1h");
  [choice, timeframe].forEach((control) => control.classList.add("form-select", "form-select-sm", "w-auto"));
  const status = el("span.small.text-body-secondary", { id: "market-status" });
  const holder = el("div.chart", { id: "market-chart" });
  root.replaceChildren(el("h1.h4.mb-3", {}, "Market data"),
    card("Candles", el("div.d-flex.flex-wrap.gap-2.align-items-center.mb-2", {}, choice, timeframe, status), holder));
  if (!assets.length) {
    holder.replaceWith(el("p.text-body-secondary", {}, "No assets are collected yet: enable one under Settings."));
    return;
  }
  const draw = () => show(holder, status, choice.value, timeframe.value);
  choice.addEventListener("change", draw);
  timeframe.addEventListener("change", draw);
  await draw();
}

async function show(holder, status, asset, timeframe) {
  leave();
  const [exchange, symbol] = asset.split(/:(.*)/s);
  const latest = () => api("GET", `market-data/${symbolPath(symbol)}?exchange=${exchange}&timeframe=${timeframe}&limit=300`);
  let reply;
  try {
    reply = await latest();
  } catch (error) {
    holder.replaceChildren(errorBox(error));
    return;
  }
  holder.replaceChildren();
  chart = createChart(holder);
  const series = addCandles(chart, reply.candles || []);
  chart.timeScale().fitContent();
  const report = (candles) => {
    const last = candles[candles.length - 1];
    status.textContent = last ? `last ${time(last.open_time)} UTC close ${fmt(last.close, 6)} · polling every ${POLL_MS / 1000}s` : "no candles yet";
  };
  report(reply.candles || []);
  timer = setInterval(async () => {
    try {
      const fresh = (await latest()).candles || [];
      // update() takes the last bar or a newer one only.
      const lastTime = series.data().at(-1)?.time ?? 0;
      candleData(fresh).filter((bar) => bar.time >= lastTime).forEach((bar) => series.update(bar));
      report(fresh);
    } catch (error) {
      status.textContent = `update failed: ${error.message}`;
    }
  }, POLL_MS);
}
