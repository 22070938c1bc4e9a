package ati

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// FuzzDecodeActionCheckResult: whatever a gateway answers to a check, decoding never panics,
// and an answer it accepts is spec-valid and decoded as the answer says (the same values under
// the exact keys). `go test` runs the seeds; a longer run:
//
//	go test -run '^$' -fuzz FuzzDecodeActionCheckResult -fuzztime 60s .
func FuzzDecodeActionCheckResult(f *testing.F) {
	for _, seed := range []string{
		`{"allowed": true, "check_id": "chk_1", "confidence": 0.98, "guard_tier": "fast", "latency_ms": 2, "reason": "ok", "elevation_required": false, "approval_id": null, "rule": "allow"}`,
		`{"allowed": false, "elevation_required": true, "approval_id": "apr_1"}`,
		`{"allowed": false, "Allowed": true}`,
		`{"allowed": true, "confidence": 2}`,
		`{"allowed": true, "confidence": null}`,
		`{"allowed": true, "latency_ms": -1}`,
		`{"allowed": "true"}`,
		`{"allowed": true, "confidence": 1e999}`,
		`{"allowed": true, "guard_tier": "newer"}`,
		`[]`, `null`, `{}`, `{"allowed": false, "allowed": true}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var out ActionCheckResult
		if decodeJSON(data, &out, shapeActionCheckResult) != nil {
			return
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("accepted a non-object: %q", data)
		}
		var allowed bool
		if json.Unmarshal(m["allowed"], &allowed) != nil || !isJSONBool(m["allowed"]) || allowed != out.Allowed {
			t.Fatalf("allowed: %q decoded as %v", data, out.Allowed)
		}
		num := func(key string, lo, hi float64, got float64) {
			raw, ok := m[key]
			if !ok {
				if got != 0 {
					t.Fatalf("%s absent but decoded as %v: %q", key, got, data)
				}
				return
			}
			var v float64
			if json.Unmarshal(raw, &v) != nil || isJSONNull(raw) || v < lo || v > hi || math.IsNaN(v) || v != got {
				t.Fatalf("%s: %q accepted as %v", key, data, got)
			}
		}
		num("confidence", 0, 1, out.Confidence)
		num("latency_ms", 0, math.MaxFloat64, float64(out.LatencyMs))
		for key, got := range map[string]string{"check_id": out.CheckID, "guard_tier": string(out.GuardTier), "reason": out.Reason, "rule": string(out.Rule)} {
			raw, ok := m[key]
			if !ok {
				continue
			}
			var v string
			if json.Unmarshal(raw, &v) != nil || isJSONNull(raw) || v != got {
				t.Fatalf("%s: %q accepted as %q", key, data, got)
			}
		}
		if raw, ok := m["elevation_required"]; ok {
			var v bool
			if json.Unmarshal(raw, &v) != nil || !isJSONBool(raw) || v != out.ElevationRequired {
				t.Fatalf("elevation_required: %q accepted as %v", data, out.ElevationRequired)
			}
		}
	})
}

func isJSONNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

func isJSONBool(raw json.RawMessage) bool {
	r := bytes.TrimSpace(raw)
	return bytes.Equal(r, []byte("true")) || bytes.Equal(r, []byte("false"))
}
