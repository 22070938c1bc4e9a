//! Property-based decoding test (issue 16): a valid answer, mutated at random (members removed,
//! replaced by any JSON value, copied under case-variant or camelCase keys, duplicated in the
//! raw text, NaN/Infinity/huge literals, truncated, replaced whole), is decoded as the Guard and
//! the resources decode it. It must never panic, must fail only with the SDK's typed
//! INVALID_RESPONSE error, and must never return data the spec does not allow; the decision it
//! returns is the one the text carries. Seeded; `AGENTTRUST_FUZZ_CASES` runs longer.

use crate::transport::{Answer, Body};
use crate::{ActionCheckResult, ErrorCode, TelemetryAccepted};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde_json::{json, Map, Value};
use std::sync::atomic::{AtomicUsize, Ordering};

const SEED: [u8; 32] = *b"agenttrust-issue-16-decode-props";

fn cases() -> u32 {
    std::env::var("AGENTTRUST_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600)
}

fn runner() -> TestRunner {
    let config = Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(
        config,
        TestRng::from_seed(RngAlgorithm::ChaCha, &SEED),
    )
}

/// Any JSON value a hostile gateway could send, with the coercion bait the issue lists.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        prop_oneof![
            Just(-1.0),
            Just(0.5),
            Just(1.0),
            Just(1.5),
            Just(2.0),
            Just(1e300),
            Just(-0.0),
            Just(0.9)
        ]
        .prop_map(|f: f64| json!(f)),
        prop_oneof![
            Just("true"),
            Just("false"),
            Just("1"),
            Just("0.9"),
            Just("NaN"),
            Just(""),
            Just("no_capability"),
            Just("elevation_required"),
            Just("apr_1"),
            Just("a newer value")
        ]
        .prop_map(Value::from),
        "[a-z_]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const CHECK_KEYS: &[&str] = &[
    "allowed",
    "check_id",
    "confidence",
    "guard_tier",
    "latency_ms",
    "reason",
    "elevation_required",
    "approval_id",
    "rule",
];

fn valid_check() -> Map<String, Value> {
    let Value::Object(m) = json!({
        "allowed": false,
        "check_id": "chk_1",
        "confidence": 0.9,
        "guard_tier": "pro",
        "latency_ms": 12,
        "reason": "needs approval",
        "elevation_required": true,
        "approval_id": "apr_1",
        "rule": "elevation_required"
    }) else {
        unreachable!("an object literal")
    };
    m
}

/// One mutation of a member: removed, replaced, or copied under another spelling of its key.
#[derive(Debug, Clone)]
enum Edit {
    Remove(usize),
    Set(usize, Value),
    Alias(usize, u8, Value),
    Extra(String, Value),
}

fn edit() -> impl Strategy<Value = Edit> {
    let key = 0..CHECK_KEYS.len();
    prop_oneof![
        key.clone().prop_map(Edit::Remove),
        (key.clone(), any_json()).prop_map(|(k, v)| Edit::Set(k, v)),
        (key, 0u8..3, any_json()).prop_map(|(k, s, v)| Edit::Alias(k, s, v)),
        ("[a-zA-Z_]{1,10}", any_json()).prop_map(|(k, v)| Edit::Extra(k, v)),
    ]
}

