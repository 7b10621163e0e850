//! Fill events: the only input that changes an order's filled quantity or a position.

use serde::{Deserialize, Serialize};

use crate::decimal::Decimal;
use crate::order::Side;

/// One execution reported by the exchange (or the paper exchange).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fill {
    /// Exchange trade id, unique per symbol; the key that makes applying a fill idempotent.
    pub trade_id: String,
    /// The order this fill belongs to.
    pub client_order_id: String,
    /// Instrument symbol.
    pub symbol: String,
    /// Side of the order that filled.
    pub side: Side,
    /// Filled quantity, positive.
    pub quantity: Decimal,
    /// Execution price.
    pub price: Decimal,
    /// Fee charged, in the instrument's quote currency (the exchange adapter converts fees
    /// paid in another asset, so PnL stays in one currency).
    pub fee: Decimal,
    /// Execution time, epoch milliseconds UTC.
    pub ts_ms: u64,
}
