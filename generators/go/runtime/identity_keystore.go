package ati

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
)

// KeyStore keeps agents' key pairs by agent id. The client keeps the pair agents.create generates
// in its store (WithKeyStore; a MemoryKeyStore by default), and proofs of possession and DPoP
// proofs are signed with the pair found there. Implementations must be safe for concurrent use.
type KeyStore interface {
	// Get returns the agent's key pair, or nil and no error when the store has none.
	Get(ctx context.Context, agentID string) (*AgentKeyPair, error)
	// Put stores the agent's key pair, replacing any earlier one.
	Put(ctx context.Context, agentID string, pair *AgentKeyPair) error
	// Delete removes the agent's key pair; deleting one that is not there is no error.
	Delete(ctx context.Context, agentID string) error
}

// WithKeyStore sets the key store of a client (or of one call): where agents.create keeps the key
// pair it generates, and where proofs of possession find it.
func WithKeyStore(store KeyStore) Option {
	return func(c *config) {
		if store == nil {
			c.fail(newError(ErrorCodeValidationError, "WithKeyStore: store is nil"))
			return
		}
		c.keyStore = store
	}
}

// KeyStore returns the client's key store.
func (c *Client) KeyStore() KeyStore { return c.cfg.keyStore }

// KeyNotFoundError is returned when a proof needs an agent's key pair and the key store has none.
// Its Code is VALIDATION_ERROR and Details["field"] is "agent_id".
type KeyNotFoundError struct {
	AgentTrustError
	// AgentID is the agent whose key pair is missing.
	AgentID string
}

// Unwrap returns the embedded *AgentTrustError, so errors.As(err, &atiErr) matches too.
func (e *KeyNotFoundError) Unwrap() error { return &e.AgentTrustError }

func keyNotFound(agentID string) *KeyNotFoundError {
	return &KeyNotFoundError{
		AgentTrustError: AgentTrustError{
			Code: ErrorCodeValidationError,
			Message: "no key pair for agent " + strconv.Quote(agentID) + " in the key store (create the agent with this client, " +
				"or put its key pair in the store given with WithKeyStore)",
			Details: map[string]any{"field": "agent_id", "agent_id": agentID},
		},
		AgentID: agentID,
	}
}

// loadKey is the agent's key pair from store, or a *KeyNotFoundError.
func loadKey(ctx context.Context, store KeyStore, agentID string) (*AgentKeyPair, error) {
	pair, err := store.Get(ctx, agentID)
	if err != nil {
		return nil, err
	}
	if pair == nil {
		return nil, keyNotFound(agentID)
	}
	return pair, nil
}

// MemoryKeyStore keeps key pairs in memory, for the life of the process (a client's default).
type MemoryKeyStore struct {
	mu    sync.RWMutex
	pairs map[string]*AgentKeyPair
}

// NewMemoryKeyStore returns an empty in-memory store.
func NewMemoryKeyStore() *MemoryKeyStore {
	return &MemoryKeyStore{pairs: map[string]*AgentKeyPair{}}
}

// Get implements KeyStore.
func (s *MemoryKeyStore) Get(_ context.Context, agentID string) (*AgentKeyPair, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.pairs[agentID], nil
}

// Put implements KeyStore.
func (s *MemoryKeyStore) Put(_ context.Context, agentID string, pair *AgentKeyPair) error {
	if pair == nil {
		return newError(ErrorCodeValidationError, "MemoryKeyStore.Put: pair is nil")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pairs[agentID] = pair
	return nil
}

// Delete implements KeyStore.
func (s *MemoryKeyStore) Delete(_ context.Context, agentID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.pairs, agentID)
	return nil
}

// String names the store and how many pairs it holds, never a key.
func (s *MemoryKeyStore) String() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return "ati.MemoryKeyStore{Keys: " + strconv.Itoa(len(s.pairs)) + "}"
}

// GoString is String.
func (s *MemoryKeyStore) GoString() string { return s.String() }

// Format prints String for every verb.
func (s *MemoryKeyStore) Format(f fmt.State, verb rune) { formatMasked(f, verb, s.String()) }

// FileKeyStore keeps one PKCS#8 PEM file per agent ("<agent id>.pem") in a directory, for servers
// and CI: the directory is created with mode 0700, each file written atomically (a temporary
// file renamed into place) with mode 0600. Agent ids that are not plain file names are refused.
type FileKeyStore struct {
	dir string
}

// NewFileKeyStore returns a store in dir (created on the first Put).
func NewFileKeyStore(dir string) *FileKeyStore { return &FileKeyStore{dir: dir} }

// Dir is the store's directory.
func (s *FileKeyStore) Dir() string { return s.dir }

var safeAgentID = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$`)

func (s *FileKeyStore) path(agentID string) (string, error) {
	if !safeAgentID.MatchString(agentID) {
		e := newError(ErrorCodeValidationError, "FileKeyStore: agent id %q is not a safe file name (letters, digits, '.', '_', '-'; not starting with '.'; at most 128)", agentID)
		e.Details = map[string]any{"field": "agent_id"}
		return "", e
	}
	return filepath.Join(s.dir, agentID+".pem"), nil
}

func storeError(op string, err error) *AgentTrustError {
	e := newError(ErrorCodeInternalError, "FileKeyStore: cannot %s: %v", op, err)
	e.cause = err
	return e
}

// Get implements KeyStore.
func (s *FileKeyStore) Get(_ context.Context, agentID string) (*AgentKeyPair, error) {
	p, err := s.path(agentID)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, storeError("read the key of "+agentID, err)
	}
	pair, err := ParseAgentKeyPairPEM(data)
	if err != nil {
		return nil, storeError("read the key of "+agentID, err)
	}
	return pair, nil
}

// Put implements KeyStore.
func (s *FileKeyStore) Put(_ context.Context, agentID string, pair *AgentKeyPair) error {
	p, err := s.path(agentID)
	if err != nil {
		return err
	}
	if pair == nil {
		return newError(ErrorCodeValidationError, "FileKeyStore.Put: pair is nil")
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return storeError("create the directory", err)
	}
	tmp, err := os.CreateTemp(s.dir, "."+agentID+".*.tmp")
	if err != nil {
		return storeError("write the key of "+agentID, err)
	}
	// CreateTemp makes the file 0600 already; Chmod keeps it so under any umask or platform.
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.Write(pair.PrivateKeyPEM())
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return storeError("write the key of "+agentID, err)
	}
	return nil
}

// Delete implements KeyStore.
func (s *FileKeyStore) Delete(_ context.Context, agentID string) error {
	p, err := s.path(agentID)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return storeError("delete the key of "+agentID, err)
	}
	return nil
}
