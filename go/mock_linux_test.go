package ati

import (
	"os/exec"
	"runtime"
	"syscall"
)

// dieWithParent makes the kernel send the mock SIGTERM when the test binary dies. Pdeathsig
// fires when the *thread* that started the child exits, so the caller's goroutine is locked to
// its thread for good (TestMain's, which lives as long as the binary).
func dieWithParent(cmd *exec.Cmd) {
	runtime.LockOSThread()
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
