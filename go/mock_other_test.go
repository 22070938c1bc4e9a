//go:build !linux

package ati

import "os/exec"

// dieWithParent is Linux-only (Pdeathsig); elsewhere TestMain's own cleanup stops the mock.
func dieWithParent(*exec.Cmd) {}
