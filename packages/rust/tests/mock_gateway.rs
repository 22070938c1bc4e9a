//! Rust-specific behaviour against the mock gateway CLI and small canned loopback servers:
//! retries and their Idempotency-Key, Retry-After, timeouts, redirects, the size cap, body-less
//! POSTs, path ids, secrets, Send + Sync, issue 16's hostile answers and bad input (a 600 MB
//! answer, a dripped body, bad keys and deep bodies, control characters, telemetry backoff), a guard dropped inside an async runtime, and agent
//! identity (guarded checks with credentials under both org flags, single-flight renewal, no
//! key, token or proof in any printout or error); issue 15's raw responses, defaults from the
//! environment, the missing-key rule and `AGENTTRUST_LOG` (the env-dependent checks run this
//! binary again as a child with `--child <mode>`, so the parent's environment stays untouched).
//! A `harness = false` test: it starts the mock once (stopped on Drop) and prints
//! `N passed, N failed`.

use agenttrustid::{
    ActionCheckRequest, AgentCredentials, AgentTrustClient, AgentTrustError, AgentTrustGuard,
    CreateAgentRequest, ErrorCode, UpdateSecuritySettingsRequest,
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
    assert!(matches!(&e, AgentTrustError::Timeout(n) if n.is_timeout()));
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
        assert!(
            !e.to_string().contains("/agenttrust/check"),
            "host only: {e}"
        );
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

/// A loopback server that answers one request with `head`, then calls `body` with the
/// connection until it returns false or the client hangs up.
fn streaming(
    head: String,
    mut body: impl FnMut(&mut std::net::TcpStream) -> bool + Send + 'static,
) -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let Ok((mut conn, _)) = listener.accept() else {
            return;
        };
        let mut buf = [0u8; 65536];
        let mut got = Vec::new();
        while !got.windows(4).any(|w| w == b"\r\n\r\n") {
            match conn.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
        if conn.write_all(head.as_bytes()).is_err() {
            return;
        }
        while body(&mut conn) {}
    });
    (url, handle)
}

fn a_600_mb_answer_stops_at_the_cap_quickly(_: &Mock) {
    const TOTAL: usize = 600 << 20;
    let chunk = vec![b' '; 1 << 20];
    for chunked in [true, false] {
        let head = if chunked {
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_owned()
        } else {
            format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {TOTAL}\r\nConnection: close\r\n\r\n")
        };
        let (mut sent, data) = (0usize, chunk.clone());
        let (url, server) = streaming(head, move |conn| {
            let framed = if chunked {
                [format!("{:x}\r\n", data.len()).as_bytes(), &data, b"\r\n"].concat()
            } else {
                data.clone()
            };
            sent += data.len();
            sent < TOTAL && conn.write_all(&framed).is_ok()
        });
        let c = AgentTrustClient::builder()
            .base_url(url)
            .api_key(KEY)
            .max_retries(0)
            .build()
            .unwrap();
        let started = Instant::now();
        let e = c.agents().list().unwrap_err();
        let took = started.elapsed();
        assert_eq!(e.code(), &ErrorCode::InvalidResponse, "{e:?}");
        assert!(e.to_string().contains("larger than"), "{e}");
        assert!(
            took < Duration::from_secs(10),
            "chunked={chunked}: {took:?}"
        );
        println!("     600 MB answer (chunked={chunked}): refused at the 32 MiB cap in {took:?}");
        server.join().unwrap();
    }
}

fn a_dripped_body_ends_at_the_whole_attempt_deadline(_: &Mock) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n".to_owned();
    let (url, server) = streaming(head, |conn| {
        std::thread::sleep(Duration::from_millis(300));
        conn.write_all(b" ").is_ok()
    });
    let c = AgentTrustClient::builder()
        .base_url(url)
        .api_key(KEY)
        .timeout(Duration::from_secs(1))
        .max_retries(0)
        .build()
        .unwrap();
    let started = Instant::now();
    let e = c.agents().list().unwrap_err();
    let took = started.elapsed();
    assert_eq!(e.code(), &ErrorCode::Timeout, "{e:?}");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_millis(1800),
        "{took:?}"
    );
    println!("     1 byte / 300 ms with timeout 1 s: Timeout after {took:?}");
    server.join().unwrap();
}

