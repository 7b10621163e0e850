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
 * Subscribe to one feed. `onCandle(candle)` gets each pushed candle of this symbol and timeframe;
 * `onState(state, detail)` hears "connecting", "live", "refused" (an error frame) and "closed".
 * Returns {close()}; closing on purpose reports nothing more.
 */
export function subscribe({ symbol, timeframe, onCandle, onState }) {
  const address = new URL(liveFeedUrl());
  address.searchParams.set("token", apiKey());
  const socket = new WebSocket(address.href);
  let closing = false;
  onState("connecting");
  socket.addEventListener("open", () => socket.send(JSON.stringify({ action: "subscribe", symbol, timeframe })));
  socket.addEventListener("message", (event) => {
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return; // not ours to show: the feed only sends JSON
    }
    if (frame.type === "subscribed") onState("live");
    else if (frame.type === "error") onState("refused", frame.message);
    else if (frame.type === "candle" && frame.symbol === symbol && frame.timeframe === timeframe) onCandle(frame.candle, frame);
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
