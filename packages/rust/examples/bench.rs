//! `pnpm --filter @agenttrustid/rust-sdk bench` (a release build): `guard.check` latency as a
//! ratio to a raw reqwest POST of the same check to the same loopback mock gateway (target: at
//! most 1.1), the cost of one `guard.report()` call, and what agent credentials add to a check
//! (a cached WIMSE bearer and a fresh DPoP proof per check, which the mock verifies): the
//! medians with and without them, their ratio, and the client's share (minting one proof); and
//! a typed `agents().get` against the same call through `with_raw_response()`.

use agenttrustid::{
    mint_dpop_proof, AgentCredentials, AgentTrustClient, AgentTrustGuard, CreateAgentRequest,
};
use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const KEY: &str = "sk_test_agenttrust";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let cli = concat!(env!("CARGO_MANIFEST_DIR"), "/../mock-gateway/dist/cli.js");
    let mut mock = Command::new("node")
        .args([cli, "--port", "0", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node runs the mock gateway CLI");
    let mut url = String::new();
    std::io::BufReader::new(mock.stdout.take().expect("stdout"))
        .read_line(&mut url)
        .expect("the mock's URL");
    let url = url.trim().to_owned();

    let client = AgentTrustClient::builder()
        .base_url(&url)
        .api_key(KEY)
        .build()
        .expect("client");
    let agent = client
        .agents()
        .create(&CreateAgentRequest {
            name: "bench-bot".into(),
            capabilities: Some(vec!["web:search".into()]),
            ..Default::default()
        })
        .expect("agent");
    let guard = AgentTrustGuard::builder(client.clone(), &agent.id)
        .session_id("bench-session")
        .action_effect("read")
        .build();

    // The raw baseline: the same check as the guard sends it, on a keep-alive reqwest client.
    let raw = reqwest::blocking::Client::builder()
        .build()
        .expect("raw client");
    let check_url = format!("{url}/api/v1/agenttrust/check");
    let body = serde_json::json!({
        "agent_id": agent.id, "action_name": "web_search", "action_source": "api",
        "session_id": "bench-session", "action_effect": "read",
    })
    .to_string();
    let raw_check = || {
        let r = raw
            .post(&check_url)
            .header("X-API-Key", KEY)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .body(body.clone())
            .send()
            .expect("raw POST");
        assert!(r.status().is_success());
        r.bytes().expect("body");
    };
    let sdk_check = || guard.check("web_search", "").expect("allowed");

    for _ in 0..300 {
        raw_check();
        sdk_check();
    }
    let (mut raw_t, mut sdk_t) = (Vec::new(), Vec::new());
    for _ in 0..10 {
        for _ in 0..200 {
            let t = Instant::now();
            raw_check();
            raw_t.push(t.elapsed());
        }
        for _ in 0..200 {
            let t = Instant::now();
            sdk_check();
            sdk_t.push(t.elapsed());
        }
    }
    let (raw_m, sdk_m) = (median(raw_t), median(sdk_t));
    println!("raw reqwest POST /api/v1/agenttrust/check: median {raw_m:?} (2000 calls)");
    println!("guard.check:                              median {sdk_m:?} (2000 calls)");
    println!(
        "ratio guard.check / raw POST: {:.3} (target <= 1.1)",
        sdk_m.as_secs_f64() / raw_m.as_secs_f64()
    );

    let creds = AgentCredentials::new(&client, &agent.id);
    let bound = AgentTrustGuard::builder(client.clone(), &agent.id)
        .session_id("bench-session")
        .action_effect("read")
        .credentials(creds)
        .build();
    let bound_check = || {
        bound
            .check("web_search", "")
            .expect("allowed with credentials")
    };
    for _ in 0..50 {
        bound_check();
    }
    let pair = client
        .key_store()
        .get(&agent.id)
        .expect("key store")
        .expect("the generated key pair");
    let (mut plain_t, mut dpop_t, mut mint_t) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..2000 {
        // Alternate the order so neither side always runs on a warmer connection.
        let timed = |f: &dyn Fn(), into: &mut Vec<Duration>| {
            let t = Instant::now();
            f();
            into.push(t.elapsed());
        };
        if i % 2 == 0 {
            timed(&sdk_check, &mut plain_t);
            timed(&bound_check, &mut dpop_t);
        } else {
            timed(&bound_check, &mut dpop_t);
            timed(&sdk_check, &mut plain_t);
        }
        let t = Instant::now();
        mint_dpop_proof(&pair, "POST", &check_url, Some("token")).expect("proof");
        mint_t.push(t.elapsed());
    }
    let (plain_m, dpop_m, mint_m) = (median(plain_t), median(dpop_t), median(mint_t));
    println!("guard.check without credentials:          median {plain_m:?} (2000 calls)");
    println!("guard.check with credentials (DPoP):      median {dpop_m:?} (2000 calls)");
    println!(
        "ratio dpop / plain: {:.3} (includes the mock verifying the token and the proof)",
        dpop_m.as_secs_f64() / plain_m.as_secs_f64()
    );
    println!(
        "mint_dpop_proof: median {mint_m:?}; mint / plain check: {:.3} (the client's share)",
        mint_m.as_secs_f64() / plain_m.as_secs_f64()
    );
    drop(bound);

    // Issue 15: what the raw mode (headers kept, a RawResponse built) adds to a call.
    let typed_get = || {
        client.agents().get(&agent.id).expect("typed get");
    };
    let raw_get = || {
        client
            .with_raw_response()
            .agents()
            .get(&agent.id)
            .expect("raw get");
    };
    let (mut typed_t, mut rawmode_t) = (Vec::new(), Vec::new());
    for i in 0..2000 {
        let timed = |f: &dyn Fn(), into: &mut Vec<Duration>| {
            let t = Instant::now();
            f();
            into.push(t.elapsed());
        };
        if i % 2 == 0 {
            timed(&typed_get, &mut typed_t);
            timed(&raw_get, &mut rawmode_t);
        } else {
            timed(&raw_get, &mut rawmode_t);
            timed(&typed_get, &mut typed_t);
        }
    }
    let (typed_m, rawmode_m) = (median(typed_t), median(rawmode_t));
    println!("agents().get typed:                       median {typed_m:?} (2000 calls)");
    println!("with_raw_response().agents().get:         median {rawmode_m:?} (2000 calls)");
    println!(
        "ratio raw mode / typed: {:.3}",
        rawmode_m.as_secs_f64() / typed_m.as_secs_f64()
    );

    let reporter = AgentTrustGuard::builder(client, &agent.id)
        .queue_capacity(300_000)
        .batch_size(1000)
        .flush_interval(Duration::from_secs(600))
        .build();
    let n = 200_000u32;
    let t = Instant::now();
    for i in 0..n {
        reporter.report("web_search", i % 7 != 0, 12);
    }
    let per = t.elapsed() / n;
    println!("guard.report(): {per:?} per call ({n} calls, queued, not sent)");
    // The queue is not flushed: sending 200,000 events is the mock's work, not the SDK's.
    let stats = reporter.stats();
    println!(
        "queued {}, sent {}, dropped {}",
        stats.queued, stats.sent, stats.dropped
    );
    drop(reporter);
    drop(guard);
    let _ = mock.kill();
    let _ = mock.wait();
}
