//! The conformance driver of the Rust SDK: reads one JSON request per line on stdin, answers one
//! JSON line on stdout (spec/conformance/README.md, "Drivers"). Calls go through the generated
//! dispatch table (`dispatch.rs`); guard steps, vectors and resets are here.

mod dispatch;

use agenttrustid::{ActionEffect, AgentTrustClient, AgentTrustError, AgentTrustGuard};
use serde::de::DeserializeOwned;
use serde::Serialize;
pub use serde_json::Value;
use serde_json::{json, Map};
use std::collections::HashMap;
use std::io::{BufRead, Read, Write};
use std::time::Duration;

/// A failed request: the SDK's own error, or anything else (a driver bug).
pub enum Failure {
    Sdk(AgentTrustError),
    Crash(String),
}

impl From<AgentTrustError> for Failure {
    fn from(e: AgentTrustError) -> Self {
        Self::Sdk(e)
    }
}

type Answer = Result<Value, Failure>;

pub fn answer<T: Serialize>(r: agenttrustid::Result<T>) -> Answer {
    serde_json::to_value(r?).map_err(|e| Failure::Crash(format!("unencodable result: {e}")))
}

/// A JSON-RPC proxy call's result for a scenario: the response's result, or the whole response
/// when it has none (a JSON-RPC error is an answer, not a failure of the call).
pub fn rpc_answer<T: Serialize>(r: agenttrustid::Result<T>) -> Answer {
    let v = answer(r)?;
    match (v.get("result"), v.get("error")) {
        (Some(res), None | Some(Value::Null)) if !res.is_null() => Ok(res.clone()),
        _ => Ok(v),
    }
}

pub fn arg<T: DeserializeOwned>(args: &Map<String, Value>, name: &str) -> Result<T, Failure> {
    let v = args.get(name).cloned().unwrap_or(Value::Null);
    serde_json::from_value(v).map_err(|e| Failure::Crash(format!("arg {name}: {e}")))
}

/// A string argument; a missing one is empty, so the SDK's own check reports it.
pub fn arg_or_default(args: &Map<String, Value>, name: &str) -> Result<String, Failure> {
    match args.get(name) {
        None => Ok(String::new()),
        Some(_) => arg(args, name),
    }
}

pub fn opt_arg<T: DeserializeOwned>(
    args: &Map<String, Value>,
    name: &str,
) -> Result<Option<T>, Failure> {
    match args.get(name) {
        None => Ok(None),
        Some(_) => arg(args, name).map(Some),
    }
}

/// The args other than `taken`, decoded into the body or params struct by its wire names.
pub fn rest<T: DeserializeOwned>(args: &Map<String, Value>, taken: &[&str]) -> Result<T, Failure> {
    let m: Map<String, Value> = args
        .iter()
        .filter(|(k, _)| !taken.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    serde_json::from_value(Value::Object(m)).map_err(|e| Failure::Crash(format!("args: {e}")))
}

/// An argument that also accepts a plain string (the spec's `x-sdk-shorthands`).
pub fn shorthand<T: DeserializeOwned + for<'a> From<&'a str>>(v: Value) -> Result<T, Failure> {
    match v {
        Value::String(s) => Ok(T::from(s.as_str())),
        other => serde_json::from_value(other).map_err(|e| Failure::Crash(format!("arg: {e}"))),
    }
}

pub fn roundtrip<T: DeserializeOwned + Serialize>(value: Value) -> Answer {
    let v: T = serde_json::from_value(value).map_err(|e| Failure::Crash(format!("decode: {e}")))?;
    serde_json::to_value(&v).map_err(|e| Failure::Crash(format!("encode: {e}")))
}

/// The error the wrapped tool raises in a `wrap` step.
#[derive(Debug)]
struct ToolFailure;

impl std::fmt::Display for ToolFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the tool failed")
    }
}

impl std::error::Error for ToolFailure {}

#[derive(Default)]
struct Driver {
    clients: HashMap<String, AgentTrustClient>,
    guard: Option<AgentTrustGuard>,
    guard_client: Option<AgentTrustClient>,
    guard_agent: String,
    guard_options: Map<String, Value>,
    wrapped: u64,
}

fn ms(v: &Value) -> Duration {
    Duration::from_secs_f64(v.as_f64().unwrap_or(0.0) / 1000.0)
}

fn s<'a>(req: &'a Map<String, Value>, k: &str) -> &'a str {
    req.get(k).and_then(Value::as_str).unwrap_or("")
}