fn bad_input_gives_typed_errors_and_sends_nothing(m: &Mock) {
    let e = AgentTrustClient::builder()
        .base_url(&m.url)
        .api_key(KEY)
        .timeout(Duration::ZERO)
        .build()
        .unwrap_err();
    assert!(matches!(e, AgentTrustError::Configuration { .. }), "{e:?}");
    for key in [
        "sk_test_bad\n",
        "sk_test_bad\r\nX-Injected: 1",
        "sk_test_bad\u{7f}",
        "sk_tëst_bad",
    ] {
        let outcome = AgentTrustClient::builder()
            .base_url(&m.url)
            .api_key(key)
            .max_retries(0)
            .build()
            .and_then(|c| c.agents().list().map(|_| ()));
        let e = outcome.unwrap_err();
        assert!(
            matches!(e, AgentTrustError::Configuration { .. }),
            "{key:?}: {e:?}"
        );
        for text in [e.to_string(), format!("{e:?}")] {
            assert!(!text.contains("sk_t"), "{text}");
        }
    }
    assert!(m.requests("listAgents").is_empty());
    let c = m.client();
    let deep = (0..200).fold(json!("leaf"), |inner, _| json!({ "k": inner }));
    let Value::Object(metadata) = deep else {
        unreachable!("an object")
    };
    let e = c
        .agents()
        .create(&CreateAgentRequest {
            name: "deep-bot".into(),
            metadata: Some(metadata),
            ..Default::default()
        })
        .unwrap_err();
    assert!(
        matches!(e, AgentTrustError::Validation { status: None, .. }),
        "{e:?}"
    );
    assert!(m.requests("createAgent").is_empty());
    let huge = AgentTrustClient::builder()
        .base_url(&m.url)
        .api_key(KEY)
        .timeout(Duration::MAX)
        .build()
        .and_then(|c| c.agents().list().map(|_| ()));
    assert!(
        huge.is_ok(),
        "Duration::MAX means no deadline, no overflow: {huge:?}"
    );
}

fn gateway_messages_are_escaped_and_capped(_: &Mock) {
    let message = format!("\u{1b}[31mred\u{7}\r\nforged: line {}", "x".repeat(5000));
    let body = json!({"code": "VALIDATION_ERROR", "message": message}).to_string();
    let (url, server) = canned(vec![http(
        "400 Bad Request",
        "Content-Type: application/json\r\n",
        &body,
    )]);
    let c = AgentTrustClient::builder()
        .base_url(url)
        .api_key(KEY)
        .build()
        .unwrap();
    let e = c.agents().list().unwrap_err();
    assert!(
        !e.message().chars().any(|ch| ch.is_control()),
        "{:?}",
        e.message()
    );
    assert!(e.message().starts_with("\\u001b[31mred"), "{}", e.message());
    assert!(e.message().chars().count() <= 1001, "{}", e.message().len());
    server.join().unwrap();
}

