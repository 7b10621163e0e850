//! `bootstrap` of the `execute_order` Lambda (`provided.al2023`).
#![forbid(unsafe_code)]

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use execute_order::config::{self, LambdaHandler};
use execute_order::emf;
use execute_order::handler::Failure;
use execute_order::settings::StoredLimits;
use lambda_runtime::{service_fn, Diagnostic, LambdaEvent};
use serde_json::Value;

fn now_ms() -> u64 {
    execute_order::clock::now_ms() // the wall clock, or the local stack's simulated one
}

fn diagnostic(failure: Failure) -> Diagnostic {
    Diagnostic { error_type: failure.error_type, error_message: failure.message }
}

/// The warm instance: the handler, and where its risk limits are re-read from.
struct Warm {
    handler: LambdaHandler,
    limits: Option<StoredLimits>,
}

fn build() -> Result<Warm, Diagnostic> {
    let handler = config::from_env().map_err(|e| diagnostic(e.into()))?;
    let limits = config::stored_limits().map_err(|e| diagnostic(e.into()))?;
    Ok(Warm { handler, limits })
}

/// Runs one invocation on the warm handler, building it on first use so a configuration error
/// is reported as the invocation's error instead of a crash loop. The stored risk limits are
/// re-read first once their max age has passed, so a settings change reaches the next order.
fn invoke(warm: &Mutex<Option<Warm>>, event: &Value) -> Result<Value, Diagnostic> {
    let mut slot = warm.lock().unwrap_or_else(PoisonError::into_inner);
    let warm = match slot.as_mut() {
        Some(warm) => warm,
        None => slot.insert(build()?),
    };
    if let Some(source) = warm.limits.as_mut() {
        if let Some(limits) = source.refresh(Instant::now()).map_err(|e| diagnostic(e.into()))? {
            warm.handler.set_limits(limits);
        }
    }
    let handler = &mut warm.handler;
    let started = Instant::now();
    let answer = handler.handle_event(&event.to_string(), now_ms()).map_err(diagnostic)?;
    let function = std::env::var("AWS_LAMBDA_FUNCTION_NAME").unwrap_or_else(|_| "execute_order".into());
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    // An order or cancel answers one report; a sync, one per order it changed.
    let reports = match answer.get("reports") {
        Some(Value::Array(reports)) => reports.iter().collect(),
        _ if answer.get("status").is_some() => vec![&answer],
        _ => Vec::new(),
    };
    for report in reports {
        // Standard output is the function's log: CloudWatch reads the metrics out of this line.
        println!("{}", emf::order_metrics(&function, report, latency_ms, now_ms()));
    }
    Ok(answer)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    let warm: Arc<Mutex<Option<Warm>>> = Arc::new(Mutex::new(None));
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let warm = Arc::clone(&warm);
        async move {
            // The exchange and AWS clients block; keep them off the runtime's event loop.
            tokio::task::spawn_blocking(move || invoke(&warm, &event.payload)).await.map_err(|e| {
                Diagnostic { error_type: "TemporaryError".into(), error_message: e.to_string() }
            })?
        }
    }))
    .await
}
