//! `apply_fill`: the core's position arithmetic ([`Holding::apply`]) for the portfolio's books.
//!
//! The portfolio keeps a book per strategy and symbol in DynamoDB; each fill it books moves the
//! book through the very arithmetic the live engine's positions and the backtest use, so the
//! three cannot drift apart. Decimals cross as plain strings (no exponent), as everywhere in the
//! bindings.

use fks_execution_core::{Decimal, Holding, Side};
use pyo3::prelude::*;

use crate::decimal;

/// A book as `(quantity, avg_entry_price, realized_pnl, fees)`: signed quantity (negative short),
/// realized PnL before fees, fees paid.
type Book = (String, String, String, String);

/// `apply_fill(book, signed_quantity, price, fee)`: the book after buying (a positive quantity)
/// or selling at `price`, paying `fee`. A fill of no quantity only pays its fee.
#[pyfunction]
#[pyo3(name = "apply_fill")]
#[allow(clippy::needless_pass_by_value)]
pub fn py_apply_fill(
    py: Python<'_>,
    book: Book,
    signed_quantity: &str,
    price: &str,
    fee: &str,
) -> PyResult<Book> {
    let (quantity, avg_entry_price, realized_pnl, fees) = book;
    let mut holding = Holding::from_parts(
        decimal(py, "book quantity", &quantity)?,
        decimal(py, "book avg_entry_price", &avg_entry_price)?,
        decimal(py, "book realized_pnl", &realized_pnl)?,
        decimal(py, "book fees", &fees)?,
    );
    let signed = decimal(py, "fill quantity", signed_quantity)?;
    let (price, fee) = (decimal(py, "fill price", price)?, decimal(py, "fill fee", fee)?);
    if signed.is_zero() {
        holding.pay(fee);
    } else {
        let side = if signed.is_sign_positive() { Side::Buy } else { Side::Sell };
        holding.apply(side, signed.abs(), price, fee);
    }
    Ok((
        text(holding.quantity()),
        text(holding.avg_entry_price()),
        text(holding.realized_pnl()),
        text(holding.fees()),
    ))
}

/// Without trailing zeros: a book read back says 105, not 105.0000.
fn text(value: Decimal) -> String {
    value.normalize().to_string()
}
