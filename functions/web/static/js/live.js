// The live feed: the stack's WebSocket API. A browser cannot set headers on a WebSocket, so the
// key (or JWT) goes in the `token` query parameter; the client then subscribes to a symbol at
// the timeframe collection stores, and receives one {"type": "candle", ...} frame per closed
// candle. Subscription answers are {"type": "subscribed"} or {"type": "error", "message"}.

import { apiKey } from "./api.js";

const URL_KEY = "fks.liveFeedUrl";

/** The live feed's address: the one set in Settings, else the stack's own (the page's meta tag); "" if none. */
export function liveFeedUrl() {
  const configured = document.querySelector('meta[name="fks-live-feed"]')?.content || "";
  return localStorage.getItem(URL_KEY) || configured;
}

export function setLiveFeedUrl(url) {
  if (url) localStorage.setItem(URL_KEY, url);
  else localStorage.removeItem(URL_KEY);
}

/** "" when `url` is usable, else what is wrong with it. */
export function liveFeedUrlProblem(url) {
  if (!url) return "";
  try {
    const parsed = new URL(url);
    return ["ws:", "wss:"].includes(parsed.protocol) ? "" : "A WebSocket address starts with wss:// (or ws:// locally).";
  } catch {
    return "Not an address, e.g. wss://abc123.execute-api.eu-west-1.amazonaws.com/v1.";
  }
}

/**
 * Subscribe to one feed. `onCandle(candle)` gets each pushed candle of this exchange's symbol and
 * timeframe (`exchange` defaults to the feed's own default, binance);
 * `onState(state, detail)` hears "connecting", "live", "refused" (an error frame) and "closed".
 * Returns {close()}; closing on purpose reports nothing more.
 */
export function subscribe({ exchange = "binance", symbol, timeframe, onCandle, onState }) {
  const address = new URL(liveFeedUrl());
  address.searchParams.set("token", apiKey());
  const socket = new WebSocket(address.href);
  let closing = false;
  onState("connecting");
  socket.addEventListener("open", () =>
    socket.send(JSON.stringify({ action: "subscribe", exchange, symbol, timeframe })),
  );
  socket.addEventListener("message", (event) => {
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return; // not ours to show: the feed only sends JSON
    }
    if (frame.type === "subscribed") onState("live");
    else if (frame.type === "error") onState("refused", frame.message);
    else if (frame.type === "candle" && frame.exchange === exchange && frame.symbol === symbol && frame.timeframe === timeframe)
      onCandle(frame.candle, frame);
  });
  socket.addEventListener("close", (event) => {
    if (!closing) onState("closed", event.reason || `connection closed (${event.code})`);
  });
  return {
    close() {
      closing = true;
      socket.close();
    },
  };
}

/**
 * Follow record topics ("signals", "orders", "fills", "portfolio", "health"): `onUpdate(frame)`
 * gets each {"type": "update", topic, change, record} pushed as a record changes; `onState` hears
 * "connecting", "live" (every topic subscribed), "refused" and "closed". A dropped connection
 * (API Gateway ends idle ones) is opened again after a pause. Returns {close()}; without a feed
 * address (or key) it does nothing and reports "off".
 */
export function watchTopics({ topics, onUpdate, onState = () => {} }) {
  let closing = false;
  let socket = null;
  let retry = null;
  if (!liveFeedUrl() || !apiKey()) {
    onState("off");
    return { close() {} };
  }
  const open = () => {
    const address = new URL(liveFeedUrl());
    address.searchParams.set("token", apiKey());
    socket = new WebSocket(address.href);
    const waiting = new Set(topics);
    onState("connecting");
    socket.addEventListener("open", () => topics.forEach((topic) => socket.send(JSON.stringify({ action: "subscribe", topic }))));
    socket.addEventListener("message", (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (frame.type === "subscribed" && waiting.delete(frame.topic) && waiting.size === 0) onState("live");
      else if (frame.type === "error") onState("refused", frame.message);
      else if (frame.type === "update" && topics.includes(frame.topic)) onUpdate(frame);
    });
    socket.addEventListener("close", (event) => {
      if (closing) return;
      onState("closed", event.reason || `connection closed (${event.code})`);
      retry = setTimeout(open, 5000);
    });
  };
  open();
  return {
    close() {
      closing = true;
      clearTimeout(retry);
      socket?.close();
    },
  };
}

/** Call `fn` once after a burst of calls settles (a fill changes an order, a position and the portfolio at once). */
export function debounced(fn, ms = 300) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
