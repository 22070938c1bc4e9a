package ati

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The tests run against the mock gateway over HTTP on 127.0.0.1, started once by TestMain from
// the repository's build (packages/mock-gateway/dist/cli.js). AGENTTRUST_MOCK_URL points them at
// a mock that is already running instead.

const (
	testKey     = "sk_test_agenttrust"
	readOnlyKey = "sk_test_readonly"
)

var mockURL string

func TestMain(m *testing.M) {
	url, stop, err := startMock()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ati tests: cannot start the mock gateway:", err)
		os.Exit(1)
	}
	mockURL = url
	// The guide's snippets (guide_test.go) use ati.FromEnv(), as the guide does.
	_ = os.Setenv(EnvURL, mockURL)
	_ = os.Setenv(EnvAPIKey, testKey)
	code := m.Run()
	stop()
	os.Exit(code)
}

// repoRoot is the monorepo root (go/..).
func repoRoot() string {
	wd, _ := os.Getwd()
	return filepath.Clean(filepath.Join(wd, ".."))
}

func startMock() (string, func(), error) {
	if u := os.Getenv("AGENTTRUST_MOCK_URL"); u != "" {
		return strings.TrimRight(u, "/"), func() {}, nil
	}
	cli := filepath.Join(repoRoot(), "packages", "mock-gateway", "dist", "cli.js")
	if _, err := os.Stat(cli); err != nil {
		return "", nil, fmt.Errorf("%s is missing; build it with `pnpm --filter @agenttrustid/mock-gateway build`", cli)
	}
	cmd := exec.Command("node", cli, "--port", "0")
	cmd.Stderr = os.Stderr
	dieWithParent(cmd) // a test binary that exits early (log.Fatal, a panic) takes the mock along
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	lines := make(chan string, 1)
	go func() {
		r := bufio.NewReader(out)
		line, _ := r.ReadString('\n')
		lines <- strings.TrimSpace(line)
		// Keep draining the per-request log lines so the mock never blocks on a full pipe.
		_, _ = io.Copy(io.Discard, r)
	}()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
		}
	}
	select {
	case line := <-lines:
		if !strings.HasPrefix(line, "http://127.0.0.1:") {
			stop()
			return "", nil, fmt.Errorf("unexpected first line from the mock: %q", line)
		}
		return line, stop, nil
	case <-time.After(30 * time.Second):
		stop()
		return "", nil, fmt.Errorf("the mock printed no URL within 30 s")
	}
}

// mockAdmin calls the mock's /__mock/ admin API and decodes a JSON answer into out (if non-nil).
func mockAdmin(t testing.TB, method, path string, body any, out any) {
	t.Helper()
	if err := mockAdminErr(method, path, body, out); err != nil {
		t.Fatal(err)
	}
}

func mockAdminErr(method, path string, body any, out any) error {
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, mockURL+path, r)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

func resetMock(t testing.TB) {
	t.Helper()
	mockAdmin(t, "POST", "/__mock/reset", nil, nil)
	mockAdmin(t, "DELETE", "/__mock/faults", nil, nil)
	mockAdmin(t, "DELETE", "/__mock/requests", nil, nil)
}

// testClient is a client on the mock with the full-access key and fast retries.
func testClient(opts ...Option) *Client {
	base := []Option{WithBaseURL(mockURL), WithAPIKey(testKey), WithRetryDelay(10*time.Millisecond, 50*time.Millisecond)}
	return NewClient(append(base, opts...)...)
}
