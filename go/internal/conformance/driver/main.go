// The Go driver of the conformance runner (spec/conformance/README.md, "Drivers"): reads one
// JSON request per stdin line, runs it on the SDK, answers one JSON line on stdout, in order.
// Calls go through the generated dispatch table (dispatch.go), which calls the exported methods
// as a user would; everything else (interpolation, matching, the mock) is the runner's.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"time"

	ati "github.com/agenttrustid/sdk/go"
)

type request struct {
	ID      json.RawMessage            `json:"id"`
	Op      string                     `json:"op"`
	Client  map[string]json.RawMessage `json:"client"`
	Call    string                     `json:"call"`
	Args    map[string]json.RawMessage `json:"args"`
	Action  string                     `json:"action"`
	AgentID string                     `json:"agent_id"`
	Options struct {
		SessionID   *string `json:"session_id"`
		BlockOnDeny *bool   `json:"block_on_deny"`
		FailOpen    *bool   `json:"fail_open"`
		LogInputs   *bool   `json:"log_inputs"`
		Credentials bool    `json:"credentials"`
		Breaker     *struct {
			FailureThreshold int     `json:"failure_threshold"`
			WindowMS         float64 `json:"window_ms"`
			CooldownMS       float64 `json:"cooldown_ms"`
		} `json:"breaker"`
	} `json:"options"`
	Tool           string          `json:"tool"`
	InputSummary   string          `json:"input_summary"`
	ActionEffect   string          `json:"action_effect"`
	Input          json.RawMessage `json:"input"`
	Success        bool            `json:"success"`
	DurationMS     int             `json:"duration_ms"`
	ErrorType      string          `json:"error_type"`
	TimeoutMS      float64         `json:"timeout_ms"`
	PollIntervalMS float64         `json:"poll_interval_ms"`
	Raise          bool            `json:"raise"`
	Kind           string          `json:"kind"`
	Text           string          `json:"text"`
	Limit          int             `json:"limit"`
	Status         int             `json:"status"`
	Body           *string         `json:"body"`
	Type           string          `json:"type"`
	Value          json.RawMessage `json:"value"`
	HTM            string          `json:"htm"`
	HTU            string          `json:"htu"`
	Audience       json.RawMessage `json:"audience"`
	TTLSeconds     int64           `json:"ttl_seconds"`
}

type driver struct {
	clients map[string]*ati.Client
	// creds are the AgentCredentials of each client and agent, made on first use.
	creds     map[credsKey]*ati.AgentCredentials
	guard     *ati.Guard
	guardArgs []ati.GuardOption // the guard's options, for wait_for_approval's own guard
	client    *ati.Client
	agentID   string
	wrapped   int // calls of the function a wrap step guards, since the guard was created
}

// ToolFailure is the error the wrapped function returns when a step asks it to fail.
type ToolFailure struct{}

func (ToolFailure) Error() string { return "the tool failed" }

func main() {
	// A scenario's client settings are the whole configuration: NewClient would otherwise take
	// a key or URL from the environment the runner was started in.
	for _, name := range []string{ati.EnvURL, ati.EnvBaseURL, ati.EnvAPIKey, ati.EnvAuthURL, ati.EnvAuditURL} {
		_ = os.Unsetenv(name)
	}
	d := &driver{clients: map[string]*ati.Client{}, creds: map[credsKey]*ati.AgentCredentials{}}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	for in.Scan() {
		line := bytes.TrimSpace(in.Bytes())
		if len(line) == 0 {
			continue
		}
		var req request
		answer := map[string]any{"id": nil}
		if err := json.Unmarshal(line, &req); err != nil {
			answer["ok"], answer["crash"] = false, "bad request: "+err.Error()
		} else {
			answer["id"] = req.ID
			result, err := d.handle(&req)
			var ae *ati.AgentTrustError
			switch {
			case err == nil:
				answer["ok"], answer["result"] = true, result
			case errors.As(err, &ae):
				answer["ok"], answer["error"] = false, wireError(ae, err)
			default:
				answer["ok"], answer["crash"] = false, fmt.Sprintf("%T: %v", err, err)
			}
		}
		data, err := json.Marshal(answer)
		if err != nil {
			data, _ = json.Marshal(map[string]any{"id": answer["id"], "ok": false, "crash": "unencodable answer: " + err.Error()})
		}
		out.Write(append(data, '\n'))
		out.Flush()
	}
	d.reset()
}

