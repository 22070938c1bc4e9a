package ati_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"testing"
	"time"

	ati "github.com/agenttrustid/sdk/go"
)

// The Go snippets of the product guide (reference/agenttrust-id-sdk-guide.txt, sections 2 to
// 12), with their line breaks restored, run against the mock gateway. Each section is a block
// of its own, since the guide reuses names (`result`, `session`, `err`) across sections. Lines
// marked "setup" are not in the guide: they create what a snippet assumes exists (a second
// agent, pending approvals, a delegation). `_ = x` lines mark values the guide declares but
// never reads, which Go does not compile otherwise.

func doWebSearch(query string) (string, error) { return "results for " + query, nil }

func TestGuideSnippets(t *testing.T) {
	out := captureStdout(t, guide)
	for _, want := range []string{
		"Agent ID: agt_",
		"Token: ",
		"Active: true",
		"Allowed: true, Confidence: ",
		"Session ID: ",
		"Total calls: 0, Denied: 0",
		"Elevation required. Approval ID: apr_",
		"Status: approved, Action: db_delete_all",
		"AgentTrust ID error [ACTION_DENIED]: Guardian denied dangerous_tool",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the guide's output lacks %q:\n%s", want, out)
		}
	}
}

func guide() {
	ctx := context.Background()

	// 2. Client configuration.
	var client *ati.Client
	{
		// From environment variables
		client := ati.FromEnv()
		// Explicit configuration
		_ = client
	}
	{
		client := ati.NewClient(
			ati.WithBaseURL("http://localhost:8080"),
			ati.WithAPIKey("sk_live_..."),
		)
		_ = client
	}
	client = ati.FromEnv()

	// 3. Agent registration.
	agent, err := client.Agents.Create(ctx, ati.CreateAgentRequest{
		Name:         "research-bot",
		Framework:    "langchain",
		Capabilities: []string{"web:search", "files:read"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Agent ID: %s\n", agent.ID)

	// 4. Token issuance and introspection.
	token, err := client.Tokens.Issue(ctx, ati.IssueTokenRequest{
		AgentID: agent.ID,
		Scope:   []string{"files:read"},
		TTL:     300,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("Token: %s\n", token.Token)
	{
		// Introspect a token
		result, err := client.Tokens.Introspect(ctx, ati.IntrospectTokenRequest{
			Token:  token.Token,
			Target: "mcp://filesystem",
		})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("Active: %v\n", result.Active)
	}

	// 5. Action checking.
	{
		result, err := client.Actions.Check(ctx, ati.ActionCheckRequest{
			AgentID: agent.ID,
			// The guide's `Action: "tool_call",` is left out: the real gateway's check has no
			// action key (the official clients send action_name = tool name, else action), and
			// the spec cannot express an SDK-only field yet.
			ToolName:         "web_search",
			ToolInputSummary: "AI safety papers",
			SessionID:        "sess-abc",
			ActionEffect:     "read",
		})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("Allowed: %v, Confidence: %v\n", result.Allowed, result.Confidence)
		if result.ElevationRequired {
			fmt.Printf("Approval needed: %s\n", result.ApprovalID)
		}
	}

	// 6. Session management.
	{
		// Initialize a session
		session, err := client.Sessions.InitSession(ctx, ati.InitSessionRequest{
			AgentID:  agent.ID,
			ServerID: "mcp-code-tools",
		})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("Session ID: %s, Mode: %s\n", session.SessionID, session.Mode)
		// Retrieve session state later
		current, err := client.Sessions.GetSession(ctx, session.SessionID)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("Total calls: %d, Denied: %d\n", current.TotalCalls, current.DeniedCalls)
	}

	// 7. The guard pattern.
	func() {
		client := ati.FromEnv()
		guard := ati.NewGuard(client, agent.ID,
			ati.WithFailOpen(false),
			ati.WithBlockOnDeny(true),
			ati.WithActionEffect("read"), // default effect for all checks
		)
		defer guard.Close(ctx)
		// Before tool call -- returns error if denied
		if err := guard.Check(ctx, "web_search", "AI news"); err != nil {
			log.Printf("Denied: %v", err)
			return
		}
		// Execute the tool
		start := time.Now()
		result, err := doWebSearch("AI news")
		durationMs := int(time.Since(start).Milliseconds())
		// After tool call -- fire-and-forget telemetry
		guard.Report("web_search", err == nil, durationMs)
		_ = result
	}()

	// 8. Elevation workflow. Setup: an agent allowed db tools, a guard declaring destructive.
	dbAgent, err := client.Agents.Create(ctx, ati.CreateAgentRequest{Name: "db-bot", Capabilities: []string{"db:*"}})
	if err != nil {
		log.Fatal(err)
	}
	guard := ati.NewGuard(client, dbAgent.ID, ati.WithActionEffect("destructive"))
	defer guard.Close(ctx)
	{
		err := guard.Check(ctx, "db_delete", "drop table users")
		if err != nil {
			var elevErr *ati.ElevationRequiredError
			if errors.As(err, &elevErr) {
				fmt.Printf("Elevation required. Approval ID: %s\n", elevErr.ApprovalID)
				// A human or automated system approves the action
				if err := client.Approvals.Approve(ctx, elevErr.ApprovalID, "admin@company.com"); err != nil {
					log.Fatal(err)
				}
				// Retry the check
				if err := guard.Check(ctx, "db_delete", "drop table users"); err != nil {
					log.Fatal(err)
				}
			} else {
				log.Fatal(err)
			}
		}
	}

	// 9. Approval management. Setup: two pending approvals.
	pending := func(tool string) string {
		var elev *ati.ElevationRequiredError
		if !errors.As(guard.Check(ctx, tool, ""), &elev) {
			log.Fatalf("%s: no elevation", tool)
		}
		return elev.ApprovalID
	}
	{
		approvalID := pending("db_delete_rows")
		// Approve an elevation request
		err := client.Approvals.Approve(ctx, approvalID, "admin@company.com")
		if err != nil {
			log.Fatal(err)
		}
	}
	{
		approvalID := pending("db_drop")
		// Deny an elevation request
		err := client.Approvals.Deny(ctx, approvalID, "security@company.com")
		if err != nil {
			log.Fatal(err)
		}
	}
	{
		approvalID := pending("db_delete_all")
		_ = client.Approvals.Approve(ctx, approvalID, "admin@company.com") // setup
		// Check approval status
		approval, err := client.Approvals.Get(ctx, approvalID)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("Status: %s, Action: %s\n", approval.Status, approval.ActionName)
	}

	// 11. Delegated session bridge. Setup: a second agent and a delegation.
	agentB, err := client.Agents.Create(ctx, ati.CreateAgentRequest{Name: "helper-bot"})
	if err != nil {
		log.Fatal(err)
	}
	delegation, err := client.Delegations.Create(ctx, ati.CreateDelegationRequest{
		FromAgentID: agent.ID, ToAgentID: agentB.ID, Scope: []string{"web:search"}, TTLSeconds: 3600,
	})
	if err != nil {
		log.Fatal(err)
	}
	{
		session, err := client.Delegations.InitSession(ctx, delegation.ID)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(session.SessionID, session.DelegationID, session.ScopeCeiling)
	}

	// API session bridge.
	{
		session, err := client.Sessions.InitAPISession(ctx, ati.InitAPISessionRequest{
			Token: token.Token,
		})
		if err != nil {
			log.Fatal(err)
		}
		_ = session
	}

	// Federation.
	{
		provider, err := client.Federation.RegisterProvider(ctx, ati.RegisterProviderRequest{
			Issuer:     "https://issuer.example.com",
			Name:       "Example Workforce",
			TrustLevel: "high",
		})
		if err != nil {
			log.Fatal(err)
		}
		_, _ = client.Federation.VerifyToken(ctx, ati.VerifyFederatedTokenRequest{Token: "eyJ..."})
		_, _ = client.Federation.InitSession(ctx, ati.InitFederatedSessionRequest{Token: "eyJ..."})
		_ = provider
	}

	// SIEM streaming.
	{
		destination, err := client.Streaming.Create(ctx, ati.CreateSIEMDestinationRequest{
			Name:            "Splunk HEC",
			DestinationType: "splunk",
			EndpointURL:     "https://splunk.example.com/services/collector",
			AuthToken:       "secret",
		})
		if err != nil {
			log.Fatal(err)
		}
		_, _ = client.Streaming.DeliveryLog(ctx, destination.ID)
		_ = client.Streaming.Test(ctx, destination.ID)
	}

	// 12. Error handling.
	{
		err := guard.Check(ctx, "dangerous_tool", "data")
		if err != nil {
			var elevErr *ati.ElevationRequiredError
			var atiErr *ati.AgentTrustError
			var netErr *ati.NetworkError
			switch {
			case errors.As(err, &elevErr):
				fmt.Printf("Elevation required, approval ID: %s\n", elevErr.ApprovalID)
			case errors.As(err, &netErr):
				fmt.Printf("Network error: %s\n", netErr.Message)
			case errors.As(err, &atiErr):
				fmt.Printf("AgentTrust ID error [%s]: %s\n", atiErr.Code, atiErr.Message)
			default:
				fmt.Printf("Unknown error: %v\n", err)
			}
		}
	}
}

// captureStdout runs fn with os.Stdout (and the log package) writing to a pipe, and returns
// what it wrote.
func captureStdout(t *testing.T, fn func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	log.SetOutput(w)
	done := make(chan string)
	go func() {
		data, _ := io.ReadAll(r)
		done <- string(data)
	}()
	defer func() {
		os.Stdout = stdout
		log.SetOutput(os.Stderr)
	}()
	fn()
	_ = w.Close()
	return <-done
}

// ExampleNewGuard shows the guard around one tool call (guide section 7).
func ExampleNewGuard() {
	ctx := context.Background()
	client := ati.FromEnv()
	guard := ati.NewGuard(client, "agt_01J9ZX4T6N3V8Q2R5K7M", ati.WithActionEffect(ati.ActionEffectRead))
	defer guard.Close(ctx)

	if err := guard.Check(ctx, "web_search", "AI news"); err != nil {
		var elevation *ati.ElevationRequiredError
		if errors.As(err, &elevation) {
			fmt.Println("ask a human to approve", elevation.ApprovalID)
		}
		return
	}
	start := time.Now()
	_, err := doWebSearch("AI news")
	guard.Report("web_search", err == nil, int(time.Since(start).Milliseconds()))
}