fn alias(key: &str, style: u8) -> String {
    match style {
        0 => key.to_uppercase(),
        1 => {
            let mut c = key.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
        _ => {
            let mut out = String::new();
            let mut up = false;
            for ch in key.chars() {
                if ch == '_' {
                    up = true;
                } else if up {
                    out.extend(ch.to_uppercase());
                    up = false;
                } else {
                    out.push(ch);
                }
            }
            out
        }
    }
}

/// A textual mutation of the serialized answer, for what a `Value` cannot hold.
#[derive(Debug, Clone)]
enum Text {
    Same,
    Duplicate(usize, String),
    Literal(usize, &'static str),
    Truncate(usize),
    Whole(Value),
}

fn text() -> impl Strategy<Value = Text> {
    let key = 0..CHECK_KEYS.len();
    prop_oneof![
        4 => Just(Text::Same),
        1 => (key.clone(), any_json()).prop_map(|(k, v)| Text::Duplicate(k, v.to_string())),
        1 => (key, prop_oneof![Just("NaN"), Just("Infinity"), Just("-Infinity"), Just("1e999"), Just("01"), Just("+1")])
            .prop_map(|(k, l)| Text::Literal(k, l)),
        1 => (0usize..200).prop_map(Text::Truncate),
        1 => any_json().prop_map(Text::Whole),
    ]
}

fn apply(edits: &[Edit], text: &Text) -> String {
    let mut m = valid_check();
    for e in edits {
        match e {
            Edit::Remove(k) => {
                m.remove(CHECK_KEYS[*k]);
            }
            Edit::Set(k, v) => {
                m.insert(CHECK_KEYS[*k].to_owned(), v.clone());
            }
            Edit::Alias(k, s, v) => {
                m.insert(alias(CHECK_KEYS[*k], *s), v.clone());
            }
            Edit::Extra(k, v) => {
                m.insert(k.clone(), v.clone());
            }
        }
    }
    let body = Value::Object(m).to_string();
    match text {
        Text::Same => body,
        Text::Duplicate(k, v) => format!("{{\"{}\":{v},{}", CHECK_KEYS[*k], &body[1..]),
        Text::Literal(k, l) => format!("{{\"{}\":{l},{}", CHECK_KEYS[*k], &body[1..]),
        Text::Truncate(n) => body.chars().take(*n).collect(),
        Text::Whole(v) => v.to_string(),
    }
}

fn answer(body: &str) -> Answer {
    Answer {
        op: "checkAction",
        status: 200,
        request_id: None,
        headers: Default::default(),
        body: Body::Bytes(body.as_bytes().to_vec()),
    }
}

/// The spec's `ActionCheckResult`, checked on the raw text: a JSON object without duplicate
/// members whose known members have the spec's types, ranges and nullability.
fn spec_valid_check(text: &str) -> Result<Map<String, Value>, String> {
    let Ok(Value::Object(m)) = serde_json::from_str::<Value>(text) else {
        return Err("not a JSON object".into());
    };
    let keys = serde_json::from_str::<Pairs>(text).map_err(|e| e.to_string())?;
    if keys.0.len() != m.len() {
        return Err("duplicate members".into());
    }
    let ok = |k: &str, f: &dyn Fn(&Value) -> bool| m.get(k).is_none_or(f);
    let string = |v: &Value| v.is_string();
    let valid = m.get("allowed").is_some_and(Value::is_boolean)
        && ok("check_id", &string)
        && ok("confidence", &|v| {
            v.as_f64().is_some_and(|f| (0.0..=1.0).contains(&f))
        })
        && ok("guard_tier", &string)
        && ok("latency_ms", &|v| v.is_i64() && v.as_i64() >= Some(0) || v.is_u64())
        && ok("reason", &string)
        && ok("elevation_required", &Value::is_boolean)
        && ok("approval_id", &|v| v.is_string() || v.is_null())
        && ok("rule", &string);
    if valid {
        Ok(m)
    } else {
        Err("a member breaks the spec".into())
    }
}

/// Every key of an object in order, duplicates included.
struct Pairs(Vec<String>);

impl<'de> serde::Deserialize<'de> for Pairs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Pairs;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut a: A) -> Result<Pairs, A::Error> {
                let mut keys = Vec::new();
                while let Some((k, _)) = a.next_entry::<String, serde::de::IgnoredAny>()? {
                    keys.push(k);
                }
                Ok(Pairs(keys))
            }
        }
        d.deserialize_map(V)
    }
}