fn failed_telemetry_batches_back_off(m: &Mock) {
    m.fault(json!({"operation": "reportTelemetry", "kind": "status", "status": 503}));
    let client = m.client();
    let agent = new_agent(&client, "telemetry-bot");
    let guard = AgentTrustGuard::builder(client, &agent.id)
        .flush_interval(Duration::from_millis(200))
        .batch_size(10)
        .build();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(3) {
        for _ in 0..10 {
            guard.report("web_search", true, 1);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let requests = m.requests("reportTelemetry").len();
    let stats = guard.stats();
    drop(guard);
    println!(
        "     3 s of 503s, a full batch every 10 ms, interval 200 ms: {requests} requests ({} failed batches)",
        stats.failed_batches
    );
    assert!(stats.failed_batches >= 2, "{stats:?}");
    assert!(requests <= 8 * 3, "{requests} requests: no backoff");
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
    // A transport failure (nothing listens): the error and its whole cause chain.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let c = AgentTrustClient::builder()
        .base_url(url)
        .api_key(secret)
        .max_retries(0)
        .build()
        .unwrap();
    let e = c.agents().get("agt_1").unwrap_err();
    let mut chain = vec![e.to_string(), format!("{e:?}")];
    let mut cause = std::error::Error::source(&e);
    while let Some(inner) = cause {
        chain.extend([inner.to_string(), format!("{inner:?}")]);
        cause = inner.source();
    }
    for text in chain {
        assert!(!text.contains(secret), "{text}");
    }
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
    let agent_id = agent.id.clone();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async move {
        let guard = AgentTrustGuard::builder(client, &agent.id).build();
        guard.report("web_search", true, 3);
        drop(guard);
    });
    // Only this agent's batches: another test's guard may still be flushing from its own thread.
    let reqs: Vec<Value> = m
        .requests("reportTelemetry")
        .into_iter()
        .filter(|r| r["body"]["agent_id"] == agent_id.as_str())
        .collect();
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

fn enforce_identity(c: &AgentTrustClient) {
    c.orgs()
        .update_security_settings_with(&UpdateSecuritySettingsRequest {
            require_proof_of_possession: Some(true),
            require_sender_constrained_tokens: Some(true),
        })
        .expect("org flags");
}

fn guarded_checks_with_credentials_pass_both_org_flags(m: &Mock) {
    let c = m.client();
    let agent = new_agent(&c, "dpop-bot");
    enforce_identity(&c);
    let creds = AgentCredentials::new(&c, &agent.id);
    let guard = AgentTrustGuard::builder(c.clone(), &agent.id)
        .credentials(creds.clone())
        .build();
    guard
        .check("web_search", "AI news")
        .expect("allowed with credentials");
    guard
        .check("web_search", "again")
        .expect("a fresh proof per check");
    let checks = m.requests("checkAction");
    assert_eq!(checks.len(), 2);
    for r in &checks {
        assert!(r["headers"]["authorization"].is_string(), "{r}");
        assert!(r["headers"]["dpop"].is_string(), "{r}");
    }
    assert_eq!(
        m.requests("issueWimseToken").len(),
        1,
        "one token serves both"
    );
    let req = ActionCheckRequest {
        agent_id: agent.id.clone(),
        tool_name: "web_search".into(),
        ..Default::default()
    };
    let result = c.actions().with_credentials(&creds).check(&req).unwrap();
    assert!(result.allowed);
    // A token the gateway no longer accepts: one 401, a new token, the same call again.
    m.admin
        .post(format!("{}/__mock/clock", m.url))
        .header("Content-Type", "application/json")
        .body(r#"{"advance_ms": 86400000}"#)
        .send()
        .unwrap();
    let before = m.requests("checkAction").len();
    guard.check("web_search", "after renewal").expect("renewed");
    assert_eq!(m.requests("issueWimseToken").len(), 2);
    assert_eq!(
        m.requests("checkAction").len(),
        before + 2,
        "refused, then retried"
    );
    let plain = AgentTrustGuard::builder(c.clone(), &agent.id).build();
    let e = plain.check("web_search", "no credentials").unwrap_err();
    assert!(
        matches!(
            e,
            AgentTrustError::Authentication {
                status: Some(401),
                ..
            }
        ),
        "{e:?}"
    );
    let e = c.actions().check(&req).unwrap_err();
    assert_eq!(e.code(), &ErrorCode::AuthFailed);
}

fn credentials_renew_once_under_concurrency(m: &Mock) {
    let c = m.client();
    let agent = new_agent(&c, "flight-bot");
    let creds = AgentCredentials::new(&c, &agent.id);
    let url = format!("{}/api/v1/agenttrust/check", m.url);
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let (creds, url) = (creds.clone(), url.clone());
            std::thread::spawn(move || creds.headers("POST", &url).unwrap())
        })
        .collect();
    let headers: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(m.requests("issueWimseToken").len(), 1, "single flight");
    assert!(headers
        .iter()
        .all(|h| h.authorization == headers[0].authorization));
    let proofs: std::collections::HashSet<_> = headers.iter().map(|h| &h.dpop).collect();
    assert_eq!(proofs.len(), 8, "a fresh proof each");
}

fn identity_secrets_never_show(m: &Mock) {
    let c = m.client();
    let agent = new_agent(&c, "secret-bot");
    let pair = c
        .key_store()
        .get(&agent.id)
        .unwrap()
        .expect("the generated pair is kept");
    let private = pair.private_key_pem();
    let private_body = private.lines().nth(1).unwrap().to_owned();
    let creds = AgentCredentials::new(&c, &agent.id);
    let h = creds.headers("POST", &format!("{}/x", m.url)).unwrap();
    let token = h.authorization.trim_start_matches("Bearer ").to_owned();
    // A gateway that echoes the token in its error: the error does not show it.
    let echo = http(
        "403 Forbidden",
        "Content-Type: application/json\r\n",
        &format!(r#"{{"code":"AUTH_DENIED","message":"refused Bearer {token}"}}"#),
    );
    let (url, server) = canned(vec![echo]);
    let other = AgentTrustClient::builder()
        .base_url(url)
        .api_key(KEY)
        .max_retries(0)
        .build()
        .unwrap();
    let req = ActionCheckRequest {
        agent_id: agent.id.clone(),
        tool_name: "web_search".into(),
        ..Default::default()
    };
    let e = other
        .actions()
        .with_credentials(&creds)
        .check(&req)
        .unwrap_err();
    let seen = server.join().unwrap();
    assert!(
        seen[0].to_lowercase().contains("dpop: "),
        "the proof was sent"
    );
    let missing = c
        .wimse()
        .issue_token_with_proof("agt_without_key", &Default::default())
        .unwrap_err();
    assert!(
        matches!(&missing, AgentTrustError::KeyNotFound { agent_id, .. } if agent_id == "agt_without_key"),
        "{missing:?}"
    );
    assert!(missing.to_string().contains("agt_without_key"));
    for text in [
        e.to_string(),
        format!("{e:?}"),
        format!("{creds:?}"),
        format!("{h:?}"),
        format!("{pair:?}"),
        format!("{pair}"),
        format!("{missing:?}"),
        format!("{:?}", c.key_store().get(&agent.id).unwrap()),
    ] {
        assert!(!text.contains(&token), "{text}");
        assert!(!text.contains(&h.dpop), "{text}");
        assert!(
            !text.contains(&private_body) && !text.contains("PRIVATE KEY"),
            "{text}"
        );
    }
    // An explicit public key is sent as is and nothing is stored.
    let kept = c
        .agents()
        .create(&CreateAgentRequest {
            name: "own-key-bot".into(),
            public_key: Some(pair.public_key_pem()),
            ..Default::default()
        })
        .unwrap();
    assert!(c.key_store().get(&kept.id).unwrap().is_none());
}

fn raw_responses_carry_status_headers_and_request_id(m: &Mock) {
    let c = m.client();
    let raw = c
        .with_raw_response()
        .agents()
        .create(&CreateAgentRequest {
            name: "raw-bot".into(),
            ..Default::default()
        })
        .expect("a raw create");
    assert!((200..300).contains(&raw.status_code()), "{raw:?}");
    let rid = raw
        .request_id()
        .expect("the mock sends X-Request-Id")
        .to_owned();
    assert_eq!(raw.headers().get("x-request-id"), Some(rid.as_str()));
    assert_eq!(raw.headers().get("X-Request-ID"), Some(rid.as_str()));
    assert!(raw.headers().iter().any(|(k, _)| k == "content-type"));
    assert_eq!(
        m.requests("createAgent").len(),
        1,
        "the raw response needs no second request"
    );
    let agent = raw.parse();
    assert_eq!(agent.name, "raw-bot");
    // Resources with arguments structs, `_with` twins, root operations and credentials.
    let got = c.with_raw_response().agents().get(&agent.id).unwrap();
    assert_eq!(got.status_code(), 200);
    assert_eq!(got.data().id, agent.id);
    assert_ne!(got.request_id(), Some(rid.as_str()));
    let listed = c.with_raw_response().agents().list().unwrap();
    assert!(listed.data().iter().any(|a| a.id == agent.id));
    let health = c.with_raw_response().health().unwrap();
    assert_eq!(health.status_code(), 200);
    assert!(health.request_id().is_some());
    // The typed methods are unchanged and keep no headers.
    assert_eq!(c.agents().get(&agent.id).unwrap().id, agent.id);
    // Errors keep the request id as before.
    let e = c
        .with_raw_response()
        .agents()
        .get("agt_missing")
        .unwrap_err();
    assert!(matches!(e, AgentTrustError::NotFound { .. }), "{e:?}");
    assert!(e.request_id().is_some());
}

/// Runs this test binary as a child (`--child <mode> [url]`) with `env` set and every other
/// `AGENTTRUST_*` variable removed; returns its stdout and stderr.
fn child(mode: &str, url: &str, env: &[(&str, &str)]) -> (String, String) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--child", mode, url]);
    for (k, _) in std::env::vars() {
        if k.starts_with("AGENTTRUST_") {
            cmd.env_remove(k);
        }
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("the test binary runs as a child");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "child {mode}: {stdout}\n{stderr}");
    (stdout, stderr)
}

/// What a child sees of its environment: the builder's base URL, `from_env`, and an operation
/// that needs the key on a client built without one (what it sent is in the mock's journal).
fn child_env(url: &str) {
    let show = |r: agenttrustid::Result<AgentTrustClient>| match r {
        Ok(c) => format!("ok {}", c.base_url()),
        Err(e) => format!(
            "{} {} {}",
            e.class_name(),
            e.details()["field"],
            e.message()
        ),
    };
    println!("builder: {}", show(AgentTrustClient::builder().build()));
    println!("from_env: {}", show(AgentTrustClient::from_env()));
    println!(
        "explicit: {}",
        show(AgentTrustClient::builder().base_url(url).build())
    );
    let keyless = AgentTrustClient::builder()
        .base_url(url)
        .max_retries(0)
        .build()
        .unwrap();
    match keyless.agents().list() {
        Ok(_) => println!("list: ok"),
        Err(e) => println!("list: {} {}", e.class_name(), e.message()),
    }
    println!(
        "empty key: {}",
        show(AgentTrustClient::builder().api_key("").build())
    );
}

fn line<'a>(out: &'a str, prefix: &str) -> &'a str {
    out.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} in {out}"))
}