impl Driver {
    fn client_for(&mut self, settings: &Value) -> Result<AgentTrustClient, Failure> {
        let key = settings.to_string();
        if let Some(c) = self.clients.get(&key) {
            return Ok(c.clone());
        }
        let mut b = AgentTrustClient::builder().base_url(
            settings
                .get("base_url")
                .and_then(Value::as_str)
                .unwrap_or(""),
        );
        if let Some(k) = settings.get("api_key").and_then(Value::as_str) {
            b = b.api_key(k);
        }
        if let Some(n) = settings.get("max_retries").and_then(Value::as_u64) {
            b = b.max_retries(n as u32);
        }
        if let Some(t) = settings.get("timeout_ms") {
            b = b.timeout(ms(t));
        }
        let c = b.build()?;
        self.clients.insert(key, c.clone());
        Ok(c)
    }

    fn build_guard(
        &self,
        client: AgentTrustClient,
        agent: &str,
        o: &Map<String, Value>,
        session: Option<&str>,
    ) -> agenttrustid::Result<AgentTrustGuard> {
        let mut b = AgentTrustGuard::builder(client, agent);
        if let Some(sid) = session.or_else(|| o.get("session_id").and_then(Value::as_str)) {
            b = b.session_id(sid);
        }
        if let Some(v) = o.get("block_on_deny").and_then(Value::as_bool) {
            b = b.block_on_deny(v);
        }
        if let Some(v) = o.get("fail_open").and_then(Value::as_bool) {
            b = b.fail_open(v);
        }
        if let Some(v) = o.get("log_inputs").and_then(Value::as_bool) {
            b = b.log_inputs(v);
        }
        if let Some(br) = o.get("breaker") {
            b = b.circuit_breaker(
                br.get("failure_threshold")
                    .and_then(Value::as_u64)
                    .unwrap_or(5) as u32,
                ms(br.get("window_ms").unwrap_or(&Value::Null)),
                ms(br.get("cooldown_ms").unwrap_or(&Value::Null)),
            );
        }
        b.try_build()
    }

    fn guard_action(&mut self, req: &Map<String, Value>) -> Answer {
        let action = s(req, "action");
        if action == "create" {
            self.close_guard();
            let client = self.client_for(req.get("client").unwrap_or(&Value::Null))?;
            let agent = s(req, "agent_id").to_owned();
            let options = req
                .get("options")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let g = self.build_guard(client.clone(), &agent, &options, None)?;
            self.guard = Some(g);
            self.guard_client = Some(client);
            self.guard_agent = agent;
            self.guard_options = options;
            self.wrapped = 0;
            return Ok(Value::Null);
        }
        let Some(g) = self.guard.as_ref() else {
            return Err(Failure::Crash(
                "no guard: a guard create request must come first".into(),
            ));
        };
        let effect = req
            .get("action_effect")
            .and_then(Value::as_str)
            .map(ActionEffect::from);
        let input = req.get("input");
        let tool = s(req, "tool");
        match action {
            "check" => Ok(g
                .decide(tool, s(req, "input_summary"), effect, input)?
                .to_json()),
            "report" => {
                let d = req.get("duration_ms").and_then(Value::as_u64).unwrap_or(0);
                match req.get("error_type").and_then(Value::as_str) {
                    Some(t) if !t.is_empty() => g.report_failure(tool, d, t),
                    _ => g.report(
                        tool,
                        req.get("success").and_then(Value::as_bool).unwrap_or(false),
                        d,
                    ),
                }
                Ok(Value::Null)
            }
            "flush" => {
                let _ = g.flush();
                Ok(Value::Null)
            }
            "close" => {
                let _ = g.close();
                Ok(Value::Null)
            }
            "wait_for_approval" => {
                let poll = ms(req.get("poll_interval_ms").unwrap_or(&Value::Null));
                let client = self
                    .guard_client
                    .clone()
                    .ok_or_else(|| Failure::Crash("no guard client".into()))?;
                let mut b =
                    AgentTrustGuard::builder(client, &self.guard_agent).session_id(g.session_id());
                let o = &self.guard_options;
                if let Some(v) = o.get("block_on_deny").and_then(Value::as_bool) {
                    b = b.block_on_deny(v);
                }
                if let Some(v) = o.get("fail_open").and_then(Value::as_bool) {
                    b = b.fail_open(v);
                }
                if let Some(v) = o.get("log_inputs").and_then(Value::as_bool) {
                    b = b.log_inputs(v);
                }
                let waiter = b
                    .approval_wait(
                        ms(req.get("timeout_ms").unwrap_or(&Value::Null)),
                        poll,
                        poll,
                    )
                    .try_build()?;
                let d = waiter.check_and_wait(tool, s(req, "input_summary"), effect, input);
                let _ = waiter.close();
                Ok(d?.to_json())
            }
            "breaker" => Ok(Value::from(g.breaker_state().as_str())),
            "wrap" => {
                let raise = req.get("raise").and_then(Value::as_bool).unwrap_or(false);
                let input = input.cloned().unwrap_or(Value::Null);
                let mut calls = 0;
                let out = g.wrap(tool, effect, &input, |x| {
                    calls += 1;
                    if raise {
                        Err(ToolFailure)
                    } else {
                        Ok(x.clone())
                    }
                });
                self.wrapped += calls;
                match out? {
                    Ok(v) => Ok(json!({ "returned": v })),
                    Err(ToolFailure) => Ok(json!({ "raised": "ToolFailure" })),
                }
            }
            "wrapped_calls" => Ok(Value::from(self.wrapped)),
            other => Err(Failure::Crash(format!("unknown guard action {other:?}"))),
        }
    }

