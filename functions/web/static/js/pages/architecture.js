// Architecture: the flows of docs/design.md as Mermaid diagrams. Mermaid (3.6 MB) loads only here.

import { card, el } from "../ui.js";

const DIAGRAMS = {
  "Overview": `flowchart LR
    SCH[EventBridge schedules] --> COL[collect_ohlcv] & GEN[generate_signals]
    COL -- ccxt --> EX[(Exchange)]
    COL --> S3[(S3 Parquet)]
    GEN --> Q[[SQS signal events]] --> SFN{{Step Functions}}
    SFN --> EXE[execute_order · Rust] -- REST --> EX
    EXE --> DDB[(DynamoDB)]
    SFN --> NQ[[SQS NinjaTrader]] --> NB[ninja_bridge] --> NT8[NinjaTrader 8]
    WEB[web dashboard] --> API[API Gateway] --> FN[API functions] --> DDB`,
  "1. Collection": `flowchart LR
    EB[EventBridge every minute] --> C[collect_ohlcv]
    C -->|enabled assets| A[(DynamoDB assets)]
    C -->|closed candles since last| X[(Exchange via ccxt)]
    C -->|validate, normalise| P[(S3 Parquet by exchange/symbol/timeframe/date)]
    C --> T[(Timestream, optional)]
    C --> W[WebSocket subscribers]
    G{gap?} -->|yes| B[backfill] --> P
    C --> G`,
  "2. Signal to execution": `stateDiagram-v2
    [*] --> ValidateSignal
    ValidateSignal --> RiskCheck
    ValidateSignal --> RecordOutcome: invalid (rejected)
    RiskCheck --> RecordOutcome: a limit or prop-firm rule (denied)
    RiskCheck --> WaitForApproval: manual mode
    RiskCheck --> Route: auto mode
    WaitForApproval --> Route: approved
    WaitForApproval --> RecordOutcome: rejected, or the window ran out (expired)
    Route --> SendToNinjaTrader: futures
    Route --> ExecuteOrder: spot
    SendToNinjaTrader --> RecordOutcome: routed
    ExecuteOrder --> UpdatePortfolio: accepted or filled (the report into the signal and the portfolio)
    ExecuteOrder --> RecordOutcome: refused by the engine or the exchange
    UpdatePortfolio --> RecordOutcome: completed
    RecordOutcome --> Notify
    Notify --> [*]`,
  "Reconciliation": `flowchart LR
    EB[EventBridge every 5 minutes] --> R[reconcile]
    R -->|engine positions| P[(DynamoDB positions)]
    R -->|balances, read-only key| X[(Exchange)]
    R -->|NT8 position reports| P
    R -->|mismatch| H[halt that account] --> A[alarm and notice]
`,
  "3. API and 4. Web": `sequenceDiagram
    participant B as Browser
    participant G as API Gateway
    participant A as Authorizer
    participant W as web function
    participant F as API function
    B->>G: GET /v1/web/ (public)
    G->>W: proxy event
    W-->>B: HTML, scripts, vendored libraries
    B->>G: GET /v1/strategies (Authorization: Bearer key)
    G->>A: key and route (unless cached for this key and route, 300 s)
    A-->>G: allow with scopes, usage-plan key
    G->>F: proxy event
    F-->>B: JSON`,
  "5. NinjaTrader": `flowchart LR
    SFN{{Step Functions}} --> Q[[SQS NinjaTrader]]
    Q --> NB[ninja_bridge on the Windows host]
    NB -->|OIF files| IN[NT8 incoming folder]
    OUT[NT8 outgoing folder] -->|orders, positions| NB
    NB -->|fills| API[FKS API]`,
};

let loading = null;

function loadMermaid() {
  loading ??= new Promise((resolve, reject) => {
    const script = el("script", { src: "vendor/mermaid.min.js" });
    script.onload = () => resolve(window.mermaid);
    script.onerror = () => reject(new Error("could not load vendor/mermaid.min.js"));
    document.head.append(script);
  });
  return loading;
}

export async function render(root) {
  const blocks = Object.entries(DIAGRAMS).map(([title, source]) => [title, el("pre.mermaid.mb-0.p-2", {}, source)]);
  root.replaceChildren(el("h1.h4.mb-3", {}, "Architecture"),
    el("div.row.g-3", {}, blocks.map(([title, pre]) => el("div.col-12.col-xxl-6", {}, card(title, pre)))));
  const mermaid = await loadMermaid();
  const dark = document.documentElement.dataset.bsTheme === "dark";
  mermaid.initialize({ startOnLoad: false, theme: dark ? "dark" : "default", securityLevel: "strict" });
  await mermaid.run({ nodes: blocks.map(([, pre]) => pre) });
}