#[test]
fn mutated_check_answers_never_crash_and_never_pass_invalid() {
    let (run, accepted, refused) = (
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
    );
    let strategy = (prop::collection::vec(edit(), 0..4), text());
    let result = runner().run(&strategy, |(edits, t)| {
        run.fetch_add(1, Ordering::Relaxed);
        let body = apply(&edits, &t);
        let oracle = spec_valid_check(&body);
        match answer(&body).decode::<ActionCheckResult>() {
            Ok(got) => {
                accepted.fetch_add(1, Ordering::Relaxed);
                let m = oracle.map_err(|why| {
                    TestCaseError::fail(format!("accepted a spec-invalid answer ({why}): {body}"))
                })?;
                prop_assert_eq!(Some(&Value::Bool(got.allowed)), m.get("allowed"), "{}", body);
                prop_assert_eq!(
                    got.elevation_required.map(Value::Bool),
                    m.get("elevation_required").cloned(),
                    "{}",
                    body
                );
                prop_assert_eq!(
                    got.approval_id.as_ref().map(|a| Value::from(a.as_str())),
                    m.get("approval_id").filter(|v| !v.is_null()).cloned(),
                    "{}",
                    body
                );
                prop_assert_eq!(
                    got.rule.as_ref().map(|r| Value::from(r.as_str())),
                    m.get("rule").cloned(),
                    "{}",
                    body
                );
            }
            Err(e) => {
                refused.fetch_add(1, Ordering::Relaxed);
                prop_assert_eq!(e.code(), &ErrorCode::InvalidResponse, "{}", body);
            }
        }
        Ok(())
    });
    let (run, accepted, refused) = (
        run.into_inner(),
        accepted.into_inner(),
        refused.into_inner(),
    );
    if let Err(e) = result {
        panic!("after {run} cases: {e}");
    }
    println!(
        "decode fuzz (ActionCheckResult): {run} cases, {accepted} accepted, {refused} refused, 0 crashes, 0 invalid accepted"
    );
    assert!(accepted > 0 && refused > 0, "{accepted} accepted, {refused} refused");
}

#[test]
fn any_answer_decodes_to_a_typed_error_or_valid_telemetry_accepted() {
    let run = AtomicUsize::new(0);
    let result = runner().run(&any_json(), |v| {
        run.fetch_add(1, Ordering::Relaxed);
        let body = v.to_string();
        match answer(&body).decode::<TelemetryAccepted>() {
            Ok(got) => {
                prop_assert_eq!(Some(&Value::Bool(got.accepted)), v.get("accepted"));
                let n = v.get("events_processed");
                prop_assert!(n.is_none_or(|n| n.as_u64().is_some()), "{}", body);
            }
            Err(e) => prop_assert_eq!(e.code(), &ErrorCode::InvalidResponse),
        }
        Ok(())
    });
    let run = run.into_inner();
    if let Err(e) = result {
        panic!("after {run} cases: {e}");
    }
    println!("decode fuzz (TelemetryAccepted): {run} cases, 0 crashes, 0 invalid accepted");
}

#[test]
fn duplicates_aliases_and_non_finite_numbers_do_not_change_a_decision() {
    let refused = [
        r#"[true]"#,
        r#"{"allowed":false,"allowed":true}"#,
        r#"{"allowed":true,"allowed":false}"#,
        r#"{"allowed":false,"confidence":NaN}"#,
        r#"{"allowed":false,"confidence":Infinity}"#,
        r#"{"allowed":false,"confidence":1e999}"#,
        r#"{"allowed":false,"confidence":1.5}"#,
        r#"{"allowed":false,"confidence":"0.9"}"#,
        r#"{"allowed":"true"}"#,
        r#"{"allowed":1}"#,
        r#"{"allowed":null}"#,
        r#"{"Allowed":true}"#,
        r#"{"allowed":false,"rule":7}"#,
        r#"{"allowed":false,"rule":null}"#,
        r#"{"allowed":false,"elevation_required":null}"#,
        r#"{"allowed":false,"latency_ms":-1}"#,
    ];
    for body in refused {
        let e = answer(body).decode::<ActionCheckResult>().unwrap_err();
        assert_eq!(e.code(), &ErrorCode::InvalidResponse, "{body}");
    }
    let kept = r#"{"allowed":false,"Allowed":true,"ALLOWED":true,"approvalId":"apr_x","ElevationRequired":true,"rule":"a newer rule"}"#;
    let got = answer(kept).decode::<ActionCheckResult>().unwrap();
    assert!(!got.allowed);
    assert!(got.approval_id.is_absent() && got.elevation_required.is_none());
    assert_eq!(got.rule.unwrap().as_str(), "a newer rule");
}