fn defaults_come_from_arguments_then_the_environment(m: &Mock) {
    let (out, _) = child("env", &m.url, &[]);
    assert_eq!(line(&out, "builder: "), "ok http://localhost:8080");
    let from_env = line(&out, "from_env: ");
    assert!(
        from_env.starts_with("ConfigurationError \"api_key\"")
            && from_env.contains("AGENTTRUST_API_KEY"),
        "{from_env}"
    );
    assert_eq!(line(&out, "explicit: "), format!("ok {}", m.url));
    let list = line(&out, "list: ");
    assert!(
        list.starts_with("ConfigurationError")
            && list.contains("no API key: pass api_key or set AGENTTRUST_API_KEY"),
        "{list}"
    );
    assert!(
        m.requests("listAgents").is_empty(),
        "nothing sent without a key"
    );
    assert!(
        line(&out, "empty key: ").starts_with("ConfigurationError \"api_key\""),
        "{out}"
    );
    // AGENTTRUST_URL before AGENTTRUST_BASE_URL; "" counts as unset; the argument wins.
    let (out, _) = child(
        "env",
        &m.url,
        &[
            ("AGENTTRUST_URL", &m.url),
            ("AGENTTRUST_BASE_URL", "http://base.invalid"),
            ("AGENTTRUST_API_KEY", KEY),
        ],
    );
    assert_eq!(line(&out, "builder: "), format!("ok {}", m.url));
    assert_eq!(line(&out, "from_env: "), format!("ok {}", m.url));
    let (out, _) = child(
        "env",
        "http://arg.invalid",
        &[
            ("AGENTTRUST_URL", ""),
            ("AGENTTRUST_BASE_URL", "http://base.invalid"),
            ("AGENTTRUST_API_KEY", ""),
        ],
    );
    assert_eq!(line(&out, "builder: "), "ok http://base.invalid");
    assert!(line(&out, "from_env: ").starts_with("ConfigurationError"));
    assert_eq!(line(&out, "explicit: "), "ok http://arg.invalid");
    // The key from the environment is used by the builder too.
    let (out, _) = child(
        "env",
        &m.url,
        &[("AGENTTRUST_URL", &m.url), ("AGENTTRUST_API_KEY", KEY)],
    );
    assert_eq!(line(&out, "list: "), "ok");
    // A public operation (an anonymous alternative in the spec) proceeds without a key.
    let c = m.client();
    let agent = new_agent(&c, "card-bot");
    c.agent_cards().generate(&agent.id).unwrap();
    c.agent_cards().publish(&agent.id).unwrap();
    let keyless = AgentTrustClient::builder()
        .base_url(&m.url)
        .build()
        .unwrap();
    keyless
        .agent_cards()
        .get_public(&agent.id)
        .expect("a public card needs no key");
}

