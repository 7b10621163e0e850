//! Where orders and positions live between invocations.

use std::collections::HashMap;

use fks_execution_core::{ExecutionReport, OrderCommand, Position, TradingState};

use crate::aws::AwsError;

/// An order as stored: the command that claimed its client order id and, once the exchange
/// answered, the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOrder {
    /// The command that claimed the id.
    pub command: OrderCommand,
    /// `None` while the outcome is unknown (claimed, not yet committed).
    pub report: Option<ExecutionReport>,
}

/// A position as stored, with the version its next write must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPosition {
    /// The position's figures.
    pub position: Position,
    /// Optimistic-lock version; 0 when not stored yet.
    pub version: u64,
}

/// Why a commit did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommitConflict {
    /// Another invocation committed this order first.
    OrderAlreadyCommitted,
    /// The position changed since it was read: read again and retry.
    PositionChanged,
}

/// Orders by client order id and positions by (account, symbol), written conditionally so two
/// invocations can never both place or both book the same order.
pub trait Store {
    /// The order with this client order id.
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn load_order(&mut self, client_order_id: &str) -> Result<Option<StoredOrder>, AwsError>;

    /// Claims the command's client order id before anything is sent to the exchange;
    /// `false` if it is already claimed.
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn claim(&mut self, command: &OrderCommand, now_ms: u64) -> Result<bool, AwsError>;

    /// Drops a claim whose order never reached the exchange (denied, throttled).
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn release(&mut self, client_order_id: &str) -> Result<(), AwsError>;

    /// The position of `account` in `symbol`.
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn load_position(&mut self, account: &str, symbol: &str) -> Result<Option<StoredPosition>, AwsError>;

    /// The account's trading state (the circuit breaker); `Active` when never set.
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn load_trading_state(&mut self, account: &str) -> Result<TradingState, AwsError>;

    /// Records the trading state the engine moved to (its breaker tripped).
    ///
    /// # Errors
    /// [`AwsError`] if the store cannot answer.
    fn save_trading_state(&mut self, account: &str, state: TradingState, now_ms: u64)
        -> Result<(), AwsError>;

    /// Records `report` on its claimed order and `position` (if any fills) in one atomic write,
    /// conditional on the order still being uncommitted and the position's version.
    ///
    /// # Errors
    /// `Ok(Err(conflict))` when a condition failed; [`AwsError`] if the store cannot answer.
    fn commit(
        &mut self,
        report: &ExecutionReport,
        position: Option<&StoredPosition>,
        now_ms: u64,
    ) -> Result<Result<(), CommitConflict>, AwsError>;
}

/// An in-memory [`Store`] for tests and the in-process benchmark.
#[derive(Debug, Default)]
pub struct MemoryStore {
    orders: HashMap<String, StoredOrder>,
    positions: HashMap<(String, String), StoredPosition>,
    trading_states: HashMap<String, TradingState>,
}

impl MemoryStore {
    /// A copy of the stored order, for inspection.
    #[must_use]
    pub fn clone_order(&self, client_order_id: &str) -> Option<StoredOrder> {
        self.orders.get(client_order_id).cloned()
    }

    /// A copy of the stored position, for inspection.
    #[must_use]
    pub fn clone_position(&self, account: &str, symbol: &str) -> Option<StoredPosition> {
        self.positions.get(&(account.to_owned(), symbol.to_owned())).cloned()
    }
}

impl Store for MemoryStore {
    fn load_trading_state(&mut self, account: &str) -> Result<TradingState, AwsError> {
        Ok(self.trading_states.get(account).copied().unwrap_or_default())
    }

    fn save_trading_state(
        &mut self,
        account: &str,
        state: TradingState,
        _now_ms: u64,
    ) -> Result<(), AwsError> {
        self.trading_states.insert(account.to_owned(), state);
        Ok(())
    }

    fn load_order(&mut self, client_order_id: &str) -> Result<Option<StoredOrder>, AwsError> {
        Ok(self.orders.get(client_order_id).cloned())
    }

    fn claim(&mut self, command: &OrderCommand, _now_ms: u64) -> Result<bool, AwsError> {
        if self.orders.contains_key(&command.client_order_id) {
            return Ok(false);
        }
        let stored = StoredOrder { command: command.clone(), report: None };
        self.orders.insert(command.client_order_id.clone(), stored);
        Ok(true)
    }

    fn release(&mut self, client_order_id: &str) -> Result<(), AwsError> {
        if self.orders.get(client_order_id).is_some_and(|o| o.report.is_none()) {
            self.orders.remove(client_order_id);
        }
        Ok(())
    }

    fn load_position(&mut self, account: &str, symbol: &str) -> Result<Option<StoredPosition>, AwsError> {
        Ok(self.positions.get(&(account.to_owned(), symbol.to_owned())).cloned())
    }

    fn commit(
        &mut self,
        report: &ExecutionReport,
        position: Option<&StoredPosition>,
        _now_ms: u64,
    ) -> Result<Result<(), CommitConflict>, AwsError> {
        let Some(order) = self.orders.get_mut(&report.client_order_id).filter(|o| o.report.is_none()) else {
            return Ok(Err(CommitConflict::OrderAlreadyCommitted));
        };
        let key = (report.account.clone(), report.symbol.clone());
        if let Some(next) = position {
            let current = self.positions.get(&key).map_or(0, |p| p.version);
            if current + 1 != next.version {
                return Ok(Err(CommitConflict::PositionChanged));
            }
            // Keep what DynamoDB keeps: the figures, not the engine's recent trade ids (the
            // conditional commit is what stops a fill being booked twice across invocations).
            let figures = serde_json::to_value(&next.position)
                .and_then(serde_json::from_value)
                .map_err(|e| AwsError { kind: "MalformedItem".into(), message: e.to_string() })?;
            self.positions.insert(key, StoredPosition { position: figures, version: next.version });
        }
        order.report = Some(report.clone());
        Ok(Ok(()))
    }
}