func wireError(ae *ati.AgentTrustError, err error) map[string]any {
	e := map[string]any{"code": ae.Code, "message": ae.Message, "status": nil, "details": ae.Details,
		"request_id": nil, "text": err.Error()}
	if ae.Status != 0 {
		e["status"] = ae.Status
	}
	if ae.RequestID != "" {
		e["request_id"] = ae.RequestID
	}
	if ae.Details == nil {
		e["details"] = map[string]any{}
	}
	return e
}

func (d *driver) handle(req *request) (any, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	switch req.Op {
	case "call":
		fn := calls[req.Call]
		if fn == nil {
			return nil, fmt.Errorf("the SDK has no %s", req.Call)
		}
		c, err := d.clientFor(req.Client)
		if err != nil {
			return nil, err
		}
		res, err := fn(ctx, c, req.Args)
		if err != nil {
			return nil, err
		}
		return toJSON(res)
	case "guard":
		return d.guardAction(ctx, req)
	case "vector":
		return vector(ctx, req)
	case "identity":
		return d.identity(ctx, req)
	case "reset":
		d.reset()
		return nil, nil
	}
	return nil, fmt.Errorf("unknown op %q", req.Op)
}

// clientFor is the client of one settings object (cached per distinct object).
func (d *driver) clientFor(settings map[string]json.RawMessage) (*ati.Client, error) {
	key, _ := json.Marshal(settings)
	if c := d.clients[string(key)]; c != nil {
		return c, nil
	}
	var s struct {
		BaseURL    string   `json:"base_url"`
		APIKey     *string  `json:"api_key"`
		MaxRetries *int     `json:"max_retries"`
		TimeoutMS  *float64 `json:"timeout_ms"`
	}
	if err := json.Unmarshal(key, &s); err != nil {
		return nil, fmt.Errorf("client: %v", err)
	}
	opts := []ati.Option{ati.WithBaseURL(s.BaseURL)}
	if s.APIKey != nil {
		opts = append(opts, ati.WithAPIKey(*s.APIKey))
	}
	if s.MaxRetries != nil {
		opts = append(opts, ati.WithMaxRetries(*s.MaxRetries))
	}
	if s.TimeoutMS != nil {
		opts = append(opts, ati.WithTimeout(ms(*s.TimeoutMS)))
	}
	c := ati.NewClient(opts...)
	d.clients[string(key)] = c
	return c, nil
}

