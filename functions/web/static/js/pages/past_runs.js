// A card listing stored runs from a paged API (newest first, `?limit=&after=`), shared by the past
// backtests and past optimisations: the paging, the "More" button and the empty and error states are
// the same; each list brings its columns and how a row shows one run.

import { api } from "../api.js";
import { card, el, errorBox } from "../ui.js";

const PAGE = 10;

/**
 * `resource` is the API path and the answer's list field ("backtests"); `cells(run)` gives a row's
 * cells and `rowTitle(run)` its tooltip; a click on a row calls `open(run.id)`.
 */
export function pastRunsCard({ title, id, resource, empty, columns, cells, rowTitle, open }) {
  const body = el("tbody");
  const more = el("button.btn.btn-sm.btn-outline-secondary.mt-2", { type: "button", hidden: true }, "More");
  const status = el("div");
  let next = null;
  const load = async () => {
    more.disabled = true;
    try {
      const page = await api("GET", `${resource}?limit=${PAGE}${next ? `&after=${encodeURIComponent(next)}` : ""}`);
      body.append(...page[resource].map((run) => {
        const tr = el("tr", { role: "button", title: rowTitle(run) }, ...cells(run));
        tr.addEventListener("click", () => open(run.id));
        return tr;
      }));
      next = page.next;
      status.replaceChildren(body.children.length ? "" : el("p.text-body-secondary.mb-0", {}, empty));
    } catch (error) {
      status.replaceChildren(errorBox(error));
    } finally {
      more.disabled = false;
      more.hidden = !next;
    }
  };
  more.addEventListener("click", load);
  load();
  const head = el("tr", {}, columns.map((t) => el("th", { scope: "col" }, t)));
  return card(title,
    el("div.table-responsive.table-scroll", { id },
      el("table.table.table-sm.table-hover.align-middle.mb-0", {}, el("thead", {}, head), body)),
    status, more);
}
