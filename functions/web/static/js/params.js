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

/** The inputs of one type's parameters, named `params.<name>` as the API's errors name them; a
 * first line says what else the strategy reads (informative series, stored models to train first). */
export function paramFields(type, values = {}) {
  const needs = inputsNote(type);
  return [...(needs ? [needs] : []), ...(type?.parameters || []).map((parameter) => {
    const name = `params.${parameter.name}`;
    const value = values[parameter.name] ?? parameter.default;
    const control = parameter.type === "choice"
      ? select(name, parameter.choices, String(value))
      : input(name, {
        type: "number", value, step: parameter.type === "int" ? 1 : "any",
        min: parameter.min ?? undefined, max: parameter.max ?? undefined, required: true,
      });
    return field(parameter.name, control, `${parameter.description}${range(parameter)}`);
  })];
}

function inputsNote(type) {
  const series = (type?.informative || []).map((i) => `${i.symbol || "its own symbol"} ${i.timeframe}`);
  const models = (type?.models || []).map((kind) => `the asset's stored ${kind} model (POST /models/{asset}/train)`);
  if (!series.length && !models.length) return null;
  const parts = [...(series.length ? [`also reads ${series.join(", ")}`] : []), ...(models.length ? [`evaluates ${models.join(", ")}`] : [])];
  return el("p.small.text-body-secondary.mb-2", { "data-role": "strategy-inputs" }, `This strategy ${parts.join("; ")}.`);
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
