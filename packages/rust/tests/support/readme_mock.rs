// Included (`include!`) by every README snippet's hidden first line, so `cargo test` runs the
// README's code against the mock gateway. Not a test target of its own (Cargo.toml lists the
// test targets).
//
// When `AGENTTRUST_URL` is set, the snippet uses that gateway (and `AGENTTRUST_API_KEY`, with a
// test key when unset); otherwise it starts the repository's mock gateway CLI
// (`packages/mock-gateway/dist/cli.js`, built by `pnpm --filter @agenttrustid/mock-gateway
// build`) on a free loopback port, points both variables at it, and stops it when the snippet
// ends.

/// The mock gateway of one snippet, stopped on drop.
struct ReadmeMock(Option<std::process::Child>);

impl Drop for ReadmeMock {
    fn drop(&mut self) {
        if let Some(child) = &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn readme_mock() -> ReadmeMock {
    use std::io::BufRead;
    const KEY: &str = "sk_test_agenttrust";
    if std::env::var("AGENTTRUST_URL").is_ok_and(|v| !v.is_empty()) {
        if std::env::var("AGENTTRUST_API_KEY").map_or(true, |v| v.is_empty()) {
            std::env::set_var("AGENTTRUST_API_KEY", KEY);
        }
        return ReadmeMock(None);
    }
    let cli = concat!(env!("CARGO_MANIFEST_DIR"), "/../mock-gateway/dist/cli.js");
    let mut child = std::process::Command::new("node")
        .args([cli, "--port", "0", "--quiet"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("node runs the mock gateway CLI (pnpm --filter @agenttrustid/mock-gateway build)");
    let mut url = String::new();
    std::io::BufReader::new(child.stdout.take().expect("piped stdout"))
        .read_line(&mut url)
        .expect("the mock prints its URL");
    std::env::set_var("AGENTTRUST_URL", url.trim());
    std::env::set_var("AGENTTRUST_API_KEY", KEY);
    ReadmeMock(Some(child))
}
