//! `simulate`: the core's backtest bar loop over numpy columns, without copying them.
//!
//! Candle columns and targets are read through the buffer protocol in place; the equity curve is
//! written straight into an array the caller allocated. Per-trade columns come back as
//! little-endian bytes (`numpy.frombuffer` reads them without a copy), and the exact decimals of
//! each trade as strings, only when asked for.

use std::cell::Cell;

use fks_execution_core::decimal::approx_f64;
use fks_execution_core::simulation::{Bars, CurveStats, Series};
use fks_execution_core::{simulate, Decimal, Side, SimConfig, SimTrade};
use pyo3::buffer::{PyBuffer, ReadOnlyCell};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::{bad_request, parse};

/// A numpy column borrowed for the length of one call.
struct Column<'a>(&'a [ReadOnlyCell<f64>]);

impl Series for Column<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn at(&self, index: usize) -> f64 {
        self.0[index].get()
    }
}

fn column<'a>(py: Python<'a>, name: &str, buffer: &'a PyBuffer<f64>) -> PyResult<Column<'a>> {
    buffer
        .as_slice(py)
        .map(Column)
        .ok_or_else(|| bad_request(py, name, &"must be a contiguous float64 array"))
}

/// The trades of one backtest, exact.
#[pyclass(name = "Simulation", module = "fks_execution._core", frozen)]
pub struct PySimulation {
    trades: Vec<SimTrade>,
    final_equity: Decimal,
    curve: CurveStats,
}

fn f64_bytes<'py>(
    py: Python<'py>,
    trades: &[SimTrade],
    value: impl Fn(&SimTrade) -> f64,
) -> Bound<'py, PyBytes> {
    let mut bytes = Vec::with_capacity(trades.len() * 8);
    for trade in trades {
        bytes.extend_from_slice(&value(trade).to_le_bytes());
    }
    PyBytes::new(py, &bytes)
}

fn i64_bytes<'py>(
    py: Python<'py>,
    trades: &[SimTrade],
    value: impl Fn(&SimTrade) -> usize,
) -> Bound<'py, PyBytes> {
    let mut bytes = Vec::with_capacity(trades.len() * 8);
    for trade in trades {
        // A bar index fits an i64: it indexes an array in memory.
        bytes.extend_from_slice(&i64::try_from(value(trade)).unwrap_or(i64::MAX).to_le_bytes());
    }
    PyBytes::new(py, &bytes)
}

fn float(value: Decimal) -> f64 {
    approx_f64(value)
}

#[pymethods]
impl PySimulation {
    /// Number of trades.
    fn __len__(&self) -> usize {
        self.trades.len()
    }

    /// Initial cash plus every trade's PnL, as a decimal string.
    #[getter]
    fn final_equity(&self) -> String {
        self.final_equity.to_string()
    }

    /// Every fee paid, as a decimal string.
    #[getter]
    fn total_fees(&self) -> String {
        self.trades.iter().map(|t| t.entry_fee + t.exit_fee).sum::<Decimal>().to_string()
    }

