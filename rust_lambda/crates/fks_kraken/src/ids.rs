//! The platform's client order ids as Kraken's `cl_ord_id`.
//!
//! Kraken takes a `cl_ord_id` as a UUID (36 characters with hyphens) or free text of at most
//! 18 characters; the platform's ids are up to 36 characters of `[A-Za-z0-9_-]` (Binance's
//! limit), so a longer one is sent as a UUID derived from it: the first 16 bytes of its
//! SHA-256, marked as an RFC 9562 version-8 (custom) UUID. The derivation is a function of the
//! id alone, so every delivery of an order, in any process, sends the same `cl_ord_id`.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

/// Longest free-text `cl_ord_id` Kraken accepts.
pub const FREE_TEXT_MAX: usize = 18;

/// Whether `text` is a UUID in its 36-character hyphenated spelling.
#[must_use]
pub fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(i, b)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        })
}

/// The `cl_ord_id` Kraken is sent for `client_order_id`.
#[must_use]
pub fn cl_ord_id(client_order_id: &str) -> String {
    if client_order_id.len() <= FREE_TEXT_MAX || is_uuid(client_order_id) {
        return client_order_id.to_owned();
    }
    let digest = Sha256::digest(client_order_id.as_bytes());
    let mut bytes = [0_u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids_and_uuids_pass_through() {
        assert_eq!(cl_ord_id("mkt-1"), "mkt-1");
        assert_eq!(cl_ord_id("exactly-eighteen-1"), "exactly-eighteen-1");
        let uuid = "d15708c1-dbb6-465d-b77d-47258319cc90";
        assert_eq!(cl_ord_id(uuid), uuid);
    }

    #[test]
    fn long_ids_become_a_stable_version_8_uuid() {
        let id = "sig-2f1c9a7e0b6d4c3aa1e5b7d9c0f2e4a6";
        let derived = cl_ord_id(id);
        assert!(is_uuid(&derived), "{derived}");
        assert_eq!(&derived[14..15], "8");
        assert!(matches!(&derived[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(cl_ord_id(id), derived, "the same id always maps to the same cl_ord_id");
        assert_ne!(cl_ord_id("sig-2f1c9a7e0b6d4c3aa1e5b7d9c0f2e4a7"), derived);
    }
}
