// The REST API, called with the user's key. The page is served by the same API (/v1/web/),
// so by default the API root is the page's parent path and no CORS is involved.

const KEY = "fks.apiKey";
const URL_KEY = "fks.apiUrl";

export class ApiError extends Error {
  constructor(status, body, path) {
    super(body?.message || `${status} from ${path}`);
    this.status = status;
    this.body = body || {};
    this.path = path;
  }

  /** Field name → problem, from a 400's details (pydantic problems or a named parameter). */
  fieldErrors() {
    const details = this.body.details || {};
    const errors = {};
    for (const problem of details.problems || []) errors[problem.field] = problem.problem;
    if (details.parameter) errors[`params.${details.parameter}`] = this.message;
    return errors;
  }
}

export function apiKey() {
  return localStorage.getItem(KEY) || sessionStorage.getItem(KEY) || "";
}

export function setApiKey(key, remember) {
  localStorage.removeItem(KEY);
  sessionStorage.removeItem(KEY);
  if (key) (remember ? localStorage : sessionStorage).setItem(KEY, key);
}

export function apiRoot() {
  const custom = localStorage.getItem(URL_KEY);
  return custom ? custom.replace(/\/?$/, "/") : new URL("../", document.baseURI).href;
}

export function setApiRoot(url) {
  if (url) localStorage.setItem(URL_KEY, url);
  else localStorage.removeItem(URL_KEY);
}

/** One API call; resolves to the JSON body, rejects with ApiError (status 0: unreachable). */
export async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  const key = apiKey();
  // An FKS key and a JWT both go as a bearer token: the one header API Gateway caches the
  // authorizer's decision under (template.yaml), so a second call skips the authorizer.
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const url = apiRoot() + path.replace(/^\//, "");
  let response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    throw new ApiError(0, { message: `API unreachable at ${url}: ${error.message}` }, path);
  }
  const text = await response.text();
  let parsed = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { message: text.slice(0, 200) };
  }
  if (!response.ok && !(path === "health" && response.status === 503)) {
    throw new ApiError(response.status, missingRouteHint(response.status, parsed, method, path), path);
  }
  return parsed;
}

// API Gateway answers a route that does not exist with 403 "Missing Authentication Token".
function missingRouteHint(status, body, method, path) {
  if (status === 403 && /Missing Authentication Token/i.test(body.message || "")) {
    return { ...body, message: `${method} /${path.replace(/^\//, "")} is not available on this API (route missing)` };
  }
  return body;
}
