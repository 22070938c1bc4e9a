package ati

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestREADMESnippets builds every ```go block of README.md as a program of its own and runs it
// against the mock gateway, with AGENTTRUST_URL and AGENTTRUST_API_KEY set. A block with a
// package clause is a whole program; any other block is the body of main, after its imports.
// The programs live in a throwaway module that replaces this module with this directory, so
// they compile against the code under test, offline.
func TestREADMESnippets(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	snippets := goBlocks(string(readme))
	if len(snippets) < 5 {
		t.Fatalf("README.md has %d go blocks, want the client, guard, errors, logging and identity ones", len(snippets))
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	here, _ := os.Getwd()
	dir := t.TempDir()
	mod := "module readmesnippets\n\ngo 1.24\n\nrequire github.com/agenttrustid/sdk/go v0.0.0\n\nreplace github.com/agenttrustid/sdk/go => " + here + "\n"
	write(t, filepath.Join(dir, "go.mod"), mod)
	for i, s := range snippets {
		write(t, filepath.Join(dir, fmt.Sprintf("s%02d", i+1), "main.go"), s.program())
	}
	bin := filepath.Join(dir, "bin")
	build := exec.Command(goBin, "build", "-o", bin+string(filepath.Separator), "./...")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off", "GOTOOLCHAIN=local")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("the README's go blocks do not compile:\n%s", out)
	}
	resetMock(t)
	for i, s := range snippets {
		name := fmt.Sprintf("s%02d", i+1)
		t.Run(fmt.Sprintf("%s_line_%d", name, s.line), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			run := exec.CommandContext(ctx, filepath.Join(bin, name))
			env := []string{EnvURL + "=" + mockURL, EnvAPIKey + "=" + testKey}
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "AGENTTRUST_") {
					env = append(env, kv)
				}
			}
			run.Env = env
			if out, err := run.CombinedOutput(); err != nil {
				t.Fatalf("README.md line %d: %v\n%s", s.line, err, out)
			}
		})
	}
}

// snippet is one ```go block and the README line it starts on.
type snippet struct {
	code string
	line int
}

var fence = regexp.MustCompile("(?m)^```go\n((?s:.*?))^```$")

func goBlocks(readme string) []snippet {
	var out []snippet
	for _, m := range fence.FindAllStringSubmatchIndex(readme, -1) {
		out = append(out, snippet{code: readme[m[2]:m[3]], line: strings.Count(readme[:m[0]], "\n") + 1})
	}
	return out
}

// program is the snippet as a main package: as it is when it has a package clause, else its
// leading imports followed by the rest inside func main.
func (s snippet) program() string {
	if regexp.MustCompile(`(?m)^package `).MatchString(s.code) {
		return s.code
	}
	imports, body := "", s.code
	if m := regexp.MustCompile(`(?s)^\s*(import \([^)]*\)|(?:import [^\n]*\n)+)`).FindStringIndex(body); m != nil {
		imports, body = body[:m[1]], body[m[1]:]
	}
	return "package main\n\n" + imports + "\n\nfunc main() {\n" + body + "\n}\n"
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
