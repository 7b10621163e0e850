//! Coinbase's per-request JWT: ES256 over `header.claims` (base64url, no padding), with the CDP
//! key's EC P-256 private key.
//!
//! The header names the key (`kid`) and carries a random `nonce`; the claims are `sub` = the key
//! name, `iss` = `cdp`, `nbf` = now, `exp` = now + 120 s (Coinbase's longest lifetime) and
//! `uri` = `"<METHOD> <host><path>"` without the query. Coinbase issues keys as SEC1 PEM
//! (`-----BEGIN EC PRIVATE KEY-----`); PKCS#8 (`-----BEGIN PRIVATE KEY-----`) is read too.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use serde_json::json;
use std::fmt::Write as _;

/// Lifetime of a token, seconds.
pub const LIFETIME_S: u64 = 120;

/// Why a private key cannot sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError(pub String);

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the Coinbase private key cannot sign: {}", self.0)
    }
}

/// A CDP key ready to sign tokens.
pub struct Signer {
    key_name: String,
    pair: EcdsaKeyPair,
    rng: SystemRandom,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer").field("key_name", &self.key_name).finish_non_exhaustive()
    }
}

/// One DER element: its tag, its contents and what follows it.
fn element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 2 || rest.len() < count {
            return None;
        }
        let len = rest[..count].iter().fold(0_usize, |acc, b| acc << 8 | usize::from(*b));
        (len, &rest[count..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// The private scalar and the uncompressed public point of a SEC1 `ECPrivateKey`
/// (`SEQUENCE { INTEGER 1, OCTET STRING d, [0] curve OPTIONAL, [1] BIT STRING Q OPTIONAL }`).
fn sec1_parts(der: &[u8]) -> Option<(&[u8], &[u8])> {
    let (0x30, body, _) = element(der)? else { return None };
    let (0x02, [1], body) = element(body)? else { return None };
    let (0x04, private, mut body) = element(body)? else { return None };
    while !body.is_empty() {
        let (tag, contents, rest) = element(body)?;
        if tag == 0xa1 {
            let (0x03, bits, _) = element(contents)? else { return None };
            // A BIT STRING starts with its count of unused bits, 0 here.
            return Some((private, bits.get(1..)?));
        }
        body = rest;
    }
    None
}

fn pem_der(pem: &str) -> Result<(String, Vec<u8>), KeyError> {
    let pem = pem.trim().replace("\\n", "\n");
    let label = pem
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("-----BEGIN "))
        .and_then(|l| l.strip_suffix("-----"))
        .ok_or_else(|| KeyError("not a PEM block".into()))?
        .to_owned();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).map(str::trim).collect();
    let der = STANDARD.decode(body).map_err(|e| KeyError(format!("PEM body is not base64: {e}")))?;
    Ok((label, der))
}

