package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The generated dispatch table names every operation of the spec.
func TestEveryOperationIsDispatched(t *testing.T) {
	spec, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "spec", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Count(string(spec), "operationId:"); len(calls) != want {
		t.Fatalf("%d operations in the dispatch table, want the spec's %d", len(calls), want)
	}
}