    fn close_guard(&mut self) {
        if let Some(g) = self.guard.take() {
            let _ = g.close();
        }
    }

    fn handle(&mut self, req: &Map<String, Value>) -> Answer {
        match s(req, "op") {
            "call" => {
                let client = self.client_for(req.get("client").unwrap_or(&Value::Null))?;
                let empty = Map::new();
                let args = req.get("args").and_then(Value::as_object).unwrap_or(&empty);
                dispatch::call(&client, s(req, "call"), args)
            }
            "guard" => self.guard_action(req),
            "vector" => vector(req),
            "reset" => {
                self.close_guard();
                self.clients.clear();
                self.guard_client = None;
                Ok(Value::Null)
            }
            other => Err(Failure::Crash(format!("unknown op {other:?}"))),
        }
    }
}

fn vector(req: &Map<String, Value>) -> Answer {
    match s(req, "kind") {
        "digest" => Ok(Value::from(agenttrustid::digest_input(
            req.get("input").unwrap_or(&Value::Null),
        )?)),
        "truncate" => {
            let limit = req.get("limit").and_then(Value::as_u64).unwrap_or(0) as usize;
            Ok(Value::from(agenttrustid::truncate_chars(
                s(req, "text"),
                limit,
            )))
        }
        "status" => status_vector(
            req.get("status").and_then(Value::as_u64).unwrap_or(500) as u16,
            req.get("body").and_then(Value::as_str),
        ),
        "roundtrip" => dispatch::roundtrip_type(
            s(req, "type"),
            req.get("value").cloned().unwrap_or(Value::Null),
        ),
        other => Err(Failure::Crash(format!("unknown vector kind {other:?}"))),
    }
}

/// The error the SDK builds for one answer of a loopback server with this status and body.
fn status_vector(status: u16, body: Option<&str>) -> Answer {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| Failure::Crash(e.to_string()))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Failure::Crash(e.to_string()))?;
    let body = body.map(str::to_owned);
    let server = std::thread::spawn(move || {
        if let Ok((mut conn, _)) = listener.accept() {
            let mut buf = [0u8; 4096];
            let mut seen = Vec::new();
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                match conn.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            let content = body.clone().unwrap_or_default();
            let ctype = if body.is_some() {
                "Content-Type: application/json\r\n"
            } else {
                ""
            };
            let head = format!(
                "HTTP/1.1 {status} X\r\n{ctype}Content-Length: {}\r\nConnection: close\r\n\r\n",
                content.len()
            );
            let _ = conn.write_all(head.as_bytes());
            let _ = conn.write_all(content.as_bytes());
        }
    });
    let client = AgentTrustClient::builder()
        .base_url(format!("http://{addr}"))
        .api_key("sk_vector")
        .max_retries(0)
        .build()?;
    let result = client.agents().get("agt_vector");
    let _ = server.join();
    match result {
        Err(e) => Ok(json!({ "code": e.code().as_str(), "status": e.status() })),
        Ok(_) => Err(Failure::Crash(format!(
            "status {status} gave no AgentTrust error"
        ))),
    }
}

fn wire_error(e: &AgentTrustError) -> Value {
    json!({
        "code": e.code().as_str(),
        "message": e.message(),
        "status": e.status(),
        "details": e.details(),
        "request_id": e.request_id(),
        "text": e.to_string(),
    })
}

fn main() {
    let mut d = Driver::default();
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    let mut lines = stdin.lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        match lines.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        if text.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<Map<String, Value>>(&text) {
            Err(e) => json!({ "id": null, "ok": false, "crash": format!("bad request: {e}") }),
            Ok(req) => {
                let id = req.get("id").cloned().unwrap_or(Value::Null);
                match d.handle(&req) {
                    Ok(result) => json!({ "id": id, "ok": true, "result": result }),
                    Err(Failure::Sdk(e)) => {
                        json!({ "id": id, "ok": false, "error": wire_error(&e) })
                    }
                    Err(Failure::Crash(m)) => json!({ "id": id, "ok": false, "crash": m }),
                }
            }
        };
        let _ = writeln!(out, "{answer}");
        let _ = out.flush();
    }
    d.close_guard();
}