impl Signer {
    /// A signer for the key named `key_name` with the PEM `private_key_pem`.
    ///
    /// # Errors
    /// [`KeyError`] when the PEM is not an EC P-256 private key.
    pub fn new(key_name: &str, private_key_pem: &str) -> Result<Self, KeyError> {
        let rng = SystemRandom::new();
        let (label, der) = pem_der(private_key_pem)?;
        let pair = match label.as_str() {
            "EC PRIVATE KEY" => {
                let (private, public) = sec1_parts(&der)
                    .ok_or_else(|| KeyError("not a SEC1 key with its public point".into()))?;
                EcdsaKeyPair::from_private_key_and_public_key(
                    &ECDSA_P256_SHA256_FIXED_SIGNING,
                    private,
                    public,
                    &rng,
                )
            }
            "PRIVATE KEY" => EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der, &rng),
            other => return Err(KeyError(format!("a {other} PEM block is not an EC private key"))),
        }
        .map_err(|e| KeyError(format!("not an EC P-256 key: {e}")))?;
        Ok(Self { key_name: key_name.to_owned(), pair, rng })
    }

    /// The token for one request `method` to `host` (`api.coinbase.com`, or `127.0.0.1:8080`)
    /// and `path` (without the query), valid from `now_s` for [`LIFETIME_S`].
    ///
    /// # Errors
    /// [`KeyError`] if the system's random source fails.
    pub fn token(&self, method: &str, host: &str, path: &str, now_s: u64) -> Result<String, KeyError> {
        let mut nonce = [0_u8; 16];
        self.rng.fill(&mut nonce).map_err(|_| KeyError("no randomness for the nonce".into()))?;
        let nonce = nonce.iter().fold(String::with_capacity(32), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        });
        let header = json!({"alg": "ES256", "kid": self.key_name, "nonce": nonce, "typ": "JWT"});
        let claims = json!({
            "sub": self.key_name,
            "iss": "cdp",
            "nbf": now_s,
            "exp": now_s + LIFETIME_S,
            "uri": format!("{method} {host}{path}"),
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        // FIXED signing: r || s, 64 bytes, exactly JWS's ES256 signature.
        let signature = self
            .pair
            .sign(&self.rng, signing_input.as_bytes())
            .map_err(|_| KeyError("signing failed".into()))?;
        Ok(format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature.as_ref())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_FIXED};

    // The simulator's published key (fks_exchange_sim.coinbase.config).
    const SEC1: &str = "-----BEGIN EC PRIVATE KEY-----
MHcCAQEEICXV14jp9+e8om7KkqFnZrODErNWa88fPtI0AdNai/dioAoGCCqGSM49
AwEHoUQDQgAEvc1rsJwGnSjV1LTGu338q/rPQ6NXWb1ULnYubtLSaUBwn6dIS0gK
m1yLylqVbQEvmt/HDBAiP4Yukv/2MJrJ+Q==
-----END EC PRIVATE KEY-----
";

    fn part(token: &str, i: usize) -> serde_json::Value {
        let text = URL_SAFE_NO_PAD.decode(token.split('.').nth(i).unwrap()).unwrap();
        serde_json::from_slice(&text).unwrap()
    }

    #[test]
    fn token_is_an_es256_jwt_naming_the_request() {
        let signer = Signer::new("organizations/o/apiKeys/k", SEC1).unwrap();

        let token =
            signer.token("POST", "api.coinbase.com", "/api/v3/brokerage/orders", 1_700_000_000).unwrap();

        let (header, claims) = (part(&token, 0), part(&token, 1));
        assert_eq!(
            (header["alg"].as_str(), header["kid"].as_str()),
            (Some("ES256"), Some("organizations/o/apiKeys/k"))
        );
        assert_eq!(header["nonce"].as_str().map(str::len), Some(32));
        assert_eq!(claims["uri"], "POST api.coinbase.com/api/v3/brokerage/orders");
        assert_eq!(
            (claims["nbf"].as_u64(), claims["exp"].as_u64()),
            (Some(1_700_000_000), Some(1_700_000_120))
        );
        assert_eq!(
            (claims["sub"].as_str(), claims["iss"].as_str()),
            (Some("organizations/o/apiKeys/k"), Some("cdp"))
        );
        let (input, signature) = token.rsplit_once('.').unwrap();
        let public = sec1_parts(&pem_der(SEC1).unwrap().1).unwrap().1.to_vec();
        let verified = UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, public)
            .verify(input.as_bytes(), &URL_SAFE_NO_PAD.decode(signature).unwrap());
        assert!(verified.is_ok(), "the signature verifies under the key's public point");
    }

    #[test]
    fn a_key_that_is_not_ec_pem_is_refused() {
        assert!(Signer::new("k", "not a key").is_err());
        assert!(
            Signer::new("k", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----").is_err()
        );
    }

    #[test]
    fn escaped_newlines_as_secrets_often_store_them_are_read() {
        assert!(Signer::new("k", &SEC1.replace('\n', "\\n")).is_ok());
    }
}
