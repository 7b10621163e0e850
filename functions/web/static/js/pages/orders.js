// Orders: the account's orders as the execution engine keeps them (GET /orders: the open ones
// first, then the newest), order entry (POST /orders: market, limit, stop-market, stop-limit) and
// cancel (DELETE /orders/{id}). With a live feed address (Settings) the list follows each order
// and fill as it changes (topics "orders" and "fills"), without a reload.

import { api } from "../api.js";
import { debounced, watchTopics } from "../live.js";
import { card, clearFieldErrors, el, errorBox, field, fmt, formMessage, input, message, select, showFieldErrors, statusBadge, table, time } from "../ui.js";

const TYPES = ["market", "limit", "stop_market", "stop_limit"];
const OPEN = new Set(["submitted", "accepted", "triggered", "pending_cancel", "partially_filled"]);
let live = null;

export function leave() {
  live?.close();
  live = null;
}

export async function render(root) {
  leave();
  const view = { list: el("div", { id: "orders-list" }), status: el("span.small.text-body-secondary", { id: "orders-live" }) };
  view.form = entryForm(view);
  root.replaceChildren(el("h1.h4.mb-3", {}, "Orders"),
    el("div.row.g-3", {},
      el("div.col-12.col-xl-4", {}, card("New order", view.form)),
      el("div.col-12.col-xl-8", {}, card("Orders", el("p.mb-2", {}, view.status), view.list))));
  await loadOrders(view);
  const reload = debounced(() => loadOrders(view));
  live = watchTopics({
    topics: ["orders", "fills"],
    onState: (state) => {
      view.list.dataset.live = state;
      view.status.textContent = state === "live" ? "live: orders and fills update as they change" : `live feed: ${state}`;
    },
    onUpdate: reload,
  });
}

async function loadOrders(view) {
  let orders;
  try {
    ({ orders = [] } = await api("GET", "orders?limit=100"));
  } catch (error) {
    view.list.replaceChildren(errorBox(error));
    return;
  }
  view.list.replaceChildren(table(orders, [
    ["Created (UTC)", (o) => time(o.created_ms)], ["Order", (o) => el("code.small", {}, o.client_order_id)],
    ["Symbol", (o) => o.symbol], ["Side", (o) => o.side], ["Type", (o) => o.type],
    ["Qty", (o) => fmt(o.quantity, 8)],
    ["Filled", (o) => (o.filled_qty === undefined ? "" : fmt(o.filled_qty, 8))],
    ["Avg price", (o) => (o.avg_fill_price ? fmt(o.avg_fill_price, 8) : "")],
    ["Status", (o) => statusBadge(o.status || "unknown")],
    ["", (o) => (OPEN.has(o.status)
      ? el("button.btn.btn-outline-danger.btn-sm", { type: "button", "data-action": "cancel", dataset: { order: o.client_order_id },
        onclick: () => cancel(view, o.client_order_id) }, "Cancel")
      : "")],
  ], "No orders yet."));
  for (const order of orders) {
    const row = view.list.querySelector(`[data-order="${CSS.escape(order.client_order_id)}"]`)?.closest("tr")
      ?? [...view.list.querySelectorAll("tbody tr")].find((tr) => tr.textContent.includes(order.client_order_id));
    if (row) Object.assign(row.dataset, { order: order.client_order_id, status: order.status || "" });
  }
}

async function cancel(view, clientOrderId) {
  try {
    const { order } = await api("DELETE", `orders/${encodeURIComponent(clientOrderId)}`);
    message(`Order ${clientOrderId}: ${order?.status || "cancel sent"}.`, "success");
  } catch (error) {
    message(`Could not cancel ${clientOrderId}: ${error.message}`);
  }
  await loadOrders(view);
}

function entryForm(view) {
  const form = el("form", { id: "order-form", novalidate: true },
    field("Account", input("account", { value: "binance-spot", maxlength: 64 }), "The engine's account (the stack trades binance-spot)."),
    field("Symbol", input("symbol", { value: "BTCUSDT", maxlength: 40 }), "As the exchange spells it, e.g. BTCUSDT."),
    el("div.row.g-2", {},
      el("div.col-6", {}, field("Side", select("side", ["buy", "sell"], "buy"))),
      el("div.col-6", {}, field("Type", select("type", TYPES, "market")))),
    field("Quantity", input("quantity", { inputmode: "decimal", placeholder: "0.001" })),
    field("Limit price", input("price", { inputmode: "decimal", placeholder: "limit and stop-limit orders" })),
    field("Stop price", input("stop_price", { inputmode: "decimal", placeholder: "stop orders: the trigger" })),
    el("button.btn.btn-primary", { type: "submit" }, "Place order"));
  const showPrices = () => {
    const type = form.elements.type.value;
    form.elements.price.closest(".mb-2").hidden = !["limit", "stop_limit"].includes(type);
    form.elements.stop_price.closest(".mb-2").hidden = !type.startsWith("stop");
  };
  form.elements.type.addEventListener("change", showPrices);
  showPrices();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const values = Object.fromEntries(["account", "symbol", "side", "type", "quantity", "price", "stop_price"]
      .map((name) => [name, form.elements[name].value.trim()])
      .filter(([name, value]) => value && !form.elements[name].closest(".mb-2")?.hidden));
    // A fresh id per order placed: the API is idempotent by it, so a double click places one order.
    const command = { client_order_id: `web-${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`, ...values };
    let reply;
    try {
      reply = await api("POST", "orders", command);
    } catch (error) {
      if (error.status === 400) showFieldErrors(form, fieldErrors(error), error.message);
      else formMessage(form, `Order refused: ${error.message}`);
      return;
    }
    formMessage(form, `Order ${command.client_order_id}: ${reply.order?.status || "sent"}.`, "success");
    await loadOrders(view);
  });
  return form;
}

function fieldErrors(error) {
  return Object.fromEntries(Object.entries(error.fieldErrors()).map(([name, problem]) => [name.replace(/^body\./, ""), problem]));
}
