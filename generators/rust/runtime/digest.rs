//! The input digest (RFC 8785 canonical JSON, then SHA-256) and summary truncation.

use crate::AgentTrustError;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The lowercase hex SHA-256 of a tool's input: of a string's UTF-8 bytes, else of the value's
/// RFC 8785 (JCS) canonical JSON, every number taken as an IEEE-754 double first (so
/// `9007199254740993` digests as `9007199254740992`, as in every other SDK).
pub fn digest_input(input: &Value) -> crate::Result<String> {
    let bytes = match input {
        Value::String(s) => s.as_bytes().to_vec(),
        other => {
            let doubles = as_doubles(other)?;
            serde_json_canonicalizer::to_vec(&doubles).map_err(|e| {
                AgentTrustError::validation(
                    "input",
                    &format!("the input cannot be canonicalized: {e}"),
                )
            })?
        }
    };
    Ok(format!("{:x}", Sha256::digest(&bytes)))
}

fn as_doubles(v: &Value) -> crate::Result<Value> {
    Ok(match v {
        Value::Number(n) => {
            let f = n.as_f64().filter(|f| f.is_finite()).ok_or_else(|| {
                AgentTrustError::validation("input", "the input holds a number that is not finite")
            })?;
            serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(as_doubles).collect::<crate::Result<_>>()?)
        }
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| Ok((k.clone(), as_doubles(v)?)))
                .collect::<crate::Result<_>>()?,
        ),
        other => other.clone(),
    })
}

/// `text` cut to at most `limit` code points.
pub fn truncate_chars(text: &str, limit: usize) -> &str {
    match text.char_indices().nth(limit) {
        Some((i, _)) => &text[..i],
        None => text,
    }
}

/// A tool-input summary cut to the spec's limit (200 code points).
pub fn truncate_summary(text: &str) -> &str {
    truncate_chars(text, crate::facts::MAX_SUMMARY_CHARS)
}
