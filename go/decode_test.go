package ati

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A gateway that answers anything at all: what the SDK makes of answers the mock would never
// send (httptest listens on 127.0.0.1).
func answering(t *testing.T, status int, body string, header map[string]string) *Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return NewClient(WithBaseURL(srv.URL), WithAPIKey(testKey), WithMaxRetries(0))
}

const validCheck = `{"allowed":true,"confidence":0.9,"reason":"ok","rule":"capability_granted","check_id":"chk_1",` +
	`"action_effect":"read","elevation_required":false,"approval_id":null}`

func TestUnexpectedAnswersAreInvalidResponse(t *testing.T) {
	cases := map[string]string{
		"empty":              ``,
		"not json":           `<html>oops</html>`,
		"truncated":          `{"allowed":true,"confid`,
		"array":              `[]`,
		"null":               `null`,
		"wrong type":         strings.Replace(validCheck, `"allowed":true`, `"allowed":"yes"`, 1),
		"missing required":   `{"confidence":0.9}`,
		"required null":      strings.Replace(validCheck, `"allowed":true`, `"allowed":null`, 1),
		"number overflow":    strings.Replace(validCheck, `0.9`, `1e999`, 1),
		"deep nesting":       strings.Repeat("[", 100000) + strings.Repeat("]", 100000),
		"string for object":  `"allowed"`,
		"invalid utf8 key":   "{\"\xff\":1}",
		"nested wrong shape": `{"id":"t","context_id":"c","source_agent_id":null,"target_agent_id":"a","protocol_version":"1.0","status":{"state":"submitted"},"history":[],"artifacts":[],"created_at":"2026-11-22T10:00:00Z"}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			c := answering(t, 200, body, map[string]string{"X-Request-Id": "req_x"})
			var err error
			if name == "nested wrong shape" {
				_, err = c.A2A.GetTask(context.Background(), "t")
			} else {
				_, err = c.Actions.Check(context.Background(), ActionCheckRequest{AgentID: "a", ToolName: "t"})
			}
			var ae *AgentTrustError
			if !errors.As(err, &ae) || ae.Code != ErrorCodeInvalidResponse || ae.Status != 200 || ae.RequestID != "req_x" {
				t.Fatalf("got %#v", err)
			}
		})
	}
	// Unknown members and unknown enum values are fine: a newer gateway must not break this SDK.
	newer := strings.Replace(validCheck, `"rule":"capability_granted"`, `"rule":"ml_verdict","extra":{"x":[1]}`, 1)
	res, err := answering(t, 200, newer, nil).Actions.Check(context.Background(), ActionCheckRequest{AgentID: "a", ToolName: "t"})
	if err != nil || res.Rule != "ml_verdict" || res.Rule.IsKnown() {
		t.Fatalf("newer gateway: %+v %v", res, err)
	}
}

func TestErrorAnswers(t *testing.T) {
	// A proxy's HTML 502: the status decides the code.
	_, err := answering(t, 502, "<html>bad gateway</html>", nil).Agents.List(context.Background())
	var ae *AgentTrustError
	if !errors.As(err, &ae) || ae.Code != ErrorCodeInternalError || ae.Status != 502 || ae.Message == "" {
		t.Fatalf("502: %#v", err)
	}
	// An envelope: every field kept; the header's request id wins.
	env := `{"code":"VALIDATION_ERROR","message":"name: must not be empty","details":{"field":"name"},"request_id":"req_body"}`
	_, err = answering(t, 400, env, map[string]string{"X-Request-Id": "req_hdr"}).Agents.List(context.Background())
	if !errors.As(err, &ae) || ae.Code != ErrorCodeValidationError || ae.Details["field"] != "name" || ae.RequestID != "req_hdr" {
		t.Fatalf("400: %#v", err)
	}
	// A code this SDK does not know falls back to the status's; garbage fields are ignored.
	_, err = answering(t, 403, `{"code":"QUOTA_EXCEEDED","message":7,"details":[1]}`, nil).Agents.List(context.Background())
	if !errors.As(err, &ae) || ae.Code != ErrorCodeAuthDenied || ae.Details != nil {
		t.Fatalf("403: %#v", err)
	}
	// A gateway echoing the key back does not leak it through the error.
	_, err = answering(t, 401, `{"code":"AUTH_FAILED","message":"bad key `+testKey+`"}`, nil).Agents.List(context.Background())
	if err == nil || strings.Contains(err.Error(), testKey) {
		t.Fatalf("echoed key: %v", err)
	}
}

func TestScanner(t *testing.T) {
	ms, ok := scanObject([]byte(` { "a" : 1 , "b\"c" : {"x":[1,{"y":"}"}]}, "d":null } `), nil)
	if !ok || len(ms) != 3 || string(ms[1].key) != `b\"c` || string(ms[2].value) != "null" {
		t.Fatalf("%v %q", ok, ms)
	}
	for _, bad := range []string{``, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":1 "b":2}`, `[1]`, `{"a":"x}`} {
		if _, ok := scanObject([]byte(bad), nil); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, found := lookup([]member{{key: []byte(`\u0069d`), value: []byte(`1`)}}, "id"); !found {
		t.Error("escaped key not matched")
	}
}

// FuzzDecode: whatever the gateway sends, decoding returns a value or an error, never a panic.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(validCheck))
	f.Add([]byte(`{"id":"t","context_id":"c","source_agent_id":null,"target_agent_id":"a","protocol_version":"1.0","status":{"state":"working","timestamp":"2026-11-22T10:00:00Z","message":{"role":"agent","parts":[{"kind":"text","text":"x"},{"kind":"data","data":{}},{"kind":"file"}]}},"history":[],"artifacts":[{"artifact_id":"a","parts":[{"kind":"text","text":"y"}]}],"created_at":"2026-11-22T10:00:00Z"}`))
	f.Add([]byte(`[{"id":"a","name":"n","framework":"","capabilities":[],"metadata":{},"public_key":null,"status":"active","created_at":"2026-11-22T10:00:00Z","last_auth_at":null,"revoked_at":null,"revocation_reason":null}]`))
	f.Add([]byte(`{"kind":`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var check ActionCheckResult
		_ = decodeJSON(data, &check, shapeActionCheckResult)
		var task A2ATask
		_ = decodeJSON(data, &task, shapeA2ATask)
		var agents []Agent
		_ = decodeJSON(data, &agents, &shape{items: shapeAgent})
		var part A2APart
		if json.Unmarshal(data, &part) == nil {
			_, _ = json.Marshal(part)
		}
		_, _ = scanObject(data, nil)
		_ = eachElement(data, func([]byte) bool { return true })
		_ = errorFromResponse(500, data, "")
	})
}