    /// Per-trade columns as little-endian bytes: `entry_bar`, `exit_bar` (int64), `side`
    /// (+1/-1), `size`, `entry_price`, `exit_price`, `quantity`, `entry_fee`, `exit_fee`, `pnl`
    /// (float64, for the metrics and plots) and `exit_reason` (uint8 codes).
    fn columns<'py>(&self, py: Python<'py>) -> Vec<(&'static str, Bound<'py, PyBytes>)> {
        let t = &self.trades;
        let side = |trade: &SimTrade| if trade.side == Side::Buy { 1.0 } else { -1.0 };
        let reasons: Vec<u8> = t.iter().map(|trade| trade.exit_reason as u8).collect();
        vec![
            ("entry_bar", i64_bytes(py, t, |x| x.entry_bar)),
            ("exit_bar", i64_bytes(py, t, |x| x.exit_bar)),
            ("side", f64_bytes(py, t, side)),
            ("size", f64_bytes(py, t, |x| x.size)),
            ("entry_price", f64_bytes(py, t, |x| float(x.entry_price))),
            ("exit_price", f64_bytes(py, t, |x| float(x.exit_price))),
            ("quantity", f64_bytes(py, t, |x| float(x.quantity))),
            ("entry_fee", f64_bytes(py, t, |x| float(x.entry_fee))),
            ("exit_fee", f64_bytes(py, t, |x| float(x.exit_fee))),
            ("pnl", f64_bytes(py, t, |x| float(x.pnl))),
            ("exit_reason", PyBytes::new(py, &reasons)),
        ]
    }

    /// The equity curve's statistics: (finite returns, their mean, their sum of squared
    /// deviations, the sum of squares of the negative ones, max drawdown, its longest stretch in
    /// bars, the bar of that stretch's peak, the last marked equity).
    fn curve(&self) -> (usize, f64, f64, f64, f64, usize, usize, f64) {
        let c = &self.curve;
        (
            c.returns,
            c.mean_return,
            c.return_m2,
            c.downside_squares,
            c.max_drawdown,
            c.drawdown_bars,
            c.drawdown_peak_bar,
            c.final_equity,
        )
    }

    /// Each trade's exact figures as decimal strings: (entry price, exit price, quantity, pnl,
    /// fees).
    fn exact(&self) -> Vec<(String, String, String, String, String)> {
        self.trades
            .iter()
            .map(|t| {
                // Normalised: a price read on the 10^-8 grid says 98.07, not 98.07000000.
                (
                    t.entry_price.normalize().to_string(),
                    t.exit_price.normalize().to_string(),
                    t.quantity.normalize().to_string(),
                    t.pnl.normalize().to_string(),
                    (t.entry_fee + t.exit_fee).normalize().to_string(),
                )
            })
            .collect()
    }
}

/// `simulate(open, high, low, close, targets, config_json, equity_out=None)`: runs the bar loop
/// over float64 columns; writes the marked equity at each close into `equity_out` (a writable
/// float64 array of the same length) when one is given, and returns the trades. A grid cell
/// wants only the metrics: without `equity_out` nothing is written but the curve's statistics.
#[pyfunction]
#[pyo3(name = "simulate", signature = (open, high, low, close, targets, config_json, equity_out=None))]
#[allow(clippy::too_many_arguments, clippy::needless_pass_by_value)]
pub fn py_simulate(
    py: Python<'_>,
    open: PyBuffer<f64>,
    high: PyBuffer<f64>,
    low: PyBuffer<f64>,
    close: PyBuffer<f64>,
    targets: PyBuffer<f64>,
    config_json: &str,
    equity_out: Option<PyBuffer<f64>>,
) -> PyResult<PySimulation> {
    let config: SimConfig = parse(py, "backtest config", config_json)?;
    let (open, high, low, close) = (
        column(py, "open", &open)?,
        column(py, "high", &high)?,
        column(py, "low", &low)?,
        column(py, "close", &close)?,
    );
    let targets = column(py, "targets", &targets)?;
    let equity: &[Cell<f64>] = match &equity_out {
        None => &[],
        Some(buffer) => buffer
            .as_mut_slice(py)
            .filter(|cells| cells.len() == open.len())
            .ok_or_else(|| bad_request(py, "equity_out", &"must be a writable float64 array, one per bar"))?,
    };
    let bars = Bars { open: &open, high: &high, low: &low, close: &close };
    let mut cells = equity.iter();
    let result = simulate(&bars, &targets, &config, |value| {
        if let Some(cell) = cells.next() {
            cell.set(value);
        }
    });
    let simulation = result.map_err(|e| bad_request(py, "backtest", &e))?;
    Ok(PySimulation {
        trades: simulation.trades,
        final_equity: simulation.final_equity,
        curve: simulation.curve,
    })
}