/// A child that makes calls with AGENTTRUST_LOG as the parent set it: a success, a 404, and a
/// second client (a bad value warns once per process).
fn child_log(url: &str) {
    let c = AgentTrustClient::builder()
        .base_url(url)
        .api_key(KEY)
        .build()
        .unwrap();
    c.agents().list().unwrap();
    let _ = c.agents().get("agt_missing");
    let _second = AgentTrustClient::builder().base_url(url).build().unwrap();
}

fn agenttrust_log_writes_redacted_lines_to_stderr(m: &Mock) {
    let (_, err) = child("log", &m.url, &[("AGENTTRUST_LOG", "Debug")]);
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines.iter().any(|l| l
            .starts_with("agenttrustid debug GET /api/v1/agents status=200 elapsed_ms=")
            && l.contains(" attempt=1 request_id=")),
        "{err}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with(
            "agenttrustid error GET /api/v1/agents/agt_missing failed: NotFoundError NOT_FOUND status=404 request_id="
        )),
        "{err}"
    );
    assert!(!err.contains(KEY), "{err}");
    assert!(
        lines.iter().all(|l| l.starts_with("agenttrustid ")),
        "{err}"
    );
    // `error` keeps only the failure; `off` and no variable print nothing.
    let (_, err) = child("log", &m.url, &[("AGENTTRUST_LOG", "error")]);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("agenttrustid error "), "{err}");
    for env in [&[("AGENTTRUST_LOG", "off")][..], &[]] {
        let (_, err) = child("log", &m.url, env);
        assert_eq!(err, "", "{env:?}");
    }
    // An unknown value: off, and one warning line for the process (two clients were built).
    let (_, err) = child("log", &m.url, &[("AGENTTRUST_LOG", "verbose")]);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("agenttrustid warn AGENTTRUST_LOG=\"verbose\"")
            && err.contains("off, error, warn, info, debug"),
        "{err}"
    );
}

