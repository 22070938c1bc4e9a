//! The client-side token cache of the spec's `x-sdk-cache`: an answer of a `store` operation is
//! kept per key (the operation's key arguments, the client's base URL and a hash of its key)
//! until shortly before it expires on the gateway's clock; an `evict` operation drops every
//! entry whose field equals its argument. Bounded (least recently used entries go first).

use crate::transport::{Answer, Body, Call};
use crate::AgentTrustClient;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const MAX_ENTRIES: usize = 256;
/// An entry is refreshed this long before its expiry (or a tenth of its lifetime, if shorter).
const REFRESH_MARGIN: Duration = Duration::from_secs(30);

/// What a `store` operation caches by.
pub(crate) struct Store {
    /// Wire names of the body fields that make the key.
    pub key: &'static [&'static str],
    pub issued_at: Option<&'static str>,
    pub expires_at: &'static str,
}

struct Entry {
    value: Value,
    fields: HashMap<String, String>,
    refresh_at: Instant,
    used: u64,
}

#[derive(Default)]
pub(crate) struct Cache {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    entries: HashMap<String, Entry>,
    clock: u64,
    generation: u64,
}

/// Milliseconds since the epoch of an RFC 3339 date-time, or `None`.
fn rfc3339_ms(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d, h, mi, sec) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    let mut i = 19;
    let mut frac_ms = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let digits = &s[start..i];
        let padded = format!("{:0<3}", &digits[..digits.len().min(3)]);
        frac_ms = padded.parse().ok()?;
    }
    let offset_min = match b.get(i)? {
        b'Z' | b'z' => 0,
        sign @ (b'+' | b'-') => {
            let oh = num(i + 1..i + 3)?;
            let om = num(i + 4..i + 6)?;
            let m = oh * 60 + om;
            if *sign == b'-' {
                -m
            } else {
                m
            }
        }
        _ => return None,
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400 + h * 3600 + mi * 60 + sec - offset_min * 60) * 1000) + frac_ms)
}

fn key_part(v: &Value) -> Value {
    match v {
        Value::Array(items) => {
            let mut set: Vec<String> = items.iter().map(|x| x.to_string()).collect();
            set.sort();
            set.dedup();
            Value::from(set)
        }
        other => other.clone(),
    }
}

impl AgentTrustClient {
    fn cache_key(&self, call: &Call, store: &Store) -> String {
        let identity = format!(
            "{}\0{:x}",
            self.inner.base_url,
            Sha256::digest(self.inner.api_key.as_deref().unwrap_or("").as_bytes())
        );
        let body = call.body.as_ref().and_then(Value::as_object);
        let parts: Vec<Value> = store
            .key
            .iter()
            .map(|k| body.and_then(|b| b.get(*k)).map_or(Value::Null, key_part))
            .collect();
        format!("{identity}\0{}", Value::from(parts))
    }

    /// Sends `call` unless the cache holds a fresh answer for its key; caches a new answer.
    pub(crate) fn send_cached(
        &self,
        call: Call,
        use_cache: bool,
        store: &Store,
    ) -> crate::Result<Answer> {
        if !use_cache {
            return self.send(call);
        }
        let key = self.cache_key(&call, store);
        let op = call.id;
        let mut key_fields = HashMap::new();
        if let Some(body) = call.body.as_ref().and_then(Value::as_object) {
            for k in store.key {
                if let Some(Value::String(s)) = body.get(*k) {
                    key_fields.insert((*k).to_owned(), s.clone());
                }
            }
        }
        let generation = {
            let mut st = self
                .inner
                .cache
                .state
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            st.clock += 1;
            let clock = st.clock;
            if let Some(e) = st.entries.get_mut(&key) {
                if Instant::now() < e.refresh_at {
                    e.used = clock;
                    return Ok(Answer {
                        op,
                        status: 200,
                        request_id: None,
                        headers: Default::default(),
                        body: Body::Json(e.value.clone()),
                    });
                }
                st.entries.remove(&key);
            }
            st.generation
        };
        let asked = Instant::now();
        let answer = self.send(call)?;
        let Some(value) = answer.json() else {
            return Ok(answer);
        };
        let obj: Option<&Map<String, Value>> = value.as_object();
        let field = |name: &str| {
            obj.and_then(|o| o.get(name))
                .and_then(Value::as_str)
                .and_then(rfc3339_ms)
        };
        let issued = store.issued_at.and_then(field);
        let lifetime_ms = match (issued, field(store.expires_at)) {
            (Some(i), Some(e)) => e - i,
            (None, Some(e)) => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis() as i64);
                e - now
            }
            _ => 0,
        };
        if lifetime_ms <= 0 {
            return Ok(answer);
        }
        let lifetime = Duration::from_millis(lifetime_ms as u64);
        let refresh_at = asked + lifetime - REFRESH_MARGIN.min(lifetime / 10);
        let mut fields = key_fields;
        if let Some(o) = obj {
            for (k, v) in o {
                if let Value::String(s) = v {
                    fields.entry(k.clone()).or_insert_with(|| s.clone());
                }
            }
        }
        let mut st = self
            .inner
            .cache
            .state
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if st.generation == generation {
            st.clock += 1;
            let used = st.clock;
            st.entries.insert(
                key,
                Entry {
                    value,
                    fields,
                    refresh_at,
                    used,
                },
            );
            while st.entries.len() > MAX_ENTRIES {
                let oldest = st
                    .entries
                    .iter()
                    .min_by_key(|(_, e)| e.used)
                    .map(|(k, _)| k.clone());
                match oldest {
                    Some(k) => st.entries.remove(&k),
                    None => break,
                };
            }
        }
        Ok(answer)
    }

    /// Drops the cached answers whose `field` equals `value` (after a successful revoke).
    pub(crate) fn cache_evict(&self, field: &str, value: &str) {
        let mut st = self
            .inner
            .cache
            .state
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        st.generation += 1;
        st.entries
            .retain(|_, e| e.fields.get(field).map(String::as_str) != Some(value));
    }
}

#[cfg(test)]
mod tests {
    use super::rfc3339_ms;

    #[test]
    fn parses_rfc3339() {
        assert_eq!(rfc3339_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(rfc3339_ms("1970-01-01T00:00:01.5Z"), Some(1500));
        assert_eq!(rfc3339_ms("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(rfc3339_ms("2026-11-22T10:00:00Z"), Some(1_795_341_600_000));
        assert_eq!(rfc3339_ms("garbage"), None);
    }
}