func ms(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

func (d *driver) guardAction(ctx context.Context, req *request) (any, error) {
	if req.Action == "create" {
		d.closeGuard()
		c, err := d.clientFor(req.Client)
		if err != nil {
			return nil, err
		}
		o := req.Options
		var opts []ati.GuardOption
		if o.SessionID != nil {
			opts = append(opts, ati.WithSessionID(*o.SessionID))
		}
		if o.BlockOnDeny != nil {
			opts = append(opts, ati.WithBlockOnDeny(*o.BlockOnDeny))
		}
		if o.FailOpen != nil {
			opts = append(opts, ati.WithFailOpen(*o.FailOpen))
		}
		if o.LogInputs != nil {
			opts = append(opts, ati.WithLogInputs(*o.LogInputs))
		}
		if o.Credentials {
			creds, err := d.credentials(c, req.AgentID, nil)
			if err != nil {
				return nil, err
			}
			opts = append(opts, ati.WithCredentials(creds))
		}
		if b := o.Breaker; b != nil {
			opts = append(opts, ati.WithCircuitBreaker(b.FailureThreshold, ms(b.WindowMS), ms(b.CooldownMS)))
		}
		g := ati.NewGuard(c, req.AgentID, opts...)
		if err := g.Err(); err != nil {
			// NewGuard cannot fail in Go; its refusal of an option is the create step's error,
			// as a constructor's exception is in the other languages.
			_ = g.Close(ctx)
			return nil, err
		}
		d.client, d.agentID, d.guardArgs = c, req.AgentID, opts
		d.guard = g
		d.wrapped = 0
		return nil, nil
	}
	g := d.guard
	if g == nil {
		return nil, errors.New("no guard: a guard create request must come first")
	}
	var check []ati.CheckOption
	if req.ActionEffect != "" {
		check = append(check, ati.CheckEffect(ati.ActionEffect(req.ActionEffect)))
	}
	if req.Input != nil {
		var input any
		if err := json.Unmarshal(req.Input, &input); err != nil {
			return nil, fmt.Errorf("input: %v", err)
		}
		check = append(check, ati.CheckInput(input))
	}
	switch req.Action {
	case "check":
		return decision(g.Decide(ctx, req.Tool, req.InputSummary, check...))
	case "report":
		if req.ErrorType != "" {
			g.ReportFailure(req.Tool, req.DurationMS, req.ErrorType)
		} else {
			g.Report(req.Tool, req.Success, req.DurationMS)
		}
		return nil, nil
	case "flush", "close":
		// A failed batch is dropped and counted, not an error of the step: the scenario checks
		// what reached the gateway.
		if req.Action == "flush" {
			_ = g.Flush(ctx)
		} else {
			_ = g.Close(ctx)
		}
		return nil, ctx.Err()
	case "wait_for_approval":
		// The approval wait is a guard setting in Go: a guard of its own with the same options and
		// session (the gateway finds the pending approval of that agent, session and tool).
		poll := ms(req.PollIntervalMS)
		opts := append(slices.Clone(d.guardArgs), ati.WithSessionID(g.SessionID()), ati.WithApprovalWait(ms(req.TimeoutMS), poll, poll))
		waiter := ati.NewGuard(d.client, d.agentID, opts...)
		defer waiter.Close(ctx)
		return decision(waiter.CheckAndWait(ctx, req.Tool, req.InputSummary, check...))
	case "breaker":
		return g.Stats().Breaker, nil
	case "wrap":
		var input any
		if req.Input != nil {
			if err := json.Unmarshal(req.Input, &input); err != nil {
				return nil, fmt.Errorf("input: %v", err)
			}
		}
		var effect []ati.CheckOption
		if req.ActionEffect != "" {
			effect = append(effect, ati.CheckEffect(ati.ActionEffect(req.ActionEffect)))
		}
		run := ati.Wrap(g, req.Tool, func(_ context.Context, in any) (any, error) {
			d.wrapped++
			if req.Raise {
				return nil, &ToolFailure{}
			}
			return in, nil
		}, effect...)
		out, err := run(ctx, input)
		var failure *ToolFailure
		if errors.As(err, &failure) {
			return map[string]any{"raised": ati.ErrorTypeOf(err)}, nil
		}
		if err != nil {
			return nil, err
		}
		return map[string]any{"returned": out}, nil
	case "wrapped_calls":
		return d.wrapped, nil
	}
	return nil, fmt.Errorf("unknown guard action %q", req.Action)
}

func decision(d *ati.Decision, err error) (any, error) {
	if err != nil || d == nil {
		return nil, err
	}
	return toJSON(d)
}

func (d *driver) closeGuard() {
	if d.guard != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = d.guard.Close(ctx)
		cancel()
		d.guard = nil
	}
}

func (d *driver) reset() {
	d.closeGuard()
	d.clients = map[string]*ati.Client{}
	d.creds = map[credsKey]*ati.AgentCredentials{}
}

type credsKey struct {
	client  *ati.Client
	agentID string
}

// credentials are the client's AgentCredentials for the agent (made on first use, kept until reset).
func (d *driver) credentials(c *ati.Client, agentID string, audience []string) (*ati.AgentCredentials, error) {
	k := credsKey{c, agentID}
	if creds := d.creds[k]; creds != nil {
		return creds, nil
	}
	var opts []ati.CredentialsOption
	if len(audience) > 0 {
		opts = append(opts, ati.WithAudience(audience...))
	}
	creds, err := ati.NewAgentCredentials(c, agentID, opts...)
	if err != nil {
		return nil, err
	}
	d.creds[k] = creds
	return creds, nil
}

// audience reads a request's audience: absent, one string, or a list.
func audience(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("audience: %v", err)
	}
	return list, nil
}

func (d *driver) identity(ctx context.Context, req *request) (any, error) {
	c, err := d.clientFor(req.Client)
	if err != nil {
		return nil, err
	}
	aud, err := audience(req.Audience)
	if err != nil {
		return nil, err
	}
	switch req.Action {
	case "issue_with_proof":
		tok, err := c.Wimse.IssueTokenWithProof(ctx, req.AgentID, ati.ProofParams{Audience: aud, TTLSeconds: req.TTLSeconds})
		if err != nil {
			return nil, err
		}
		return toJSON(tok)
	case "headers":
		creds, err := d.credentials(c, req.AgentID, aud)
		if err != nil {
			return nil, err
		}
		h, err := creds.Headers(ctx, req.HTM, req.HTU)
		if err != nil {
			return nil, err
		}
		return map[string]string{"authorization": h.Get("Authorization"), "dpop": h.Get("DPoP")}, nil
	case "public_key":
		pair, err := c.KeyStore().Get(ctx, req.AgentID)
		if err != nil {
			return nil, err
		}
		if pair == nil {
			return map[string]any{"public_key": nil}, nil
		}
		return map[string]any{"public_key": pair.PublicKeyPEM()}, nil
	}
	return nil, fmt.Errorf("unknown identity action %q", req.Action)
}

