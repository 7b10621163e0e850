//! The order status machine: one pure function decides every status change.
//!
//! Keeping the table in one `match` means an exchange message that arrives out of order (a fill
//! for a canceled order, an ack for a rejected one) is refused in one place instead of silently
//! corrupting the order. The shape follows NautilusTrader's `OrderStatus` machine.

use serde::{Deserialize, Serialize};

use crate::errors::InvalidTransition;

/// Where an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Created locally, not yet checked or sent.
    Initialized,
    /// Refused before sending (validation or risk). Terminal.
    Denied,
    /// Sent to the exchange, no answer yet.
    Submitted,
    /// Acknowledged by the exchange and working.
    Accepted,
    /// Refused by the exchange. Terminal.
    Rejected,
    /// Stop price reached; the order now works as market or limit.
    Triggered,
    /// Cancel sent, no answer yet.
    PendingCancel,
    /// Canceled. Terminal.
    Canceled,
    /// Expired by time in force (IOC/FOK remainder, GTD). Terminal.
    Expired,
    /// Some quantity filled, the rest still working.
    PartiallyFilled,
    /// Whole quantity filled. Terminal.
    Filled,
}

impl OrderStatus {
    /// Whether no event can change this status any more.
    #[must_use]
    pub const fn is_terminal(self) -> bool {
        matches!(self, Self::Denied | Self::Rejected | Self::Canceled | Self::Expired | Self::Filled)
    }

    /// Whether the order may still fill at the exchange (counts towards open orders).
    #[must_use]
    pub const fn is_open(self) -> bool {
        matches!(
            self,
            Self::Submitted | Self::Accepted | Self::Triggered | Self::PendingCancel | Self::PartiallyFilled
        )
    }
}

/// Whether a fill leaves quantity working.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FillKind {
    /// Some quantity is still unfilled.
    Partial,
    /// The order quantity is now fully filled.
    Complete,
}

/// Something that happened to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderEvent {
    /// Validation or risk refused it.
    Deny,
    /// Sent to the exchange.
    Submit,
    /// Exchange acknowledged it.
    Accept,
    /// Exchange refused it.
    Reject,
    /// Stop price reached.
    Trigger,
    /// Cancel sent.
    RequestCancel,
    /// Cancel confirmed.
    Cancel,
    /// Time in force ran out.
    Expire,
    /// A fill arrived.
    Fill(FillKind),
}

