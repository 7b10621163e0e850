// A strategy's execution settings (sizing, fees, slippage, direction, exits): the same fields on
// the strategy form and the backtest form, named as the API names them, so a backtest runs under
// the settings the strategy trades with. Empty fields keep the API's defaults (fees: the venue's
// schedule; slippage: the paper venue's 5 bps; long-only; quantity 0.001).

import { el, field, input, select } from "./ui.js";

const SIZINGS = ["quantity", "quote", "fraction"];
const DECIMALS = [
  ["quantity", "Quantity", "base units per unit of target"],
  ["quote_amount", "Quote amount", "with sizing quote"],
  ["fraction", "Fraction of equity", "(0, 1], with sizing fraction"],
  ["maker_fee_bps", "Maker fee (bps)", "empty: the venue's schedule"],
  ["taker_fee_bps", "Taker fee (bps)", "empty: the venue's schedule"],
  ["slippage_bps", "Slippage (bps)", "empty: 5, the paper venue's"],
  ["stop_loss_pct", "Stop-loss %", null],
  ["take_profit_pct", "Take-profit %", null],
  ["trailing_stop_pct", "Trailing stop %", null],
];

/** The settings' inputs, filled from `current` (a stored strategy, or {}); names get `prefix`. */
export function executionFields(current = {}, prefix = "") {
  const decimal = ([name, label, help]) => el("div.col-6", {},
    field(label, input(`${prefix}${name}`, { value: current[name] ?? "", inputmode: "decimal" }), help));
  const short = input(`${prefix}allow_short`, { type: "checkbox", checked: Boolean(current.allow_short) });
  short.id = `f-${prefix.replace(/\W/g, "-")}allow_short`;
  return el("fieldset.mb-2", {},
    el("legend.small.fw-semibold.mb-1", {}, "Execution"),
    el("div.row.g-2", {},
      el("div.col-6", {}, field("Sizing", select(`${prefix}sizing`, SIZINGS, current.sizing || "quantity"))),
      ...DECIMALS.map(decimal)),
    el("div.form-check.mb-2", {}, Object.assign(short, { className: "form-check-input" }),
      el("label.form-check-label.small", { for: short.id }, "Long/short (default long-only)")));
}

/** The settings the form holds; empty fields are left out so the API's defaults apply. */
export function readExecution(form, prefix = "") {
  const control = (name) => form.elements.namedItem(`${prefix}${name}`);
  const settings = { sizing: control("sizing").value, allow_short: control("allow_short").checked };
  for (const [name] of DECIMALS) {
    const text = control(name).value.trim();
    if (text !== "") settings[name] = text;
  }
  return settings;
}
