//! Python bindings of the FKS execution core: `fks_execution._core`.
//!
//! Thin `py_`-prefixed wrappers over [`fks_execution_core::Engine`] trading on the paper
//! exchange, `simulate`, the core's backtest bar loop over numpy columns, and `apply_fill`, the
//! core's position arithmetic for the portfolio's books.
//! Commands, limits, instruments and reports cross the boundary as JSON text in the
//! core's own contract (`snake_case`, decimals as strings), so no second schema exists here.
//!
//! Every refusal is raised as the `fks.errors` class [`Denial::error_name`] names (`BadRequest`,
//! `RiskDenied`, `RateLimited`, ...), with the denial as `details`; when `fks.errors` is not
//! importable, as `ExecutionError(error_name, message)`.
#![forbid(unsafe_code)]

mod holding;
mod simulation;

use fks_execution_core::{
    Decimal, Denial, Engine, ExecutionReport, Instrument, PaperConfig, PaperExchange, PositionReport,
    RiskLimits,
};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::de::DeserializeOwned;
use serde::Serialize;

create_exception!(
    _core,
    ExecutionError,
    PyException,
    "A refusal raised when `fks.errors` is not importable: `args` are (error_name, message)."
);

/// Builds the `fks.errors` exception called `name`, carrying `details_json` as `details`.
fn fks_error(py: Python<'_>, name: &str, message: &str, details_json: &str) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let class = py.import("fks.errors")?.getattr(name)?;
        let details = py.import("json")?.call_method1("loads", (details_json,))?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("details", details)?;
        Ok(PyErr::from_value(class.call((message,), Some(&kwargs))?))
    };
    build().unwrap_or_else(|_| ExecutionError::new_err((name.to_owned(), message.to_owned())))
}

fn denial_err(py: Python<'_>, denial: &Denial) -> PyErr {
    let details = serde_json::to_string(denial).unwrap_or_else(|_| "{}".to_owned());
    fks_error(py, denial.error_name(), &denial.to_string(), &details)
}

fn bad_request(py: Python<'_>, what: &str, err: &dyn std::fmt::Display) -> PyErr {
    let message = format!("invalid {what}: {err}");
    let details = serde_json::json!({ "field": what, "message": message }).to_string();
    fks_error(py, "BadRequest", &message, &details)
}

fn parse<T: DeserializeOwned>(py: Python<'_>, what: &str, json: &str) -> PyResult<T> {
    serde_json::from_str(json).map_err(|e| bad_request(py, what, &e))
}

fn decimal(py: Python<'_>, what: &str, text: &str) -> PyResult<Decimal> {
    text.parse::<Decimal>().map_err(|e| bad_request(py, what, &e))
}

fn to_json<T: Serialize>(value: &T) -> PyResult<String> {
    // The core's reports only hold strings, decimals and enums: serialising cannot fail.
    serde_json::to_string(value).map_err(|e| PyException::new_err(e.to_string()))
}

fn report_json(py: Python<'_>, result: Result<ExecutionReport, Denial>) -> PyResult<String> {
    result.map_err(|d| denial_err(py, &d)).and_then(|report| to_json(&report))
}

/// One account's execution engine over the paper exchange.
#[pyclass(name = "Engine", module = "fks_execution._core")]
pub struct PyEngine {
    engine: Engine<PaperExchange>,
}

#[pymethods]
impl PyEngine {
    /// `Engine(account, limits_json="{}", paper_json=None)`.
    #[new]
    #[pyo3(signature = (account, limits_json = "{}", paper_json = None))]
    fn py_new(py: Python<'_>, account: &str, limits_json: &str, paper_json: Option<&str>) -> PyResult<Self> {
        let limits: RiskLimits = parse(py, "limits", limits_json)?;
        let paper: PaperConfig =
            paper_json.map_or_else(|| Ok(PaperConfig::default()), |j| parse(py, "paper", j))?;
        Ok(Self { engine: Engine::new(account, limits, PaperExchange::new(paper)) })
    }

