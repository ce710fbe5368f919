//! Secrets and signatures as the Standard Webhooks specification defines them
//! (<https://www.standardwebhooks.com/>): a secret is `whsec_` + base64 of random bytes, and a
//! signature is `v1,` + base64 of HMAC-SHA256, keyed with the secret's decoded bytes, over
//! `{webhook-id}.{webhook-timestamp}.{body}`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Random bytes in a new secret (the specification asks for 24 to 64).
const SECRET_BYTES: usize = 32;

/// A new random secret, `whsec_…`; `None` only when the system has no randomness to give.
pub fn new_secret() -> Option<String> {
    let mut bytes = [0u8; SECRET_BYTES];
    getrandom::fill(&mut bytes).ok()?;
    Some(format!("whsec_{}", STANDARD.encode(bytes)))
}

/// The `v1,…` signature of one message with `secret`; `None` when the stored secret is not a
/// `whsec_` secret (it always is: this module makes them).
pub fn sign(secret: &str, message_id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let key = STANDARD.decode(secret.strip_prefix("whsec_")?).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{message_id}.{timestamp}.").as_bytes());
    mac.update(body);
    Some(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The `webhook-signature` header: one signature per valid secret, space-separated, so a
/// receiver holding either the new or the previous secret (during a rotation) verifies it.
pub fn header(secrets: &[&str], message_id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let signatures: Option<Vec<String>> = secrets
        .iter()
        .map(|s| sign(s, message_id, timestamp, body))
        .collect();
    Some(signatures?.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_the_specifications_example() {
        // The test vector of the Standard Webhooks reference libraries.
        let sig = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(
            sig.as_deref(),
            Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }

    #[test]
    fn secrets_are_random_and_well_formed() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        let a = a.unwrap_or_default();
        let raw = STANDARD
            .decode(a.strip_prefix("whsec_").unwrap_or_default())
            .unwrap_or_default();
        assert_eq!(raw.len(), SECRET_BYTES);
        let both = header(
            &[&a, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
            "m",
            1,
            b"x",
        );
        assert_eq!(both.map(|h| h.split(' ').count()), Some(2));
    }
}
