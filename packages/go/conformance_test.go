package ati

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The conformance runner: reads every spec/conformance/scenarios/*.json (format in
// spec/conformance/README.md), runs it against the mock gateway through the SDK, and writes
// spec/conformance/results/go.json for the `pnpm conformance` grid.

type scenario struct {
	ID       string            `json:"id"`
	Category string            `json:"category"`
	Client   map[string]any    `json:"client"`
	Skip     map[string]string `json:"skip"`
	Steps    []map[string]any  `json:"steps"`
}

type scenarioResult struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	DurationMS int64  `json:"duration_ms"`
	Message    string `json:"message,omitempty"`
}

func TestConformance(t *testing.T) {
	dir := filepath.Join(repoRoot(), "spec", "conformance", "scenarios")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios in %s (%v)", dir, err)
	}
	sort.Strings(files)
	var results []scenarioResult
	for _, file := range files {
		var sc scenario
		data, err := os.ReadFile(file)
		if err == nil {
			err = json.Unmarshal(data, &sc)
		}
		id := strings.TrimSuffix(filepath.Base(file), ".json")
		if err != nil {
			results = append(results, scenarioResult{ID: id, Status: "fail", Message: "unreadable scenario: " + err.Error()})
			t.Errorf("%s: %v", id, err)
			continue
		}
		if reason, ok := sc.Skip["go"]; ok {
			results = append(results, scenarioResult{ID: id, Status: "skip", Message: reason})
			continue
		}
		start := time.Now()
		var failure string
		t.Run(id, func(t *testing.T) {
			r := &runner{t: t, sc: &sc, saved: map[string]any{}}
			failure = r.run()
			if failure != "" {
				t.Error(failure)
			}
		})
		res := scenarioResult{ID: id, Status: "pass", DurationMS: time.Since(start).Milliseconds()}
		if failure != "" {
			res.Status, res.Message = "fail", failure
		}
		results = append(results, res)
	}
	writeResults(t, results)
}

func writeResults(t *testing.T, results []scenarioResult) {
	out := map[string]any{
		"language":     "go",
		"generated_at": time.Now().UTC().Format(time.RFC3339),
		"scenarios":    results,
	}
	data, _ := json.MarshalIndent(out, "", "  ")
	dir := filepath.Join(repoRoot(), "spec", "conformance", "results")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Errorf("results: %v", err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, "go.json"), append(data, '\n'), 0o644); err != nil {
		t.Errorf("results: %v", err)
	}
}

type runner struct {
	t      *testing.T
	sc     *scenario
	saved  map[string]any
	client *Client
	guard  *Guard
	errs   []error // every error the SDK returned, checked for the API key at the end
}

func (r *runner) run() (failure string) {
	if err := r.reset(); err != nil {
		return "reset: " + err.Error()
	}
	defer func() {
		if r.guard != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_ = r.guard.Close(ctx)
			cancel()
		}
	}()
	var err error
	if r.client, err = r.newClient(nil); err != nil {
		return "client: " + err.Error()
	}
	for i, step := range r.sc.Steps {
		n := 1
		if rep, ok := step["repeat"].(float64); ok {
			n = int(rep)
		}
		for k := 0; k < n; k++ {
			if err := r.step(step); err != nil {
				return fmt.Sprintf("step %d: %v", i, err)
			}
		}
	}
	for _, e := range r.errs {
		if leaked(e) {
			return fmt.Sprintf("an error shows the API key: %v", e)
		}
	}
	return ""
}

func leaked(err error) bool {
	if strings.Contains(err.Error(), testKey) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), testKey) {
		return true
	}
	var ae *AgentTrustError
	if errors.As(err, &ae) {
		d, _ := json.Marshal(ae.Details)
		return bytes.Contains(d, []byte(testKey))
	}
	return false
}

func (r *runner) reset() error {
	for _, c := range [][2]string{{"POST", "/__mock/reset"}, {"DELETE", "/__mock/faults"}, {"DELETE", "/__mock/requests"}} {
		if err := mockAdminErr(c[0], c[1], nil, nil); err != nil {
			return err
		}
	}
	return nil
}

// newClient builds a client from the scenario's settings merged with a step's.
func (r *runner) newClient(step map[string]any) (*Client, error) {
	settings := map[string]any{"api_key": testKey}
	for k, v := range r.sc.Client {
		settings[k] = v
	}
	for k, v := range step {
		settings[k] = v
	}
	opts := []Option{WithBaseURL(mockURL)}
	for k, v := range settings {
		switch k {
		case "api_key":
			if s, ok := v.(string); ok {
				opts = append(opts, WithAPIKey(s))
			}
		case "max_retries":
			opts = append(opts, WithMaxRetries(int(num(v))))
		case "timeout_ms":
			opts = append(opts, WithTimeout(time.Duration(num(v)*float64(time.Millisecond))))
		default:
			return nil, fmt.Errorf("unknown client setting %q", k)
		}
	}
	return NewClient(opts...), nil
}

func num(v any) float64 {
	f, _ := v.(float64)
	return f
}

func (r *runner) step(raw map[string]any) error {
	// Everything but expect is interpolated now; expect after the result is saved, since a
	// step's expectations may refer to its own result.
	rest := make(map[string]any, len(raw))
	for k, v := range raw {
		if k != "expect" {
			rest[k] = v
		}
	}
	step, err := r.interpolate(rest)
	if err != nil {
		return err
	}
	s := step.(map[string]any)
	start := time.Now()
	var result any
	var callErr error
	switch {
	case s["call"] != nil:
		result, callErr = r.call(s)
	case s["guard"] != nil:
		result, callErr = r.guardStep(s)
	case s["mock"] != nil:
		result, err = r.mockStep(s)
		if err != nil {
			return err
		}
	default:
		return errors.New("a step needs call, guard or mock")
	}
	elapsed := time.Since(start)
	if callErr != nil {
		r.errs = append(r.errs, callErr)
	}

	var want map[string]any
	var expect map[string]any
	interpolateExpect := func() error {
		e, err := r.interpolate(raw["expect"])
		if err != nil {
			return err
		}
		expect, _ = e.(map[string]any)
		if expect != nil {
			want, _ = expect["error"].(map[string]any)
		}
		return nil
	}
	if callErr != nil {
		var ae *AgentTrustError
		if !errors.As(callErr, &ae) {
			return fmt.Errorf("failed with a %T, not an *AgentTrustError: %v", callErr, callErr)
		}
		saved := map[string]any{"code": string(ae.Code), "message": ae.Message, "status": nil, "details": toJSON(ae.Details), "request_id": ae.RequestID}
		if ae.Status != 0 {
			saved["status"] = float64(ae.Status)
		}
		if name, ok := s["save"].(string); ok {
			r.saved[name] = saved
		}
		if err := interpolateExpect(); err != nil {
			return err
		}
		if want == nil {
			return fmt.Errorf("unexpected error: %v", callErr)
		}
		return matchError(ae, want)
	}
	if name, ok := s["save"].(string); ok {
		r.saved[name] = result
	}
	if err := interpolateExpect(); err != nil {
		return err
	}
	if want != nil {
		return fmt.Errorf("expected error %v, got success: %s", want["code"], short(result))
	}
	if expect == nil {
		return nil
	}
	if fields, ok := expect["fields"].(map[string]any); ok {
		if err := matchFields(result, fields); err != nil {
			return fmt.Errorf("%w (result %s)", err, short(result))
		}
	}
	if c, ok := expect["count"]; ok {
		if err := matchFields(result, map[string]any{"": map[string]any{"$len": c}}); err != nil {
			return fmt.Errorf("%w (result %s)", err, short(result))
		}
	}
	if m, ok := expect["elapsed_ms"]; ok {
		if err := match(float64(elapsed.Milliseconds()), m, "elapsed_ms"); err != nil {
			return err
		}
	}
	return nil
}

func short(v any) string {
	s := string(mustJSON(v))
	if len(s) > 400 {
		s = s[:400] + "..."
	}
	return s
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte(fmt.Sprintf("<%v>", err))
	}
	return b
}

// toJSON converts a Go value to its JSON shape (maps, slices, float64, ...).
func toJSON(v any) any {
	data, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	_ = json.Unmarshal(data, &out)
	return out
}

func (r *runner) call(s map[string]any) (any, error) {
	name, _ := s["call"].(string)
	fn := conformanceOps[name]
	if fn == nil {
		return nil, fmt.Errorf("unknown call %q", name)
	}
	args := map[string]json.RawMessage{}
	if a, ok := s["args"].(map[string]any); ok {
		for k, v := range a {
			args[k] = mustJSON(v)
		}
	}
	c := r.client
	if cs, ok := s["client"].(map[string]any); ok {
		var err error
		if c, err = r.newClient(cs); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := fn(ctx, c, args)
	if err != nil {
		return nil, err
	}
	if res == nil || reflect.ValueOf(res).Kind() == reflect.Pointer && reflect.ValueOf(res).IsNil() {
		return nil, nil
	}
	return toJSON(res), nil
}

func (r *runner) guardStep(s map[string]any) (any, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	str := func(k string) string { v, _ := s[k].(string); return v }
	switch s["guard"] {
	case "create":
		var opts []GuardOption
		o, _ := s["options"].(map[string]any)
		for k, v := range o {
			switch k {
			case "session_id":
				sid, _ := v.(string)
				opts = append(opts, WithSessionID(sid))
			case "block_on_deny":
				b, _ := v.(bool)
				opts = append(opts, WithBlockOnDeny(b))
			case "fail_open":
				b, _ := v.(bool)
				opts = append(opts, WithFailOpen(b))
			case "log_inputs":
				b, _ := v.(bool)
				opts = append(opts, WithLogInputs(b))
			case "action_effect":
				e, _ := v.(string)
				opts = append(opts, WithActionEffect(ActionEffect(e)))
			default:
				return nil, fmt.Errorf("unknown guard option %q", k)
			}
		}
		r.guard = NewGuard(r.client, str("agent_id"), opts...)
		return nil, nil
	case "check":
		if r.guard == nil {
			return nil, errors.New("no guard: create one first")
		}
		var opts []CheckOption
		if e := str("action_effect"); e != "" {
			opts = append(opts, CheckEffect(ActionEffect(e)))
		}
		d, err := r.guard.Decide(ctx, str("tool"), str("input_summary"), opts...)
		if err != nil {
			return nil, err
		}
		return toJSON(d), nil
	case "report":
		if r.guard == nil {
			return nil, errors.New("no guard: create one first")
		}
		ok, _ := s["success"].(bool)
		ms := int(num(s["duration_ms"]))
		if et := str("error_type"); et != "" {
			r.guard.ReportFailure(str("tool"), ms, et)
		} else {
			r.guard.Report(str("tool"), ok, ms)
		}
		return nil, nil
	case "flush", "close":
		if r.guard == nil {
			return nil, errors.New("no guard: create one first")
		}
		// A failed batch is dropped and counted, not an error of the step (as in TypeScript,
		// whose flush resolves false): the scenario checks what reached the gateway.
		if s["guard"] == "flush" {
			_ = r.guard.Flush(ctx)
		} else {
			_ = r.guard.Close(ctx)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, nil
	}
	return nil, fmt.Errorf("unknown guard step %v", s["guard"])
}

func (r *runner) mockStep(s map[string]any) (any, error) {
	switch s["mock"] {
	case "reset":
		return nil, mockAdminErr("POST", "/__mock/reset", nil, nil)
	case "advance_clock":
		var out any
		err := mockAdminErr("POST", "/__mock/clock", map[string]any{"advance_ms": s["ms"]}, &out)
		return out, err
	case "fault":
		var out any
		err := mockAdminErr("POST", "/__mock/faults", s["fault"], &out)
		return out, err
	case "clear_faults":
		return nil, mockAdminErr("DELETE", "/__mock/faults", nil, nil)
	case "clear_requests":
		return nil, mockAdminErr("DELETE", "/__mock/requests", nil, nil)
	case "requests":
		var all []any
		if err := mockAdminErr("GET", "/__mock/requests", nil, &all); err != nil {
			return nil, err
		}
		op, _ := s["operation"].(string)
		out := []any{}
		for _, req := range all {
			m, _ := req.(map[string]any)
			if op == "" || m["operation_id"] == op {
				out = append(out, req)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown mock step %v", s["mock"])
}

// --- interpolation ------------------------------------------------------------------------

var refPattern = regexp.MustCompile(`\$\{([^}]+)\}`)

func (r *runner) interpolate(v any) (any, error) {
	switch x := v.(type) {
	case string:
		if m := refPattern.FindStringSubmatch(x); m != nil && m[0] == x {
			return r.lookup(m[1])
		}
		var firstErr error
		out := refPattern.ReplaceAllStringFunc(x, func(ref string) string {
			val, err := r.lookup(ref[2 : len(ref)-1])
			if err != nil {
				firstErr = err
				return ""
			}
			if s, ok := val.(string); ok {
				return s
			}
			return string(mustJSON(val))
		})
		return out, firstErr
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			iv, err := r.interpolate(e)
			if err != nil {
				return nil, err
			}
			out[k] = iv
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			iv, err := r.interpolate(e)
			if err != nil {
				return nil, err
			}
			out[i] = iv
		}
		return out, nil
	}
	return v, nil
}

func (r *runner) lookup(ref string) (any, error) {
	name, path, _ := strings.Cut(ref, ".")
	v, ok := r.saved[name]
	if !ok {
		return nil, fmt.Errorf("no saved value %q", name)
	}
	if path == "" {
		return v, nil
	}
	got, found := at(v, path)
	if !found {
		return nil, fmt.Errorf("saved value %q has no path %q", name, path)
	}
	return got, nil
}

// at follows a dot-separated path of keys and array indices.
func at(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	for _, part := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[part]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// --- expectations -------------------------------------------------------------------------

func matchError(ae *AgentTrustError, want map[string]any) error {
	if code, _ := want["code"].(string); string(ae.Code) != code {
		return fmt.Errorf("error code %s, want %s (%v)", ae.Code, code, ae)
	}
	if st, ok := want["status"]; ok {
		if st == nil && ae.Status != 0 {
			return fmt.Errorf("error status %d, want none", ae.Status)
		}
		if st != nil && float64(ae.Status) != num(st) {
			return fmt.Errorf("error status %d, want %v", ae.Status, st)
		}
	}
	if d, ok := want["details"].(map[string]any); ok {
		if err := matchFields(toJSON(ae.Details), d); err != nil {
			return fmt.Errorf("error details: %w (details %s)", err, short(ae.Details))
		}
	}
	if sub, ok := want["message_contains"].(string); ok && !strings.Contains(ae.Message, sub) {
		return fmt.Errorf("error message %q does not contain %q", ae.Message, sub)
	}
	return nil
}

func matchFields(result any, fields map[string]any) error {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, path := range keys {
		got, found := at(result, path)
		if !found {
			got = missing{}
		}
		if err := match(got, fields[path], path); err != nil {
			return err
		}
	}
	return nil
}

// missing is the value at a path that does not exist.
type missing struct{}

func match(got, want any, path string) error {
	if m, ok := want.(map[string]any); ok && len(m) == 1 {
		for k, arg := range m {
			if strings.HasPrefix(k, "$") {
				return matcher(got, k, arg, path)
			}
		}
	}
	if _, isMissing := got.(missing); isMissing {
		return fmt.Errorf("%s: missing, want %s", path, mustJSON(want))
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: got %s, want an object", path, mustJSON(got))
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, found := g[k]
			if !found {
				gv = missing{}
			}
			if err := match(gv, w[k], join(path, k)); err != nil {
				return err
			}
		}
		return nil
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Errorf("%s: got %s, want %s", path, mustJSON(got), mustJSON(want))
		}
		for i := range w {
			if err := match(g[i], w[i], join(path, strconv.Itoa(i))); err != nil {
				return err
			}
		}
		return nil
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("%s: got %s, want %s", path, mustJSON(got), mustJSON(want))
	}
	return nil
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func matcher(got any, op string, arg any, path string) error {
	_, isMissing := got.(missing)
	fail := func() error { return fmt.Errorf("%s: got %s, want %s %s", path, describe(got), op, mustJSON(arg)) }
	switch op {
	case "$absent":
		if isMissing || got == nil {
			return nil
		}
		return fail()
	case "$present":
		if !isMissing && got != nil {
			return nil
		}
		return fail()
	}
	if isMissing {
		return fail()
	}
	switch op {
	case "$type":
		if jsonType(got) == arg || (arg == "integer" && jsonType(got) == "number" && got.(float64) == math.Trunc(got.(float64))) {
			return nil
		}
	case "$len":
		n := -1
		switch g := got.(type) {
		case string:
			n = utf8.RuneCountInString(g)
		case []any:
			n = len(g)
		case map[string]any:
			n = len(g)
		}
		if float64(n) == num(arg) {
			return nil
		}
	case "$gte", "$lte":
		g, ok := got.(float64)
		if ok && ((op == "$gte" && g >= num(arg)) || (op == "$lte" && g <= num(arg))) {
			return nil
		}
	case "$contains":
		switch g := got.(type) {
		case []any:
			for _, item := range g {
				if match(item, arg, path) == nil {
					return nil
				}
			}
		case string:
			if s, ok := arg.(string); ok && strings.Contains(g, s) {
				return nil
			}
		}
	case "$matches":
		s, ok := got.(string)
		re, err := regexp.Compile(fmt.Sprint(arg))
		if err != nil {
			return fmt.Errorf("%s: bad regex %v: %v", path, arg, err)
		}
		if ok && re.MatchString(s) {
			return nil
		}
	case "$ne":
		if match(got, arg, path) != nil {
			return nil
		}
	default:
		return fmt.Errorf("%s: unknown matcher %s", path, op)
	}
	return fail()
}

func describe(v any) string {
	if _, ok := v.(missing); ok {
		return "nothing"
	}
	return string(mustJSON(v))
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// --- argument helpers for conformance_ops_test.go -------------------------------------------

// onlyArgs fails on an arg the operation does not take, so a typo in a scenario is caught.
func onlyArgs(args map[string]json.RawMessage, known ...string) error {
	for k := range args {
		found := false
		for _, n := range known {
			if k == n {
				found = true
				break
			}
		}
		if !found {
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
