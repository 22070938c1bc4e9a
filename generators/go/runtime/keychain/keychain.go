// Package keychain keeps agent key pairs in the operating system's keychain (macOS Keychain,
// Windows Credential Manager, the Secret Service on Linux) through github.com/zalando/go-keyring.
// It is a module of its own, so the SDK (github.com/agenttrustid/sdk/go) never depends on it:
// only a program that imports this package downloads and builds go-keyring.
//
//	client := ati.FromEnv(ati.WithKeyStore(keychain.New()))
package keychain

import (
	"context"
	"errors"
	"fmt"
	"strings"

	ati "github.com/agenttrustid/sdk/go"
	"github.com/zalando/go-keyring"
)

// Store is an ati.KeyStore in the OS keychain: one secret per agent, under the service
// ati.KeychainService with the agent id as the account, holding the PKCS#8 PEM of its key pair.
type Store struct {
	service string
}

var _ ati.KeyStore = (*Store)(nil)

// New returns a store under the service ati.KeychainService.
func New() *Store { return &Store{service: ati.KeychainService} }

// Error is returned when the keychain cannot be used (no Secret Service on a headless Linux,
// access refused) or holds something that is not a key pair. It never carries key material.
type Error struct {
	// Op is what the store was doing: "get", "put" or "delete".
	Op string
	// AgentID is the agent whose key it was.
	AgentID string
	err     error
}

func (e *Error) Error() string {
	return fmt.Sprintf("keychain: cannot %s the key of agent %q in the OS keychain (service %q): %v", e.Op, e.AgentID, ati.KeychainService, e.err)
}

// Unwrap returns the keychain library's error.
func (e *Error) Unwrap() error { return e.err }

func (s *Store) check(op, agentID string) error {
	if agentID == "" {
		return &Error{Op: op, AgentID: agentID, err: errors.New("empty agent id")}
	}
	return nil
}

// Get implements ati.KeyStore: nil and no error when the keychain holds no key for the agent.
func (s *Store) Get(_ context.Context, agentID string) (*ati.AgentKeyPair, error) {
	if err := s.check("get", agentID); err != nil {
		return nil, err
	}
	secret, err := keyring.Get(s.service, agentID)
	if errors.Is(err, keyring.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, &Error{Op: "get", AgentID: agentID, err: err}
	}
	pair, err := ati.ParseAgentKeyPairPEM([]byte(secret))
	if err != nil {
		return nil, &Error{Op: "get", AgentID: agentID, err: err}
	}
	return pair, nil
}

// Put implements ati.KeyStore.
func (s *Store) Put(_ context.Context, agentID string, pair *ati.AgentKeyPair) error {
	if err := s.check("put", agentID); err != nil {
		return err
	}
	if pair == nil {
		return &Error{Op: "put", AgentID: agentID, err: errors.New("nil key pair")}
	}
	if err := keyring.Set(s.service, agentID, strings.TrimSpace(string(pair.PrivateKeyPEM()))); err != nil {
		return &Error{Op: "put", AgentID: agentID, err: err}
	}
	return nil
}

// Delete implements ati.KeyStore.
func (s *Store) Delete(_ context.Context, agentID string) error {
	if err := s.check("delete", agentID); err != nil {
		return err
	}
	if err := keyring.Delete(s.service, agentID); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return &Error{Op: "delete", AgentID: agentID, err: err}
	}
	return nil
}

// String names the store, never a key.
func (s *Store) String() string { return "keychain.Store{Service: " + fmt.Sprintf("%q", s.service) + "}" }
