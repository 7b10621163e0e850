// Search (fks_ai): notes, past signals, backtests, optimisations and strategy documentation nearest a text, or the past signals whose
// bar's market state was closest to a market's state now; and a form to add an operator note.
// Routes: POST /ai/search {text | market: {exchange, symbol, timeframe}, k, kinds},
// POST /ai/notes {text, tags, symbol}. A note is searchable after the index's next build
// (every 15 minutes).

import { api } from "../api.js";
import {
  card, clearFieldErrors, el, errorBox, field, fmt, formMessage, input, message, select, showFieldErrors, statusBadge, table,
  time,
} from "../ui.js";

const KINDS = ["any", "note", "signal", "backtest", "optimization", "strategy"];

export async function render(root) {
  const results = el("div", { id: "search-results" }, el("p.text-body-secondary.mb-0", {}, "Ask by text or by market."));
  root.replaceChildren(el("h1.h4.mb-3", {}, "Search"),
    el("div.row.g-3", {},
      el("div.col-12.col-xl-4", {}, card("Search", searchForm(results)), el("div.mt-3"), card("Add a note", noteForm())),
      el("div.col-12.col-xl-8", {}, card("Results", results))));
}

function searchForm(results) {
  const form = el("form", { id: "search-form", novalidate: true },
    field("Text", input("text", { maxlength: 2000, placeholder: "e.g. selloff after negative funding" }),
      "Leave empty to search by the market below."),
    field("Kind", select("kind", KINDS, "any")),
    field("Market", input("symbol", { placeholder: "BTC/USDT" }), "Past signals whose market looked like this one now."),
    field("Timeframe", input("timeframe", { value: "1h" })),
    field("Results", input("k", { type: "number", min: 1, max: 50, value: 5 })),
    el("button.btn.btn-primary.btn-sm", { type: "submit" }, "Search"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const { text, kind, symbol, timeframe, k } = Object.fromEntries(new FormData(form));
    const body = { k: Number(k) || 5 };
    if (text.trim()) {
      body.text = text.trim();
      if (kind !== "any") body.kinds = [kind];
    } else if (symbol.trim()) {
      body.market = { symbol: symbol.trim(), timeframe: timeframe.trim() || "1h" };
    } else {
      showFieldErrors(form, { text: "Give a text, or a market to compare with." });
      return;
    }
    try {
      show(results, await api("POST", "ai/search", body));
    } catch (error) {
      results.replaceChildren(errorBox(error));
    }
  });
  return form;
}

function show(results, reply) {
  results.dataset.count = String(reply.results.length);
  const state = reply.query.bar_time ? el("p.small.mb-2", {}, `Market state of the bar opened ${time(reply.query.bar_time)} UTC.`) : null;
  results.replaceChildren(state ?? "", el("p.small.text-body-secondary", {},
    `${reply.documents} documents indexed, built ${time(reply.index_built_ms)} UTC; answered in ${fmt(reply.took_ms)} ms.`),
  table(reply.results, [
    ["Score", (r) => fmt(r.score, 3)], ["Kind", (r) => r.kind], ["What", (r) => r.text],
    ["Outcome", (r) => (r.status ? statusBadge(r.status) : "")], ["When (UTC)", (r) => time(r.created_ms)],
  ], "Nothing similar indexed yet."));
}

function noteForm() {
  const form = el("form", { id: "note-form", novalidate: true },
    field("Note", el("textarea", { name: "text", rows: 3, maxlength: 4000 })),
    field("Tags", input("tags", { placeholder: "funding, macro" }), "Comma-separated."),
    field("Market", input("symbol", { placeholder: "BTC/USDT (optional)" })),
    el("button.btn.btn-outline-primary.btn-sm", { type: "submit" }, "Add note"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const { text, tags, symbol } = Object.fromEntries(new FormData(form));
    const body = { text: text.trim(), tags: tags.split(",").map((t) => t.trim()).filter(Boolean) };
    if (symbol.trim()) body.symbol = symbol.trim();
    try {
      const note = await api("POST", "ai/notes", body);
      message(note.created ? "Note stored: searchable after the index's next build." : "That note was already stored.", "success");
      form.reset();
    } catch (error) {
      if (error.status === 400 || error.status === 422) showFieldErrors(form, fieldErrors(error), error.message);
      else formMessage(form, `Could not store the note: ${error.message}`);
    }
  });
  return form;
}

function fieldErrors(error) {
  return Object.fromEntries(Object.entries(error.fieldErrors()).map(([name, problem]) => [name.replace(/^body\./, ""), problem]));
}