/// The application's logger (the `log` facade): every event of this crate, target
/// `agenttrustid`, while `CAPTURE` is on.
struct Capture;

static CAPTURE: std::sync::Mutex<Option<Vec<String>>> = std::sync::Mutex::new(None);

impl log::Log for Capture {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.target() == "agenttrustid"
    }
    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        if let Some(lines) = CAPTURE.lock().unwrap().as_mut() {
            lines.push(format!("{} {}", record.level(), record.args()));
        }
    }
    fn flush(&self) {}
}

fn debug_logs_show_each_attempt_and_no_secret(m: &Mock) {
    static LOGGER: Capture = Capture;
    let _ = log::set_logger(&LOGGER);
    log::set_max_level(log::LevelFilter::Debug);
    *CAPTURE.lock().unwrap() = Some(Vec::new());
    let c = m.client();
    let agent = new_agent(&c, "log-bot");
    enforce_identity(&c);
    let creds = AgentCredentials::new(&c, &agent.id);
    let guard = AgentTrustGuard::builder(c.clone(), &agent.id)
        .credentials(creds.clone())
        .build();
    guard.check("web_search", "AI news").expect("allowed");
    guard.report("web_search", true, 3);
    guard.flush().expect("flushed");
    m.fault(json!({"operation": "listAgents", "kind": "status", "status": 503, "times": 1}));
    c.agents().list().expect("after one retry");
    let headers = creds.headers("POST", &m.url).unwrap();
    let token = headers
        .authorization
        .trim_start_matches("Bearer ")
        .to_owned();
    let lines = CAPTURE.lock().unwrap().take().unwrap();
    log::set_max_level(log::LevelFilter::Off);
    let all = lines.join("\n");
    assert!(
        lines.iter().any(
            |l| l.starts_with("DEBUG POST /api/v1/agenttrust/check status=200")
                && l.contains(" attempt=1 request_id=")
        ),
        "{all}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("INFO retrying GET /api/v1/agents in ")
                && l.contains("(retry 1 of 2)")
                && l.ends_with("(HTTP 503)")),
        "{all}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("DEBUG GET /api/v1/agents status=503")),
        "{all}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("INFO telemetry batch sent: 1 events")),
        "{all}"
    );
    for secret in [KEY, token.as_str(), headers.dpop.as_str(), "Bearer", "eyJ"] {
        assert!(!all.contains(secret), "{secret:?} in {all}");
    }
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
            "a_600_mb_answer_stops_at_the_cap_quickly",
            a_600_mb_answer_stops_at_the_cap_quickly,
        ),
        (
            "a_dripped_body_ends_at_the_whole_attempt_deadline",
            a_dripped_body_ends_at_the_whole_attempt_deadline,
        ),
        (
            "bad_input_gives_typed_errors_and_sends_nothing",
            bad_input_gives_typed_errors_and_sends_nothing,
        ),
        (
            "gateway_messages_are_escaped_and_capped",
            gateway_messages_are_escaped_and_capped,
        ),
        (
            "failed_telemetry_batches_back_off",
            failed_telemetry_batches_back_off,
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
        (
            "guarded_checks_with_credentials_pass_both_org_flags",
            guarded_checks_with_credentials_pass_both_org_flags,
        ),
        (
            "credentials_renew_once_under_concurrency",
            credentials_renew_once_under_concurrency,
        ),
        ("identity_secrets_never_show", identity_secrets_never_show),
        (
            "raw_responses_carry_status_headers_and_request_id",
            raw_responses_carry_status_headers_and_request_id,
        ),
        (
            "defaults_come_from_arguments_then_the_environment",
            defaults_come_from_arguments_then_the_environment,
        ),
        (
            "agenttrust_log_writes_redacted_lines_to_stderr",
            agenttrust_log_writes_redacted_lines_to_stderr,
        ),
        (
            "debug_logs_show_each_attempt_and_no_secret",
            debug_logs_show_each_attempt_and_no_secret,
        ),
        #[cfg(feature = "async")]
        (
            "the_async_client_runs_operations",
            the_async_client_runs_operations,
        ),
    ];
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        match args[2].as_str() {
            "env" => child_env(&args[3]),
            "log" => child_log(&args[3]),
            other => panic!("no child mode {other}"),
        }
        return;
    }
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
