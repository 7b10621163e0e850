// API: the REST API's OpenAPI document (GET /openapi.json, fetched with the dashboard's key) in
// Swagger UI. Swagger UI (1.7 MB, vendored) loads only here; "Try it out" sends the same key.

import { api, apiKey, apiRoot } from "../api.js";
import { el, errorBox } from "../ui.js";

let loading = null;

function loadSwaggerUi() {
  loading ??= new Promise((resolve, reject) => {
    document.head.append(el("link", { rel: "stylesheet", href: "vendor/swagger-ui.css" }));
    const script = el("script", { src: "vendor/swagger-ui-bundle.js" });
    script.onload = () => resolve(window.SwaggerUIBundle);
    script.onerror = () => reject(new Error("could not load vendor/swagger-ui-bundle.js"));
    document.head.append(script);
  });
  return loading;
}

/** The key on every request "Try it out" sends, the way api() sends it. */
function withKey(request) {
  const key = apiKey();
  if (key) request.headers.Authorization = `Bearer ${key}`;
  return request;
}

export async function render(root) {
  const docs = el("div.bg-white.text-dark.rounded.border.p-2", { id: "api-docs" }); // Swagger UI has no dark theme
  root.replaceChildren(
    el("h1.h3", {}, "API"),
    el("p.text-body-secondary", {}, "Every route of the REST API, generated from the handlers. ",
      "Requests made here carry the key saved in Settings."),
    docs,
  );
  let spec;
  try {
    spec = await api("GET", "openapi.json");
  } catch (error) {
    docs.replaceWith(errorBox(error));
    return;
  }
  // The document lists the AWS and local servers; here the API is the one serving this page.
  spec.servers = [{ url: apiRoot().replace(/\/$/, ""), description: "this dashboard's API" }];
  const SwaggerUIBundle = await loadSwaggerUi();
  await new Promise((resolve) => {
    SwaggerUIBundle({
      spec,
      domNode: docs,
      deepLinking: false,
      docExpansion: "list",
      defaultModelsExpandDepth: 0,
      tryItOutEnabled: false,
      requestInterceptor: withKey,
      onComplete: resolve,
    });
  });
}