    /// Registers an instrument given as JSON.
    #[pyo3(name = "add_instrument")]
    fn py_add_instrument(&mut self, py: Python<'_>, instrument_json: &str) -> PyResult<()> {
        let instrument: Instrument = parse(py, "instrument", instrument_json)?;
        self.engine.add_instrument(instrument).map_err(|e| bad_request(py, "instrument", &e))
    }

    /// Submits an order command (JSON); returns the execution report (JSON).
    #[pyo3(name = "submit")]
    fn py_submit(
        &mut self,
        py: Python<'_>,
        command_json: &str,
        now_ms: u64,
        mark_price: &str,
    ) -> PyResult<String> {
        let command = parse(py, "order command", command_json)?;
        let mark = decimal(py, "mark_price", mark_price)?;
        report_json(py, self.engine.submit(command, now_ms, mark))
    }

    /// Cancels an order by client order id; returns the execution report (JSON).
    #[pyo3(name = "cancel")]
    fn py_cancel(&mut self, py: Python<'_>, client_order_id: &str, now_ms: u64) -> PyResult<String> {
        report_json(py, self.engine.cancel(client_order_id, now_ms))
    }

    /// Tells the paper exchange a new price; returns the reports of orders that changed (JSON
    /// strings). The first refusal among them is raised.
    #[pyo3(name = "update_mark")]
    fn py_update_mark(
        &mut self,
        py: Python<'_>,
        symbol: &str,
        price: &str,
        now_ms: u64,
    ) -> PyResult<Vec<String>> {
        let price = decimal(py, "price", price)?;
        self.engine.update_mark(symbol, price, now_ms).into_iter().map(|r| report_json(py, r)).collect()
    }

    /// The position in `symbol` marked at `mark_price` (JSON), or `None` if never traded.
    #[pyo3(name = "position")]
    fn py_position(&self, py: Python<'_>, symbol: &str, mark_price: &str) -> PyResult<Option<String>> {
        let mark = decimal(py, "mark_price", mark_price)?;
        self.engine.position(symbol).map(|p| to_json(&PositionReport::new(p, mark))).transpose()
    }

    /// The order with this client order id (JSON), or `None`.
    #[pyo3(name = "order")]
    fn py_order(&self, client_order_id: &str) -> PyResult<Option<String>> {
        self.engine.order(client_order_id).map(to_json).transpose()
    }

    /// Number of orders that may still fill.
    #[pyo3(name = "open_orders")]
    fn py_open_orders(&self) -> usize {
        self.engine.open_orders()
    }

    /// Realized + unrealized − fees over every position, as a decimal string.
    #[pyo3(name = "total_pnl")]
    fn py_total_pnl(&self) -> String {
        self.engine.total_pnl().to_string()
    }

    /// `"active"`, `"reducing"` or `"halted"`.
    #[pyo3(name = "trading_state")]
    fn py_trading_state(&self) -> PyResult<String> {
        let state = to_json(&self.engine.risk().state())?;
        Ok(state.trim_matches('"').to_owned())
    }

    /// Trips the circuit breaker by hand: every new order is denied until `resume`.
    #[pyo3(name = "halt")]
    fn py_halt(&mut self) {
        self.engine.risk_mut().halt();
    }

    /// Allows only position-reducing orders; `False` if the engine is halted.
    #[pyo3(name = "set_reducing")]
    fn py_set_reducing(&mut self) -> bool {
        self.engine.risk_mut().set_reducing()
    }

    /// Resets the circuit breaker to active.
    #[pyo3(name = "resume")]
    fn py_resume(&mut self) {
        self.engine.risk_mut().resume();
    }
}

/// The `fks_execution._core` module.
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEngine>()?;
    m.add_class::<simulation::PySimulation>()?;
    m.add_function(wrap_pyfunction!(simulation::py_simulate, m)?)?;
    m.add_function(wrap_pyfunction!(holding::py_apply_fill, m)?)?;
    m.add("ExecutionError", m.py().get_type::<ExecutionError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
