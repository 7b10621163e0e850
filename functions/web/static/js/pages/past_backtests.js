// Past backtests (GET /backtests): newest first, a page at a time; a row opens the stored run.

import { api } from "../api.js";
import { card, el, errorBox, fmt, time } from "../ui.js";

const PAGE = 10;

/** A card listing past runs; `open(id)` shows the run a row names. */
export function pastBacktestsCard(open) {
  const body = el("tbody");
  const more = el("button.btn.btn-sm.btn-outline-secondary.mt-2", { type: "button", hidden: true }, "More");
  const status = el("div");
  let next = null;
  const load = async () => {
    more.disabled = true;
    try {
      const page = await api("GET", `backtests?limit=${PAGE}${next ? `&after=${encodeURIComponent(next)}` : ""}`);
      body.append(...page.backtests.map((run) => row(run, open)));
      next = page.next;
      status.replaceChildren(body.children.length ? "" : el("p.text-body-secondary.mb-0", {}, "No backtests yet."));
    } catch (error) {
      status.replaceChildren(errorBox(error));
    } finally {
      more.disabled = false;
      more.hidden = !next;
    }
  };
  more.addEventListener("click", load);
  load();
  const head = el("tr", {}, ["Stored", "Strategy", "Market", "Return", "Max DD", "Trades"].map((t) => el("th", { scope: "col" }, t)));
  return card("Past backtests",
    el("div.table-responsive.table-scroll", { id: "past-backtests" },
      el("table.table.table-sm.table-hover.align-middle.mb-0", {}, el("thead", {}, head), body)),
    status, more);
}

function row(run, open) {
  const tr = el("tr", { role: "button", title: JSON.stringify(run.params) },
    el("td", {}, time(run.stored_at)), el("td", {}, run.strategy), el("td", {}, `${run.symbol} ${run.timeframe}`),
    el("td", {}, `${fmt(Number(run.metrics.total_return) * 100)} %`),
    el("td", {}, `${fmt(Number(run.metrics.max_drawdown) * 100)} %`), el("td", {}, String(run.metrics.trade_count)));
  tr.addEventListener("click", () => open(run.id));
  return tr;
}
