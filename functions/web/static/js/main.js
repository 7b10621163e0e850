// The shell: hash router, theme toggle, key status. Each page is a module exporting
// `render(root)` (and optionally `leave()` to stop timers); a failing page shows its error.

import { apiKey } from "./api.js";
import { clearMessages, el, describe } from "./ui.js";

const PAGES = ["dashboard", "strategies", "signals", "orders", "portfolio", "backtests", "search", "market", "settings", "architecture", "api"];
let current = null;

function pageName() {
  const name = location.hash.replace(/^#\/?/, "").split("?")[0];
  return PAGES.includes(name) ? name : "dashboard";
}

async function route() {
  const name = pageName();
  const page = document.getElementById("page");
  current?.leave?.();
  clearMessages();
  document.querySelectorAll("#nav-links .nav-link").forEach((link) => {
    link.classList.toggle("active", link.getAttribute("href") === `#/${name}`);
  });
  // A fresh root per navigation: a slower page still rendering writes into a detached node.
  const root = el("div", {}, el("p.text-body-secondary", {}, "Loading…"));
  page.replaceChildren(root);
  Object.assign(page.dataset, { page: name, ready: "false" });
  let module = null;
  try {
    module = await import(`./pages/${name}.js`);
    current = module;
    await module.render(root);
  } catch (error) {
    console.warn(`page ${name} failed`, error);
    root.replaceChildren(el("div.alert.alert-danger", { role: "alert" }, `This page could not be shown: ${describe(error)}`));
  }
  if (page.firstChild !== root) {
    if (module !== current) module?.leave?.(); // navigated away meanwhile: stop its timers and charts
    return;
  }
  page.dataset.ready = "true";
  updateKeyStatus();
}

export function updateKeyStatus() {
  const key = apiKey();
  document.getElementById("key-status").textContent = key ? `key ${key.slice(0, 16)}…` : "no API key";
}

function applyTheme(theme) {
  document.documentElement.dataset.bsTheme = theme;
  localStorage.setItem("fks.theme", theme);
  document.getElementById("theme-toggle").textContent = theme === "dark" ? "Light" : "Dark";
  window.dispatchEvent(new CustomEvent("fks:theme", { detail: theme }));
}

document.getElementById("theme-toggle").addEventListener("click", () => {
  applyTheme(document.documentElement.dataset.bsTheme === "dark" ? "light" : "dark");
});
applyTheme(document.documentElement.dataset.bsTheme);
// <base href> makes "#/x" links point at the base URL, a full reload whenever the address has a
// query or lacks the trailing slash: switch pages in place instead.
document.addEventListener("click", (event) => {
  const link = event.target.closest?.('a[href^="#/"]');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey) return;
  event.preventDefault();
  location.hash = link.getAttribute("href");
  bootstrap.Collapse.getInstance(document.getElementById("nav"))?.hide();
});
window.addEventListener("hashchange", route);
window.addEventListener("fks:key", updateKeyStatus);
route();