/// The status after `event`, or an error if `event` is not allowed in `from`.
///
/// # Errors
/// [`InvalidTransition`] for every pair not listed in the table.
pub fn transition(from: OrderStatus, event: OrderEvent) -> Result<OrderStatus, InvalidTransition> {
    use FillKind::{Complete, Partial};
    use OrderEvent as E;
    use OrderStatus as S;

    let to = match (from, event) {
        (S::Initialized, E::Deny) => S::Denied,
        (S::Initialized, E::Submit) => S::Submitted,
        (S::Submitted, E::Accept) => S::Accepted,
        // A cancel can race the exchange's ack or rejection of the order itself.
        (S::Submitted | S::PendingCancel, E::Reject) => S::Rejected,
        (S::PendingCancel, E::Accept) => S::PendingCancel,
        (S::Submitted | S::Accepted | S::Triggered | S::PartiallyFilled, E::RequestCancel) => {
            S::PendingCancel
        }
        (S::Accepted, E::Trigger) => S::Triggered,
        (S::Accepted | S::Triggered | S::PartiallyFilled | S::PendingCancel, E::Cancel) => S::Canceled,
        // Exchanges often answer a market or IOC order with its fills or its expiry directly,
        // without a separate ack, so those are allowed straight from Submitted.
        (S::Submitted | S::Accepted | S::Triggered | S::PartiallyFilled | S::PendingCancel, E::Expire) => {
            S::Expired
        }
        (
            S::Submitted | S::Accepted | S::Triggered | S::PartiallyFilled | S::PendingCancel,
            E::Fill(Partial),
        ) => S::PartiallyFilled,
        (
            S::Submitted | S::Accepted | S::Triggered | S::PartiallyFilled | S::PendingCancel,
            E::Fill(Complete),
        ) => S::Filled,
        _ => return Err(InvalidTransition { from, event }),
    };
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::FillKind::{Complete, Partial};
    use super::OrderEvent as E;
    use super::OrderStatus as S;
    use super::*;

    macro_rules! allowed {
        ($($name:ident: $from:expr, $event:expr => $to:expr;)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(transition($from, $event), Ok($to));
            }
        )*};
    }

    macro_rules! refused {
        ($($name:ident: $from:expr, $event:expr;)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(
                    transition($from, $event),
                    Err(InvalidTransition { from: $from, event: $event })
                );
            }
        )*};
    }

    allowed! {
        initialized_deny_is_denied: S::Initialized, E::Deny => S::Denied;
        initialized_submit_is_submitted: S::Initialized, E::Submit => S::Submitted;
        submitted_accept_is_accepted: S::Submitted, E::Accept => S::Accepted;
        submitted_reject_is_rejected: S::Submitted, E::Reject => S::Rejected;
        submitted_request_cancel_is_pending_cancel: S::Submitted, E::RequestCancel => S::PendingCancel;
        submitted_expire_is_expired: S::Submitted, E::Expire => S::Expired;
        submitted_partial_fill_is_partially_filled: S::Submitted, E::Fill(Partial) => S::PartiallyFilled;
        submitted_complete_fill_is_filled: S::Submitted, E::Fill(Complete) => S::Filled;
        accepted_trigger_is_triggered: S::Accepted, E::Trigger => S::Triggered;
        accepted_request_cancel_is_pending_cancel: S::Accepted, E::RequestCancel => S::PendingCancel;
        accepted_cancel_is_canceled: S::Accepted, E::Cancel => S::Canceled;
        accepted_expire_is_expired: S::Accepted, E::Expire => S::Expired;
        accepted_partial_fill_is_partially_filled: S::Accepted, E::Fill(Partial) => S::PartiallyFilled;
        accepted_complete_fill_is_filled: S::Accepted, E::Fill(Complete) => S::Filled;
        triggered_request_cancel_is_pending_cancel: S::Triggered, E::RequestCancel => S::PendingCancel;
        triggered_cancel_is_canceled: S::Triggered, E::Cancel => S::Canceled;
        triggered_expire_is_expired: S::Triggered, E::Expire => S::Expired;
        triggered_partial_fill_is_partially_filled: S::Triggered, E::Fill(Partial) => S::PartiallyFilled;
        triggered_complete_fill_is_filled: S::Triggered, E::Fill(Complete) => S::Filled;
        partially_filled_partial_fill_stays_partially_filled: S::PartiallyFilled, E::Fill(Partial) => S::PartiallyFilled;
        partially_filled_complete_fill_is_filled: S::PartiallyFilled, E::Fill(Complete) => S::Filled;
        partially_filled_request_cancel_is_pending_cancel: S::PartiallyFilled, E::RequestCancel => S::PendingCancel;
        partially_filled_cancel_is_canceled: S::PartiallyFilled, E::Cancel => S::Canceled;
        partially_filled_expire_is_expired: S::PartiallyFilled, E::Expire => S::Expired;
        pending_cancel_cancel_is_canceled: S::PendingCancel, E::Cancel => S::Canceled;
        pending_cancel_expire_is_expired: S::PendingCancel, E::Expire => S::Expired;
        pending_cancel_partial_fill_is_partially_filled: S::PendingCancel, E::Fill(Partial) => S::PartiallyFilled;
        pending_cancel_complete_fill_is_filled: S::PendingCancel, E::Fill(Complete) => S::Filled;
        pending_cancel_late_accept_stays_pending_cancel: S::PendingCancel, E::Accept => S::PendingCancel;
        pending_cancel_late_reject_is_rejected: S::PendingCancel, E::Reject => S::Rejected;
    }

    refused! {
        initialized_accept_is_refused: S::Initialized, E::Accept;
        initialized_fill_is_refused: S::Initialized, E::Fill(Complete);
        submitted_submit_again_is_refused: S::Submitted, E::Submit;
        submitted_cancel_without_request_is_refused: S::Submitted, E::Cancel;
        submitted_trigger_before_accept_is_refused: S::Submitted, E::Trigger;
        accepted_reject_is_refused: S::Accepted, E::Reject;
        partially_filled_accept_is_refused: S::PartiallyFilled, E::Accept;
        triggered_trigger_again_is_refused: S::Triggered, E::Trigger;
        denied_submit_is_refused: S::Denied, E::Submit;
        rejected_accept_is_refused: S::Rejected, E::Accept;
        canceled_fill_is_refused: S::Canceled, E::Fill(Partial);
        expired_cancel_is_refused: S::Expired, E::Cancel;
        filled_fill_is_refused: S::Filled, E::Fill(Complete);
        filled_request_cancel_is_refused: S::Filled, E::RequestCancel;
    }

    #[test]
    fn every_terminal_status_refuses_every_event() {
        let events = [
            E::Deny,
            E::Submit,
            E::Accept,
            E::Reject,
            E::Trigger,
            E::RequestCancel,
            E::Cancel,
            E::Expire,
            E::Fill(Partial),
            E::Fill(Complete),
        ];
        for from in [S::Denied, S::Rejected, S::Canceled, S::Expired, S::Filled] {
            assert!(from.is_terminal());
            for event in events {
                assert!(transition(from, event).is_err(), "{from:?} accepted {event:?}");
            }
        }
    }
}
