// Settings: the API key (kept in this browser only), the API's and the live feed's addresses,
// assets to collect (enable / disable), trading halt / resume, and the stored limits and accounts
// with their changes (pages/limits.js).

import { api, apiKey, apiRoot, setApiKey, setApiRoot } from "../api.js";
import { liveFeedUrl, liveFeedUrlProblem, setLiveFeedUrl } from "../live.js";
import { limitsSection } from "./limits.js";
import {
  card, clearFieldErrors, el, errorBox, field, formMessage, input, message, showFieldErrors, statusBadge, table, time,
} from "../ui.js";

export async function render(root) {
  const assets = el("div", { id: "settings-assets" });
  const limits = limitsSection();
  root.replaceChildren(el("h1.h4.mb-3", {}, "Settings"),
    el("div.row.g-3", {},
      el("div.col-12.col-lg-6", {}, card("API key", keyForm())),
      el("div.col-12.col-lg-6", {}, card("Trading", tradingControls())),
      el("div.col-12", {}, card("Collected assets", assetForm(assets), assets)),
      limits.node));
  await Promise.all([loadAssets(assets), limits.load()]);
}

function keyForm() {
  const form = el("form", { id: "key-form", novalidate: true },
    field("API key or JWT", input("api_key", { type: "password", value: apiKey(), autocomplete: "off", placeholder: "fks_…" }),
      "Sent only to this API, as Authorization: Bearer. Create one with `fks keys create`."),
    el("div.form-check.mb-2", {}, el("input.form-check-input", { type: "checkbox", id: "remember", name: "remember", checked: !!localStorage.getItem("fks.apiKey") }),
      el("label.form-check-label", { for: "remember" }, "Remember in this browser (otherwise until the tab closes)")),
    field("API address", input("api_url", { value: apiRoot() }), "Leave as is when the dashboard is served by the API."),
    field("Live feed address", input("live_feed_url", { value: liveFeedUrl(), placeholder: "wss://…/v1" }),
      "The stack's LiveFeedUrl output (`fks local` prints the local one); empty: market data polls instead."),
    el("button.btn.btn-primary", { type: "submit" }, "Save"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const feed = form.elements.live_feed_url.value.trim();
    const problem = liveFeedUrlProblem(feed);
    if (problem) {
      showFieldErrors(form, { live_feed_url: problem });
      return;
    }
    setLiveFeedUrl(feed);
    const key = form.elements.api_key.value.trim();
    setApiKey(key, form.elements.remember.checked);
    const url = form.elements.api_url.value.trim();
    setApiRoot(url === new URL("../", document.baseURI).href ? "" : url);
    window.dispatchEvent(new Event("fks:key"));
    try {
      await api("GET", "strategy-types");
      formMessage(form, key ? "Saved; the API accepts this key." : "Key cleared.", key ? "success" : "info");
    } catch (error) {
      showFieldErrors(form, error.status === 401 || error.status === 403 ? { api_key: error.message } : {}, error.message);
    }
  });
  return form;
}

function tradingControls() {
  const state = el("p.mb-2", { id: "trading-state" }, "Halting stops new orders for the account; resume re-enables them.");
  const act = (action) => async () => {
    try {
      const reply = await api("POST", `risk/${action}`);
      state.replaceChildren(`${reply.account}: `, statusBadge(reply.trading_state));
      message(`Trading ${reply.trading_state}.`, "success");
    } catch (error) {
      message(`Could not ${action}: ${error.message}`);
    }
  };
  return el("div", {}, state, el("div.d-flex.gap-2", {},
    el("button.btn.btn-danger", { type: "button", id: "halt", onclick: act("halt") }, "Halt trading"),
    el("button.btn.btn-outline-success", { type: "button", id: "resume", onclick: act("resume") }, "Resume")));
}

function assetForm(assets) {
  const form = el("form.row.g-2.align-items-end.mb-3", { id: "asset-form", novalidate: true },
    el("div.col-sm-4", {}, field("Exchange", input("exchange", { value: "binance" }))),
    el("div.col-sm-5", {}, field("Symbol", input("symbol", { placeholder: "BTC/USDT" }))),
    el("div.col-sm-3", {}, el("button.btn.btn-primary.w-100.mb-2", { type: "submit" }, "Enable")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await toggle(form, { exchange: form.elements.exchange.value.trim(), symbol: form.elements.symbol.value.trim() }, "enable", assets);
  });
  return form;
}

async function toggle(form, asset, action, assets) {
  clearFieldErrors(form);
  try {
    await api("POST", `assets/${action}`, asset);
    message(`${asset.symbol} ${action}d.`, "success");
  } catch (error) {
    showFieldErrors(form, error.fieldErrors?.() || {}, error.message);
    return;
  }
  await loadAssets(assets);
}

async function loadAssets(slot) {
  try {
    const { assets = [] } = await api("GET", "assets");
    const form = document.getElementById("asset-form");
    slot.replaceChildren(table(assets, [
      ["Exchange", (a) => a.exchange], ["Symbol", (a) => a.symbol], ["Collecting", (a) => statusBadge(a.enabled ? "enabled" : "disabled")],
      ["History days", (a) => a.history_days], ["Updated", (a) => time(Date.parse(a.updated_at))],
      ["", (a) => el(`button.btn.btn-sm.${a.enabled ? "btn-outline-warning" : "btn-outline-success"}`, {
        type: "button", onclick: () => toggle(form, { exchange: a.exchange, symbol: a.symbol }, a.enabled ? "disable" : "enable", slot),
      }, a.enabled ? "Disable" : "Enable")],
    ], "No assets yet."));
  } catch (error) {
    slot.replaceChildren(errorBox(error));
  }
}
