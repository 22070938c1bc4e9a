package ati

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Nullable is a value the gateway may send as JSON null, such as Agent.PublicKey or
// ActionCheckResult.ApprovalID. Valid is false for null; Value then holds T's zero value.
//
// It is used only where the spec says a field may be null. Fields that may be absent but
// never null are plain values (absent reads as the zero value), and optional request fields are
// plain values left out when zero, so Nullable never appears in a request literal.
//
// Printing a Nullable with fmt prints its value, or <nil> for null, so
// fmt.Printf("%s", result.ApprovalID) reads naturally.
type Nullable[T any] struct {
	// Value is the value when Valid, else T's zero value.
	Value T
	// Valid is false when the JSON value was null (or absent).
	Valid bool
}

// NewNullable returns a non-null Nullable holding v.
func NewNullable[T any](v T) Nullable[T] { return Nullable[T]{Value: v, Valid: true} }

// Get returns the value and whether it is non-null.
func (n Nullable[T]) Get() (T, bool) { return n.Value, n.Valid }

// Or returns the value, or fallback when it is null.
func (n Nullable[T]) Or(fallback T) T {
	if n.Valid {
		return n.Value
	}
	return fallback
}

// Ptr returns a pointer to a copy of the value, or nil when it is null.
func (n Nullable[T]) Ptr() *T {
	if !n.Valid {
		return nil
	}
	v := n.Value
	return &v
}

// IsZero reports whether n is null, so `omitzero` leaves a null out.
func (n Nullable[T]) IsZero() bool { return !n.Valid }

// MarshalJSON encodes the value, or null.
func (n Nullable[T]) MarshalJSON() ([]byte, error) {
	if !n.Valid {
		return []byte("null"), nil
	}
	return json.Marshal(n.Value)
}

// UnmarshalJSON decodes null as Valid == false and anything else as T.
func (n *Nullable[T]) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		var zero T
		n.Value, n.Valid = zero, false
		return nil
	}
	if err := json.Unmarshal(data, &n.Value); err != nil {
		return err
	}
	n.Valid = true
	return nil
}

// Format prints the value with the same verb and flags, or <nil> for null.
func (n Nullable[T]) Format(f fmt.State, verb rune) {
	if !n.Valid {
		_, _ = f.Write([]byte("<nil>"))
		return
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), n.Value)
}

// Ptr returns a pointer to v, for the few optional request fields whose zero value is
// meaningful (such as CreateSIEMDestinationRequest.Enabled, where false differs from absent).
func Ptr[T any](v T) *T { return &v }
