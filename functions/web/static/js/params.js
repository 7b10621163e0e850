// Form fields generated from a strategy type's declared parameters (GET /strategy-types):
// int / float become number inputs with min, max and step; choice becomes a select.

import { api } from "./api.js";
import { el, field, input, select } from "./ui.js";

export const TIMEFRAMES = ["1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w"];

let types = null;

export async function strategyTypes() {
  types ??= (await api("GET", "strategy-types")).strategy_types || [];
  return types;
}

/** The inputs of one type's parameters, named `params.<name>` as the API's errors name them. */
export function paramFields(type, values = {}) {
  return (type?.parameters || []).map((parameter) => {
    const name = `params.${parameter.name}`;
    const value = values[parameter.name] ?? parameter.default;
    const control = parameter.type === "choice"
      ? select(name, parameter.choices, String(value))
      : input(name, {
        type: "number", value, step: parameter.type === "int" ? 1 : "any",
        min: parameter.min ?? undefined, max: parameter.max ?? undefined, required: true,
      });
    return field(parameter.name, control, `${parameter.description}${range(parameter)}`);
  });
}

function range(parameter) {
  if (parameter.min === null && parameter.max === null) return "";
  return ` (${parameter.min ?? "…"} to ${parameter.max ?? "…"})`;
}

/** The `params.*` inputs of a form as the API expects them (numbers as numbers). */
export function readParams(form, type) {
  const params = {};
  for (const parameter of type?.parameters || []) {
    const raw = form.elements.namedItem(`params.${parameter.name}`)?.value ?? "";
    if (raw === "") continue;
    params[parameter.name] = parameter.type === "choice" ? raw : Number(raw);
  }
  return params;
}

export function typeSelect(all, value) {
  return select("strategy", all.map((t) => t.name), value);
}

export function paramsBox() {
  return el("div.border.rounded.p-2.mb-2", { "data-role": "params" });
}