func vector(ctx context.Context, req *request) (any, error) {
	switch req.Kind {
	case "digest":
		var input any
		if err := json.Unmarshal(req.Input, &input); err != nil {
			return nil, fmt.Errorf("input: %v", err)
		}
		return ati.DigestInput(input)
	case "truncate":
		return ati.TruncateRunes(req.Text, req.Limit), nil
	case "status":
		// The SDK's own path for a non-2xx answer: a server that gives exactly this status and body.
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if req.Body != nil {
				w.Header().Set("Content-Type", "application/json")
			}
			w.WriteHeader(req.Status)
			if req.Body != nil {
				_, _ = w.Write([]byte(*req.Body))
			}
		}))
		defer srv.Close()
		c := ati.NewClient(ati.WithBaseURL(srv.URL), ati.WithAPIKey("sk_vector"), ati.WithMaxRetries(0))
		_, err := c.Agents.Get(ctx, "agt_vector")
		var ae *ati.AgentTrustError
		if !errors.As(err, &ae) {
			return nil, fmt.Errorf("status %d gave no AgentTrust error: %v", req.Status, err)
		}
		out := map[string]any{"code": ae.Code, "status": nil}
		if ae.Status != 0 {
			out["status"] = ae.Status
		}
		return out, nil
	case "roundtrip":
		fn := roundtrips[req.Type]
		if fn == nil {
			return nil, fmt.Errorf("the SDK has no type %s", req.Type)
		}
		data, err := fn(req.Value)
		if err != nil {
			return nil, err
		}
		return json.RawMessage(data), nil
	}
	return nil, fmt.Errorf("unknown vector kind %q", req.Kind)
}

// toJSON is a typed result in its wire shape (nil pointers and slices as null).
func toJSON(v any) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return json.RawMessage(data), nil
}

func roundtrip[T any](data []byte) ([]byte, error) {
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// --- argument helpers for dispatch.go -------------------------------------------------------------

// onlyArgs fails on an arg the operation does not take, so a typo in a scenario is caught.
func onlyArgs(args map[string]json.RawMessage, known ...string) error {
	for k := range args {
		if !slices.Contains(known, k) {
			return fmt.Errorf("unknown arg %q (the operation takes %v)", k, known)
		}
	}
	return nil
}

func stringArg(args map[string]json.RawMessage, name string) (string, error) {
	raw, ok := args[name]
	if !ok {
		return "", nil // the SDK's own check reports the missing path parameter
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("arg %s: %v", name, err)
	}
	return s, nil
}

// bodyOnly reports whether, of the body's fields, args holds none but those in taken.
func bodyOnly(args map[string]json.RawMessage, fields []string, taken ...string) bool {
	for _, f := range fields {
		if _, ok := args[f]; ok && !slices.Contains(taken, f) {
			return false
		}
	}
	return true
}

// deref is *p, or T's zero value for nil.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// structArg decodes the args named fields into a new T, by its JSON tags (the wire names). With
// none of them present and required false, *dst stays nil (no body, no query).
func structArg[T any](args map[string]json.RawMessage, fields []string, required bool, dst **T) error {
	obj := map[string]json.RawMessage{}
	for _, f := range fields {
		if v, ok := args[f]; ok {
			obj[f] = v
		}
	}
	if len(obj) == 0 && !required {
		return nil
	}
	data, _ := json.Marshal(obj)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	v := new(T)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("args: %v", err)
	}
	*dst = v
	return nil
}

// rpcResult is what a scenario sees of a JSON-RPC proxy call: the response's result, or the whole
// response when it has none (a JSON-RPC error is an answer, not a failure of the call).
func rpcResult(resp *ati.MCPRPCResponse, err error) (any, error) {
	if err != nil || resp == nil {
		return nil, err
	}
	if resp.Result != nil && resp.Error == nil {
		return resp.Result, nil
	}
	return resp, nil
}
