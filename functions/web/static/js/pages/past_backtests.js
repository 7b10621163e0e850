// Past backtests (GET /backtests): newest first, a page at a time; a row opens the stored run.

import { el, fmt, time } from "../ui.js";
import { pastRunsCard } from "./past_runs.js";

/** A card listing past runs; `open(id)` shows the run a row names. */
export function pastBacktestsCard(open) {
  return pastRunsCard({
    title: "Past backtests",
    id: "past-backtests",
    resource: "backtests",
    empty: "No backtests yet.",
    columns: ["Stored", "Strategy", "Market", "Return", "Max DD", "Trades"],
    rowTitle: (run) => JSON.stringify(run.params),
    cells: (run) => [
      el("td", {}, time(run.stored_at)), el("td", {}, run.strategy), el("td", {}, `${run.symbol} ${run.timeframe}`),
      el("td", {}, `${fmt(Number(run.metrics.total_return) * 100)} %`),
      el("td", {}, `${fmt(Number(run.metrics.max_drawdown) * 100)} %`), el("td", {}, String(run.metrics.trade_count)),
    ],
    open,
  });
}
