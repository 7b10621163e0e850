// Strategies: the deployed ones (activate / deactivate, auto / manual, edit, delete) and a
// create / edit form generated from each strategy type's parameter declaration.

import { api } from "../api.js";
import { executionFields, readExecution } from "../execution.js";
import { paramFields, paramsBox, readParams, strategyTypes, TIMEFRAMES, typeSelect } from "../params.js";
import {
  card, clearFieldErrors, el, errorBox, field, fmt, formMessage, input, message, select, showFieldErrors, statusBadge, table,
} from "../ui.js";

export async function render(root) {
  const list = el("div", { id: "strategy-list" });
  const editor = el("div", { id: "strategy-editor" });
  root.replaceChildren(el("h1.h4.mb-3", {}, "Strategies"),
    el("div.row.g-3", {}, el("div.col-12.col-xl-7", {}, card("Deployed strategies", list)),
      el("div.col-12.col-xl-5", {}, editor)));
  const types = await strategyTypes().catch((error) => error);
  const page = { list, editor, types: Array.isArray(types) ? types : [] };
  if (!Array.isArray(types)) editor.replaceChildren(card("New strategy", errorBox(types)));
  else showForm(page, null);
  await loadList(page);
}

async function loadList(page) {
  let rows;
  try {
    rows = (await api("GET", "strategies")).strategies || [];
  } catch (error) {
    page.list.replaceChildren(errorBox(error));
    return;
  }
  page.list.replaceChildren(table(rows, [
    ["Id", (s) => s.strategy_id], ["Type", (s) => s.strategy], ["Market", (s) => `${s.symbol} ${s.timeframe}`],
    ["Qty", (s) => fmt(s.quantity, 8)], ["Params", (s) => el("code.small", {}, JSON.stringify(s.params))],
    ["State", (s) => statusBadge(s.active ? "active" : "inactive")], ["Mode", (s) => statusBadge(s.mode)],
    ["", (s) => actions(page, s)],
  ], "No strategies yet: create one with the form."));
}

function actions(page, strategy) {
  const id = encodeURIComponent(strategy.strategy_id);
  const call = (method, path, body, done) => async () => {
    try {
      await api(method, path, body);
      message(done, "success");
    } catch (error) {
      message(`${strategy.strategy_id}: ${error.message}`);
    }
    await loadList(page);
  };
  const other = strategy.mode === "auto" ? "manual" : "auto";
  const button = (kind, action, label, onclick) => el(`button.btn.btn-sm.btn-outline-${kind}`, { type: "button", "data-action": action, onclick }, label);
  return el("div.d-flex.flex-wrap.gap-1", { dataset: { strategy: strategy.strategy_id } },
    strategy.active
      ? button("warning", "deactivate", "Deactivate", call("POST", `strategies/${id}/deactivate`, undefined, "Deactivated."))
      : button("success", "activate", "Activate", call("POST", `strategies/${id}/activate`, undefined, "Activated.")),
    button("secondary", "mode", `Make ${other}`, call("PUT", `strategies/${id}`, { mode: other }, `Mode is now ${other}.`)),
    button("primary", "edit", "Edit", () => showForm(page, strategy)),
    button("danger", "delete", "Delete", call("DELETE", `strategies/${id}`, undefined, "Deleted.")));
}

/** The create form (existing === null) or the edit form of one strategy. */
function showForm(page, existing) {
  const editing = existing !== null;
  const current = existing || { strategy: page.types[0]?.name, exchange: "binance", symbol: "BTC/USDT", timeframe: "1h", quantity: "0.001", mode: "auto", asset_class: "spot", params: {} };
  const params = paramsBox();
  const form = el("form", { id: "strategy-form", novalidate: true },
    field("Id", input("strategy_id", { value: current.strategy_id || "", placeholder: "e.g. btc-sma", disabled: editing, required: true }), "lower case letters, digits, - and _"),
    field("Strategy type", Object.assign(typeSelect(page.types, current.strategy), { disabled: editing })),
    el("div.row.g-2", {},
      el("div.col-6", {}, field("Exchange", input("exchange", { value: current.exchange, disabled: editing }))),
      el("div.col-6", {}, field("Symbol", input("symbol", { value: current.symbol, disabled: editing })))),
    el("div.row.g-2", {},
      el("div.col-6", {}, field("Timeframe", select("timeframe", TIMEFRAMES, current.timeframe))),
      el("div.col-6", {}, field("Mode", select("mode", ["auto", "manual"], current.mode)))),
    editing ? null : field("Asset class", select("asset_class", ["spot", "futures"], current.asset_class)),
    el("div.small.fw-semibold.mb-1", {}, "Parameters"), params,
    executionFields(current),
    el("div.d-flex.gap-2", {}, el("button.btn.btn-primary", { type: "submit" }, editing ? "Save" : "Create"),
      editing ? el("button.btn.btn-outline-secondary", { type: "button", onclick: () => showForm(page, null) }, "Cancel") : null));
  const typeOf = () => page.types.find((t) => t.name === form.elements.strategy.value);
  const drawParams = () => params.replaceChildren(...paramFields(typeOf(), current.params));
  form.elements.strategy.addEventListener("change", drawParams);
  drawParams();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(page, form, typeOf(), existing);
  });
  page.editor.replaceChildren(card(editing ? `Edit ${existing.strategy_id}` : "New strategy", form));
}

async function submit(page, form, type, existing) {
  clearFieldErrors(form);
  const value = (name) => form.elements.namedItem(name)?.value;
  const common = { timeframe: value("timeframe"), mode: value("mode"), params: readParams(form, type), ...readExecution(form) };
  if (!existing && !value("strategy_id")) {
    showFieldErrors(form, { strategy_id: "an id is required" }, "Check the form.");
    return;
  }
  try {
    if (existing) await api("PUT", `strategies/${encodeURIComponent(existing.strategy_id)}`, common);
    else {
      await api("POST", "strategies", {
        ...common, strategy_id: value("strategy_id"), strategy: type?.name, exchange: value("exchange"),
        symbol: value("symbol"), asset_class: value("asset_class"),
      });
    }
  } catch (error) {
    showFieldErrors(form, error.fieldErrors?.() || {}, error.message);
    return;
  }
  message(existing ? `Saved ${existing.strategy_id}.` : `Created ${value("strategy_id")}.`, "success");
  if (!existing) showForm(page, null);
  else formMessage(form, "Saved.", "success");
  await loadList(page);
}
