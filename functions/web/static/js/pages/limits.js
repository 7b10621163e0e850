// Limits and accounts on the settings page: each stored setting (risk limits, portfolio limits,
// prop-firm accounts) edited as JSON and saved with the version it was loaded at, so an edit made
// over someone else's is refused (409) instead of overwriting it; and the audit trail of changes.

import { api } from "../api.js";
import { card, clearFieldErrors, el, errorBox, field, formMessage, message, showFieldErrors, table } from "../ui.js";

export function limitsSection() {
  const slot = el("div.row.g-3", { id: "settings-limits" }, el("p.text-body-secondary", {}, "Loading settings…"));
  const changes = el("div", { id: "settings-changes" });
  return { node: el("div.col-12", {}, el("h2.h5.mt-2", {}, "Limits and accounts"), slot,
    el("div.mt-3", {}, card("Changes", changes))), load: () => loadSettings(slot, changes) };
}

async function loadSettings(slot, changes) {
  try {
    const { settings = [], max_age_s: maxAge } = await api("GET", "settings");
    slot.replaceChildren(...settings.map((setting) => el("div.col-12.col-xl-4", {}, card(setting.name, settingForm(setting, maxAge, slot, changes)))));
  } catch (error) {
    slot.replaceChildren(el("div.col-12", {}, errorBox(error)));
  }
  await loadChanges(changes);
}

function settingForm(setting, maxAge, slot, changes) {
  const text = el("textarea.font-monospace.small", { name: "value", rows: 8, spellcheck: "false" }, JSON.stringify(setting.value, null, 2));
  const form = el("form", { id: `setting-${setting.name}`, novalidate: true, dataset: { version: setting.version } },
    el("p.small.text-body-secondary.mb-2", {}, setting.description),
    field("Value (JSON)", text, `Version ${setting.version}, changed ${setting.modified_at}. Applies within ${maxAge} s of saving.`),
    el("details.mb-2", {}, el("summary.small", {}, "In force, with defaults"),
      el("pre.small.mb-0", {}, JSON.stringify(setting.effective, null, 2))),
    el("button.btn.btn-primary", { type: "submit" }, "Save"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    let value;
    try {
      value = JSON.parse(text.value);
    } catch (error) {
      showFieldErrors(form, { value: `not JSON: ${error.message}` });
      return;
    }
    try {
      await api("PUT", `settings/${setting.name}`, { value, version: Number(form.dataset.version) });
    } catch (error) {
      // 400 names the wrong or unknown keys (value.…): shown under the text; 409: someone else saved first.
      const problem = error.status === 409 ? `${error.message}` : error.message;
      showFieldErrors(form, error.status === 400 ? { value: problem } : {}, problem);
      return;
    }
    message(`${setting.name} saved; it applies within ${maxAge} s.`, "success");
    await loadSettings(slot, changes);
    formMessage(document.getElementById(`setting-${setting.name}`), "Saved.", "success");
  });
  return form;
}

async function loadChanges(slot) {
  try {
    const { changes = [] } = await api("GET", "settings/history");
    const compact = (value) => el("code.small.text-break", {}, JSON.stringify(value));
    slot.replaceChildren(table(changes, [
      ["When", (c) => c.at.replace("T", " ").slice(0, 19)], ["Who", (c) => c.by], ["Setting", (c) => c.setting],
      ["Version", (c) => c.version], ["From", (c) => compact(c.from)], ["To", (c) => compact(c.to)],
    ], "No changes yet."));
  } catch (error) {
    slot.replaceChildren(errorBox(error));
  }
}
