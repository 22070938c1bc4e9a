package keychain

import (
	"context"
	"errors"
	"strings"
	"testing"

	ati "github.com/agenttrustid/sdk/go"
	"github.com/zalando/go-keyring"
)

func TestStoreRoundTrip(t *testing.T) {
	// go-keyring's in-memory provider: CI machines have no OS keychain.
	keyring.MockInit()
	ctx := context.Background()
	s := New()
	if got, err := s.Get(ctx, "agt_1"); got != nil || err != nil {
		t.Fatalf("empty keychain: %v %v", got, err)
	}
	pair, err := ati.GenerateAgentKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "agt_1", pair); err != nil {
		t.Fatal(err)
	}
	stored, err := keyring.Get(ati.KeychainService, "agt_1")
	if err != nil || !strings.Contains(stored, "BEGIN PRIVATE KEY") {
		t.Fatalf("not kept under service %q: %v", ati.KeychainService, err)
	}
	got, err := s.Get(ctx, "agt_1")
	if err != nil || got.PublicKeyPEM() != pair.PublicKeyPEM() {
		t.Fatalf("round trip: %v", err)
	}
	if err := s.Delete(ctx, "agt_1"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "agt_1"); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
}

func TestStoreErrorsAreTyped(t *testing.T) {
	keyring.MockInitWithError(errors.New("no secret service"))
	_, err := New().Get(context.Background(), "agt_1")
	var ke *Error
	if !errors.As(err, &ke) || ke.Op != "get" || ke.AgentID != "agt_1" || !strings.Contains(err.Error(), "no secret service") {
		t.Fatalf("want a *keychain.Error, got %v", err)
	}
	keyring.MockInit()
	_ = keyring.Set(ati.KeychainService, "agt_2", "not a key")
	_, err = New().Get(context.Background(), "agt_2")
	if !errors.As(err, &ke) || strings.Contains(err.Error(), "not a key") {
		t.Fatalf("a broken entry: %v", err)
	}
}
