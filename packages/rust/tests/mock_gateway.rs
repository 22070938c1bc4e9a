//! Rust-specific behaviour against the mock gateway CLI and small canned loopback servers:
//! retries and their Idempotency-Key, Retry-After, timeouts, redirects, the size cap, body-less
//! POSTs, path ids, secrets, Send + Sync, and a guard dropped inside an async runtime.
//! A `harness = false` test: it starts the mock once (stopped on Drop) and prints
//! `N passed, N failed`.

use agenttrustid::{
    AgentTrustClient, AgentTrustError, AgentTrustGuard, CreateAgentRequest, ErrorCode,
};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const KEY: &str = "sk_test_agenttrust";

/// The mock gateway CLI, stopped when dropped.
struct Mock {
    child: Child,
    url: String,
    admin: reqwest::blocking::Client,
}

impl Mock {
    fn start() -> Mock {
        let cli = concat!(env!("CARGO_MANIFEST_DIR"), "/../mock-gateway/dist/cli.js");
        let mut child = Command::new("node")
            .args([cli, "--port", "0", "--quiet"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "node runs the mock gateway CLI (pnpm --filter @agenttrustid/mock-gateway build)",
            );
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut line)
            .expect("the mock prints its URL");
        let _ = rustls::crypto::ring::default_provider().install_default();
        let admin = reqwest::blocking::Client::new();
        Mock {
            child,
            url: line.trim().to_owned(),
            admin,
        }
    }

    fn client(&self) -> AgentTrustClient {
        AgentTrustClient::builder()
            .base_url(&self.url)
            .api_key(KEY)
            .retry_delay(Duration::from_millis(20), Duration::from_millis(100))
            .build()
            .expect("a client")
    }

    fn reset(&self) {
        for (m, p) in [
            ("POST", "/__mock/reset"),
            ("DELETE", "/__mock/faults"),
            ("DELETE", "/__mock/requests"),
        ] {
            let r = self
                .admin
                .request(m.parse().unwrap(), format!("{}{p}", self.url))
                .send()
                .unwrap();
            assert!(r.status().is_success(), "{m} {p}: {}", r.status());
        }
    }

    fn fault(&self, fault: Value) {
        let r = self
            .admin
            .post(format!("{}/__mock/faults", self.url))
            .header("Content-Type", "application/json")
            .body(fault.to_string())
            .send()
            .unwrap();
        assert_eq!(r.status().as_u16(), 201, "fault {fault}");
    }

    fn requests(&self, operation: &str) -> Vec<Value> {
        let body = self
            .admin
            .get(format!("{}/__mock/requests", self.url))
            .send()
            .unwrap()
            .bytes()
            .unwrap();
        let all: Value = serde_json::from_slice(&body).unwrap();
        all.as_array()
            .unwrap()
            .iter()
            .filter(|r| r["operation_id"] == operation)
            .cloned()
            .collect()
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback server answering each request with the next canned response (raw HTTP text);
/// the requests it saw come back from `join`.
fn canned(responses: Vec<String>) -> (String, std::thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for response in responses {
            let Ok((mut conn, _)) = listener.accept() else {
                break;
            };
            let mut buf = vec![0u8; 65536];
            let mut got = Vec::new();
            while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                match conn.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                }
            }
            seen.push(String::from_utf8_lossy(&got).into_owned());
            let _ = conn.write_all(response.as_bytes());
        }
        seen
    });
    (url, handle)
}

