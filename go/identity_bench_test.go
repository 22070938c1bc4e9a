package ati

import (
	"context"
	"testing"
	"time"
)

// BenchmarkGuardCheckDPoP measures what agent credentials add to a check: a guard with
// WithCredentials (a cached WIMSE bearer and a fresh DPoP proof per check, which the mock
// verifies) against a guard without, on the same agent and mock, interleaved call by call. It
// reports the medians, their ratio (dpop/plain, which includes the mock verifying the token and
// proof) and the client-side minting of one proof alone (mint-us, and mint/plain).
//
//	go test -run '^$' -bench GuardCheckDPoP -benchtime 2000x
func BenchmarkGuardCheckDPoP(b *testing.B) {
	resetMock(b)
	ctx := context.Background()
	c := testClient()
	agent, err := c.Agents.Create(ctx, CreateAgentRequest{Name: "bench-bot", Capabilities: []string{"web:search"}})
	if err != nil {
		b.Fatal(err)
	}
	creds, err := NewAgentCredentials(c, agent.ID)
	if err != nil {
		b.Fatal(err)
	}
	plain := NewGuard(c, agent.ID, WithActionEffect(ActionEffectRead))
	bound := NewGuard(c, agent.ID, WithActionEffect(ActionEffectRead), WithCredentials(creds))
	defer plain.Close(ctx)
	defer bound.Close(ctx)
	run := func(g *Guard) time.Duration {
		t0 := time.Now()
		if err := g.Check(ctx, "web_search", ""); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0)
	}
	for range 50 { // warm up connections, the mock, and the credentials' token
		run(plain)
		run(bound)
	}
	pair, _ := c.KeyStore().Get(ctx, agent.ID)
	plainTimes := make([]time.Duration, 0, b.N)
	boundTimes := make([]time.Duration, 0, b.N)
	mintTimes := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%2 == 0 {
			plainTimes = append(plainTimes, run(plain))
			boundTimes = append(boundTimes, run(bound))
		} else {
			boundTimes = append(boundTimes, run(bound))
			plainTimes = append(plainTimes, run(plain))
		}
		t0 := time.Now()
		signDPoP(pair, "POST", mockURL+"/api/v1/agenttrust/check", "token", t0.Unix(), newJTI())
		mintTimes = append(mintTimes, time.Since(t0))
	}
	b.StopTimer()
	p, d := median(plainTimes), median(boundTimes)
	b.ReportMetric(float64(p.Microseconds()), "plain-us")
	b.ReportMetric(float64(d.Microseconds()), "dpop-us")
	b.ReportMetric(float64(d)/float64(p), "dpop/plain")
	b.ReportMetric(float64(median(mintTimes).Nanoseconds())/1000, "mint-us")
	// The client's share: minting against a whole check (the rest is the gateway verifying).
	b.ReportMetric(float64(median(mintTimes))/float64(p), "mint/plain")
}
