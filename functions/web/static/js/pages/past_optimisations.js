// Past optimisations (GET /optimizations): newest first, a page at a time; a row opens the stored
// result (its best cell and, for a two-parameter grid, the heat map). A grid fanned out to the
// state machine is listed as running from its start; opening it shows its result once stored.

import { api } from "../api.js";
import { card, el, errorBox, fmt, time } from "../ui.js";

const PAGE = 10;

/** A card listing past optimisations; `open(id)` shows the one a row names. */
export function pastOptimisationsCard(open) {
  const body = el("tbody");
  const more = el("button.btn.btn-sm.btn-outline-secondary.mt-2", { type: "button", hidden: true }, "More");
  const status = el("div");
  let next = null;
  const load = async () => {
    more.disabled = true;
    try {
      const page = await api("GET", `optimizations?limit=${PAGE}${next ? `&after=${encodeURIComponent(next)}` : ""}`);
      body.append(...page.optimizations.map((run) => row(run, open)));
      next = page.next;
      status.replaceChildren(body.children.length ? "" : el("p.text-body-secondary.mb-0", {}, "No optimisations yet."));
    } catch (error) {
      status.replaceChildren(errorBox(error));
    } finally {
      more.disabled = false;
      more.hidden = !next;
    }
  };
  more.addEventListener("click", load);
  load();
  const head = el("tr", {}, ["Stored", "Strategy", "Market", "Search", "Best", "Score"].map((t) => el("th", { scope: "col" }, t)));
  return card("Past optimisations",
    el("div.table-responsive.table-scroll", { id: "past-optimisations" },
      el("table.table.table-sm.table-hover.align-middle.mb-0", {}, el("thead", {}, head), body)),
    status, more);
}

function row(run, open) {
  const best = run.best ? JSON.stringify(run.best.params) : run.status;
  const tr = el("tr", { role: "button", title: `${run.method} search maximising ${run.objective}` },
    el("td", {}, time(run.stored_at)), el("td", {}, run.strategy), el("td", {}, `${run.symbol} ${run.timeframe}`),
    el("td", {}, `${run.method}, ${run.objective}`), el("td.small", {}, best),
    el("td.num", {}, run.best ? fmt(run.best.score, 4) : "—"));
  tr.addEventListener("click", () => open(run.id));
  return tr;
}