fn http(status: &str, headers: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn new_agent(c: &AgentTrustClient, name: &str) -> agenttrustid::Agent {
    c.agents()
        .create(&CreateAgentRequest {
            name: name.into(),
            capabilities: Some(vec!["web:search".into()]),
            ..Default::default()
        })
        .expect("create")
}

fn retries_reuse_one_idempotency_key(m: &Mock) {
    m.fault(json!({"operation": "createAgent", "kind": "status", "status": 503, "times": 2}));
    new_agent(&m.client(), "retry-bot");
    let reqs = m.requests("createAgent");
    assert_eq!(reqs.len(), 3, "two retries");
    let key = &reqs[0]["headers"]["idempotency-key"];
    assert!(
        key.as_str().is_some_and(|k| k.len() == 36),
        "a UUID key: {key}"
    );
    assert!(
        reqs.iter().all(|r| &r["headers"]["idempotency-key"] == key),
        "the same key on every attempt"
    );
    new_agent(&m.client(), "second-bot");
    let reqs = m.requests("createAgent");
    assert_ne!(
        &reqs[3]["headers"]["idempotency-key"], key,
        "a new logical call gets a new key"
    );
}

fn retries_stop_at_max_retries_and_skip_4xx(m: &Mock) {
    m.fault(json!({"operation": "listAgents", "kind": "status", "status": 500}));
    let c = m.client();
    let e = c.agents().list().unwrap_err();
    assert!(
        matches!(
            e,
            AgentTrustError::InternalServer {
                status: Some(500),
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(m.requests("listAgents").len(), 3);
    let e = c.agents().get("agt_missing").unwrap_err();
    assert!(matches!(e, AgentTrustError::NotFound { .. }), "{e:?}");
    assert_eq!(m.requests("getAgent").len(), 1, "a 404 is not retried");
    let once = AgentTrustClient::builder()
        .base_url(&m.url)
        .api_key(KEY)
        .max_retries(0)
        .build()
        .unwrap();
    once.agents().list().unwrap_err();
    assert_eq!(
        m.requests("listAgents").len(),
        4,
        "max_retries(0) sends once"
    );
}

fn retry_after_is_honoured(m: &Mock) {
    m.fault(json!({"operation": "listAgents", "kind": "status", "status": 429, "retry_after": 1, "times": 1}));
    let started = Instant::now();
    m.client().agents().list().unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );
}

fn garbage_retry_after_falls_back_to_backoff(_: &Mock) {
    let busy = http("503 Service Unavailable", "Retry-After: soon-ish\r\n", "{}");
    let ok = http(
        "200 OK",
        "Content-Type: application/json\r\n",
        r#"{"agents":[]}"#,
    );
    let (url, server) = canned(vec![busy, ok]);
    let c = AgentTrustClient::builder()
        .base_url(url)
        .api_key(KEY)
        .retry_delay(Duration::from_millis(10), Duration::from_millis(50))
        .build()
        .unwrap();
    let started = Instant::now();
    assert_eq!(c.agents().list().unwrap().len(), 0);
    assert!(started.elapsed() < Duration::from_millis(900));
    assert_eq!(server.join().unwrap().len(), 2);
}

fn timeouts_cover_the_attempt(m: &Mock) {
    m.fault(json!({"operation": "listAgents", "kind": "latency", "latency_ms": 1500, "times": 1}));
    let c = AgentTrustClient::builder()
        .base_url(&m.url)
        .api_key(KEY)
        .timeout(Duration::from_millis(300))
        .max_retries(0)
        .build()
        .unwrap();
    let started = Instant::now();
    let e = c.agents().list().unwrap_err();
    assert_eq!(e.code(), &ErrorCode::Timeout, "{e:?}");
    assert!(matches!(&e, AgentTrustError::Network(n) if n.is_timeout()));
    assert!(
        started.elapsed() < Duration::from_millis(1200),
        "{:?}",
        started.elapsed()
    );
}

fn redirects_are_never_followed(_: &Mock) {
    let target = TcpListener::bind("127.0.0.1:0").unwrap();
    let target_host = target.local_addr().unwrap().to_string();
    target.set_nonblocking(true).unwrap();
    for status in [
        "301 Moved Permanently",
        "302 Found",
        "307 Temporary Redirect",
        "308 Permanent Redirect",
    ] {
        let location = format!("Location: http://{target_host}/api/v1/agenttrust/check\r\n");
        let (url, server) = canned(vec![http(status, &location, "")]);
        let c = AgentTrustClient::builder()
            .base_url(url)
            .api_key(KEY)
            .build()
            .unwrap();
        let e = c.agents().get("agt_1").unwrap_err();
        assert!(
            matches!(e, AgentTrustError::InvalidResponse { .. }),
            "{status}: {e:?}"
        );
        assert_eq!(e.details()["location_host"], json!(target_host));
        assert!(e.to_string().contains("not followed"));
        server.join().unwrap();
    }
    assert!(
        target.accept().is_err(),
        "the redirect target was never contacted"
    );
}

fn answers_over_the_size_cap_are_refused(_: &Mock) {
    let big = format!(r#"{{"agents":[],"pad":"{}"}}"#, "x".repeat(4096));
    let chunked = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{big}\r\n0\r\n\r\n", big.len());
    let (url, server) = canned(vec![
        http("200 OK", "Content-Type: application/json\r\n", &big),
        chunked,
    ]);
    let c = AgentTrustClient::builder()
        .base_url(url)
        .api_key(KEY)
        .max_response_bytes(1024)
        .build()
        .unwrap();
    for _ in 0..2 {
        let e = c.agents().list().unwrap_err();
        assert!(e.to_string().contains("larger than 1024 bytes"), "{e}");
        assert_eq!(e.code(), &ErrorCode::InvalidResponse);
    }
    server.join().unwrap();
}

fn bodyless_posts_send_content_length_zero(m: &Mock) {
    let c = m.client();
    let agent = new_agent(&c, "card-bot");
    c.agent_cards().generate(&agent.id).unwrap();
    let reqs = m.requests("generateAgentCard");
    assert_eq!(reqs[0]["headers"]["content-length"], "0");
    assert!(reqs[0]["headers"].get("transfer-encoding").is_none());
    assert!(reqs[0]["headers"].get("content-type").is_none());
}

fn path_ids_are_checked_before_sending(m: &Mock) {
    let c = m.client();
    for id in ["", ".", ".."] {
        let e = c.agents().get(id).unwrap_err();
        assert!(
            matches!(e, AgentTrustError::Validation { status: None, .. }),
            "{id:?}: {e:?}"
        );
        assert_eq!(e.details()["field"], "agent_id");
    }
    assert!(m.requests("getAgent").is_empty());
    let e = c.agents().get("a/b?c").unwrap_err();
    assert!(
        matches!(e, AgentTrustError::NotFound { .. }),
        "escaped, not a new path: {e:?}"
    );
}

fn the_key_never_appears(_: &Mock) {
    let secret = "sk_live_very_secret_key";
    let echo = http(
        "400 Bad Request",
        "Content-Type: application/json\r\n",
        &format!(r#"{{"code":"VALIDATION_ERROR","message":"bad key {secret}\nforged line"}}"#),
    );
    let (url, server) = canned(vec![echo]);
    let c = AgentTrustClient::builder()
        .base_url(url)
        .api_key(secret)
        .build()
        .unwrap();
    let e = c.agents().get("agt_1").unwrap_err();
    for text in [e.to_string(), format!("{e:?}"), format!("{c:?}")] {
        assert!(!text.contains(secret), "{text}");
    }
    assert!(e.to_string().contains("[redacted]\\nforged line"), "{e}");
    server.join().unwrap();
}

fn secrets_are_masked_in_debug(m: &Mock) {
    let c = m.client();
    let agent = new_agent(&c, "token-bot");
    let token = c
        .tokens()
        .issue(&agenttrustid::IssueTokenRequest {
            agent_id: agent.id,
            scope: vec!["web:search".into()],
            ..Default::default()
        })
        .unwrap();
    let printed = format!("{token:?}");
    assert!(
        !printed.contains(&token.token) && printed.contains("[redacted]"),
        "{printed}"
    );
}

fn clients_and_guards_are_send_and_sync(_: &Mock) {
    fn both<T: Send + Sync>() {}
    both::<AgentTrustClient>();
    both::<AgentTrustGuard>();
    both::<AgentTrustError>();
}

fn a_guard_dropped_inside_an_async_runtime_flushes_without_panicking(m: &Mock) {
    let client = m.client();
    let agent = new_agent(&client, "async-bot");
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async move {
        let guard = AgentTrustGuard::builder(client, &agent.id).build();
        guard.report("web_search", true, 3);
        drop(guard);
    });
    let reqs = m.requests("reportTelemetry");
    assert_eq!(reqs.len(), 1, "the report was flushed on drop");
    assert_eq!(reqs[0]["body"]["events"][0]["tool_name"], "web_search");
}

fn the_guide_flow_runs(m: &Mock) {
    let c = m.client();
    let agent = new_agent(&c, "guide-bot");
    let guard = AgentTrustGuard::builder(c.clone(), &agent.id)
        .fail_open(false)
        .block_on_deny(true)
        .action_effect("read")
        .build();
    guard.check("web_search", "AI news").unwrap();
    match guard.check_with_effect("db_delete", "drop table users", "destructive") {
        Err(AgentTrustError::ActionDenied { check_id, .. }) => assert!(check_id.is_some()),
        Err(AgentTrustError::ElevationRequired {
            approval_id,
            message,
        }) => {
            assert!(!message.is_empty());
            c.approvals()
                .approve(&approval_id, "admin@company.com")
                .unwrap();
            guard
                .check_with_effect("db_delete", "drop table users", "destructive")
                .unwrap();
        }
        other => panic!("{other:?}"),
    }
    guard.report("web_search", true, 12);
    guard.flush().unwrap();
    assert_eq!(guard.stats().sent, 1);
}

/// The async client (feature `async`) runs the same operations from a tokio runtime.
#[cfg(feature = "async")]
fn the_async_client_runs_operations(m: &Mock) {
    let client = agenttrustid::AsyncAgentTrustClient::from(m.client());
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let agents = rt
        .block_on(async {
            client.run(|c| c.health()).await?;
            client.run(|c| c.agents().list()).await
        })
        .unwrap();
    assert!(agents.is_empty());
    let e = rt
        .block_on(client.run(|c| c.agents().get("agt_missing")))
        .unwrap_err();
    assert!(matches!(e, AgentTrustError::NotFound { .. }));
}

/// The guide's snippets (`examples/guide.rs`, which `cargo test` builds) run against the mock.
fn the_guide_example_runs(m: &Mock) {
    let exe = std::env::current_exe().unwrap();
    let guide = exe
        .parent()
        .and_then(|deps| deps.parent())
        .unwrap()
        .join("examples/guide");
    let out = Command::new(&guide)
        .env("AGENTTRUST_URL", &m.url)
        .env("AGENTTRUST_API_KEY", KEY)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", guide.display()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Status: approved"), "{stdout}");
}

type Test = fn(&Mock);

fn main() {
    let tests: &[(&str, Test)] = &[
        (
            "retries_reuse_one_idempotency_key",
            retries_reuse_one_idempotency_key,
        ),
        (
            "retries_stop_at_max_retries_and_skip_4xx",
            retries_stop_at_max_retries_and_skip_4xx,
        ),
        ("retry_after_is_honoured", retry_after_is_honoured),
        (
            "garbage_retry_after_falls_back_to_backoff",
            garbage_retry_after_falls_back_to_backoff,
        ),
        ("timeouts_cover_the_attempt", timeouts_cover_the_attempt),
        ("redirects_are_never_followed", redirects_are_never_followed),
        (
            "answers_over_the_size_cap_are_refused",
            answers_over_the_size_cap_are_refused,
        ),
        (
            "bodyless_posts_send_content_length_zero",
            bodyless_posts_send_content_length_zero,
        ),
        (
            "path_ids_are_checked_before_sending",
            path_ids_are_checked_before_sending,
        ),
        ("the_key_never_appears", the_key_never_appears),
        ("secrets_are_masked_in_debug", secrets_are_masked_in_debug),
        (
            "clients_and_guards_are_send_and_sync",
            clients_and_guards_are_send_and_sync,
        ),
        (
            "a_guard_dropped_inside_an_async_runtime_flushes_without_panicking",
            a_guard_dropped_inside_an_async_runtime_flushes_without_panicking,
        ),
        ("the_guide_flow_runs", the_guide_flow_runs),
        ("the_guide_example_runs", the_guide_example_runs),
        #[cfg(feature = "async")]
        (
            "the_async_client_runs_operations",
            the_async_client_runs_operations,
        ),
    ];
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let mock = Mock::start();
    let (mut passed, mut failed) = (0, 0);
    for (name, test) in tests {
        if filter.as_ref().is_some_and(|f| !name.contains(f.as_str())) {
            continue;
        }
        mock.reset();
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| test(&mock))) {
            Ok(()) => {
                passed += 1;
                println!("ok   {name}");
            }
            Err(_) => {
                failed += 1;
                println!("FAIL {name}");
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    drop(mock);
    std::process::exit(i32::from(failed > 0));
}
