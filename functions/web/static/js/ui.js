// Small DOM helpers shared by the pages: elements, messages, tables, cards, forms.

/** el("div.card.p-2", {onclick}, child, "text", ...): an element with classes, props, children. */
export function el(spec, props = {}, ...children) {
  const [tag, ...classes] = spec.split(".");
  const node = document.createElement(tag || "div");
  if (classes.length) node.className = classes.join(" ");
  for (const [name, value] of Object.entries(props || {})) {
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (value === true) node.setAttribute(name, "");
    else if (value !== false && value !== null && value !== undefined) node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** A dismissible message at the top of the page; kind is a Bootstrap colour. */
export function message(text, kind = "danger") {
  const box = el(`div.alert.alert-${kind}.alert-dismissible.fade.show`, { role: "alert" }, text,
    el("button.btn-close", { type: "button", "data-bs-dismiss": "alert", "aria-label": "Close" }));
  document.getElementById("messages").append(box);
  if (kind === "success") setTimeout(() => box.remove(), 4000);
  return box;
}

export function clearMessages() {
  document.getElementById("messages").replaceChildren();
}

/** An inline error block, used where a section's data could not be loaded. */
export function errorBox(error) {
  return el("div.alert.alert-warning.mb-0.small", { role: "alert" }, describe(error));
}

export function describe(error) {
  if (error?.status === 401) return `${error.message} — enter an API key under Settings.`;
  return error?.status ? `${error.status}: ${error.message}` : String(error?.message || error);
}

export function card(title, ...body) {
  return el("div.card.h-100", {}, el("div.card-header.fw-semibold", {}, title), el("div.card-body", {}, ...body));
}

/** A table from rows and [header, row => cell] columns; an empty note when there are no rows. */
export function table(rows, columns, empty = "Nothing yet.") {
  if (!rows.length) return el("p.text-body-secondary.mb-0", {}, empty);
  const head = el("tr", {}, columns.map(([title]) => el("th", { scope: "col" }, title)));
  const body = rows.map((row) => el("tr", {}, columns.map(([, cell]) => el("td", {}, cell(row) ?? ""))));
  return el("div.table-responsive.table-scroll", {},
    el("table.table.table-sm.table-hover.align-middle.mb-0", {}, el("thead", {}, head), el("tbody", {}, body)));
}

export function badge(text, kind) {
  return el(`span.badge.text-bg-${kind}`, {}, text);
}

export function statusBadge(status) {
  const kinds = {
    healthy: "success", active: "success", enabled: "success", completed: "success", filled: "success", succeeded: "success",
    approved: "primary", placed: "info", routed: "info", running: "info",
    pending: "warning", pending_approval: "warning", degraded: "warning", reducing: "warning",
  };
  return badge(status, kinds[status] || (/down|fail|error|reject|halt|denied|expired|refused|aborted|timed_out/.test(status) ? "danger" : "secondary"));
}

/** A labelled form field; `name` is what API errors name, so the error lands next to it. */
export function field(label, input, help) {
  const id = input.id || `f-${input.name.replace(/\W/g, "-")}`;
  input.id = id;
  input.classList.add(input.tagName === "SELECT" ? "form-select" : "form-control");
  return el("div.mb-2", {}, el("label.form-label.small.mb-1", { for: id }, label), input,
    el("div.invalid-feedback", { dataset: { for: input.name } }), help ? el("div.form-text", {}, help) : null);
}

export function input(name, props = {}) {
  return el("input", { name, ...props });
}

export function select(name, options, value) {
  return el("select", { name }, options.map((option) => el("option", { value: option, selected: option === value }, option)));
}

/** Show API field errors next to their fields; anything not matched becomes a form message. */
export function showFieldErrors(form, errors, fallback) {
  clearFieldErrors(form);
  let unmatched = false;
  for (const [name, problem] of Object.entries(errors)) {
    const control = form.elements.namedItem(name);
    if (control instanceof Element) {
      control.classList.add("is-invalid");
      form.querySelector(`.invalid-feedback[data-for="${CSS.escape(name)}"]`).textContent = problem;
    } else unmatched = true;
  }
  if (unmatched || !Object.keys(errors).length) formMessage(form, fallback);
}

export function clearFieldErrors(form) {
  form.querySelectorAll(".is-invalid").forEach((node) => node.classList.remove("is-invalid"));
  form.querySelectorAll(".form-alert").forEach((node) => node.remove());
}

export function formMessage(form, text, kind = "danger") {
  form.querySelectorAll(".form-alert").forEach((node) => node.remove());
  form.prepend(el(`div.alert.alert-${kind}.form-alert.py-2.small`, { role: "alert" }, text));
}

export function fmt(value, digits = 2) {
  const number = Number(value);
  return Number.isFinite(number) ? number.toLocaleString(undefined, { maximumFractionDigits: digits }) : String(value ?? "");
}

export function time(ms) {
  return ms ? new Date(Number(ms)).toISOString().replace("T", " ").slice(0, 16) : "";
}
