// Past optimisations (GET /optimizations): newest first, a page at a time; a row opens the stored
// result (its best cell and, for a two-parameter grid, the heat map). A grid fanned out to the
// state machine is listed as running from its start; opening it shows its result once stored.

import { el, fmt, time } from "../ui.js";
import { pastRunsCard } from "./past_runs.js";

/** A card listing past optimisations; `open(id)` shows the one a row names. */
export function pastOptimisationsCard(open) {
  return pastRunsCard({
    title: "Past optimisations",
    id: "past-optimisations",
    resource: "optimizations",
    empty: "No optimisations yet.",
    columns: ["Stored", "Strategy", "Market", "Search", "Best", "Score"],
    rowTitle: (run) => `${run.method} search maximising ${run.objective}`,
    cells: (run) => [
      el("td", {}, time(run.stored_at)), el("td", {}, run.strategy), el("td", {}, `${run.symbol} ${run.timeframe}`),
      el("td", {}, `${run.method}, ${run.objective}`), el("td.small", {}, run.best ? JSON.stringify(run.best.params) : run.status),
      el("td.num", {}, run.best ? fmt(run.best.score, 4) : "—"),
    ],
    open,
  });
}
