// Market data: a candlestick chart per collected asset. With a live feed address (Settings) new
// candles arrive over the WebSocket as collection stores them; otherwise, or when the feed
// drops, the page polls the latest candles.

import { api } from "../api.js";
import { addCandles, candleData, createChart } from "../charts.js";
import { liveFeedUrl, subscribe } from "../live.js";
import { TIMEFRAMES } from "../params.js";
import { card, el, errorBox, fmt, select, time } from "../ui.js";

const POLL_MS = 15000;
const MINUTE = 60;
// Bar lengths in seconds, to fold the collected timeframe's candles into the shown one.
const SECONDS = {
  "1m": MINUTE, "3m": 3 * MINUTE, "5m": 5 * MINUTE, "15m": 15 * MINUTE, "30m": 30 * MINUTE, "1h": 3600,
  "2h": 7200, "4h": 14400, "6h": 21600, "8h": 28800, "12h": 43200, "1d": 86400, "3d": 259200, "1w": 604800,
};
const MONDAY = 4 * 86400; // the epoch was a Thursday; weeks start on Monday
let chart = null;
let timer = null;
let feed = null;
let shown = 0; // which show() is current: a slower, superseded one must not draw or subscribe

/** The API spells a symbol in a path with "-" (BTC/USDT → BTC-USDT). */
export function symbolPath(symbol) {
  return encodeURIComponent(symbol.replace("/", "-"));
}

export function leave() {
  clearInterval(timer);
  timer = null;
  feed?.close();
  feed = null;
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
  const byKey = new Map(assets.map((a) => [`${a.exchange}:${a.symbol}`, a]));
  const choice = select("asset", [...byKey.keys()], null);
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
  const draw = () => show(holder, status, byKey.get(choice.value), timeframe.value);
  choice.addEventListener("change", draw);
  timeframe.addEventListener("change", draw);
  await draw();
}

/** The open time (seconds) of the `timeframe` bar that `seconds` falls in. */
export function barTime(seconds, timeframe) {
  const length = SECONDS[timeframe];
  const origin = timeframe === "1w" ? MONDAY : 0;
  return Math.floor((seconds - origin) / length) * length + origin;
}

async function show(holder, status, asset, timeframe) {
  leave();
  const mine = ++shown;
  const latest = () => api("GET", `market-data/${symbolPath(asset.symbol)}?exchange=${asset.exchange}&timeframe=${timeframe}&limit=300`);
  let reply;
  try {
    reply = await latest();
  } catch (error) {
    if (mine === shown) holder.replaceChildren(errorBox(error));
    return;
  }
  if (mine !== shown || !holder.isConnected) return;
  holder.replaceChildren();
  chart = createChart(holder);
  const series = addCandles(chart, reply.candles || []);
  chart.timeScale().fitContent();
  const view = { holder, status, series, timeframe, pushed: 0, source: "" };
  Object.assign(holder.dataset, { pushed: "0", symbol: asset.symbol, timeframe });
  report(view);
  if (liveFeedUrl()) follow(view, asset, () => poll(view, latest));
  else poll(view, latest);
}

function report(view) {
  const bars = view.series.data();
  const last = bars.at(-1);
  Object.assign(view.holder.dataset, { bars: String(bars.length), lastTime: last ? String(last.time * 1000) : "" });
  view.status.textContent = last
    ? `last ${time(last.time * 1000)} UTC close ${fmt(last.close, 6)} · ${view.source}`
    : `no candles yet · ${view.source}`;
}

/** Poll the latest candles; update() takes the last bar or a newer one only. */
function poll(view, latest) {
  view.source = `polling every ${POLL_MS / 1000}s`;
  report(view);
  clearInterval(timer);
  timer = setInterval(async () => {
    try {
      const fresh = candleData((await latest()).candles || []);
      const lastTime = view.series.data().at(-1)?.time ?? 0;
      fresh.filter((bar) => bar.time >= lastTime).forEach((bar) => view.series.update(bar));
      report(view);
    } catch (error) {
      view.status.textContent = `update failed: ${error.message}`;
    }
  }, POLL_MS);
}

/** Live candles at the asset's collected timeframe, folded into the shown timeframe's bars. */
function follow(view, asset, fallBack) {
  feed = subscribe({
    exchange: asset.exchange,
    symbol: asset.symbol,
    timeframe: asset.timeframe,
    onCandle: (candle) => {
      fold(view, candleData([candle])[0]);
      view.pushed += 1;
      view.holder.dataset.pushed = String(view.pushed);
      report(view);
    },
    onState: (state, detail) => {
      view.holder.dataset.live = state;
      if (state === "live") {
        view.source = `live (${asset.timeframe} feed)`;
        report(view);
      } else if (state === "connecting") {
        view.status.textContent = "connecting to the live feed…";
      } else {
        feed = null;
        fallBack();
        view.status.textContent += ` · live feed ${state}: ${detail}`;
      }
    },
  });
}

function fold(view, bar) {
  const time = barTime(bar.time, view.timeframe);
  const last = view.series.data().at(-1);
  if (last && time < last.time) return; // older than what is drawn: the chart already has it
  if (last && time === last.time && time !== bar.time) {
    view.series.update({
      time, open: last.open, high: Math.max(last.high, bar.high), low: Math.min(last.low, bar.low), close: bar.close,
    });
  } else {
    view.series.update({ ...bar, time });
  }
}
