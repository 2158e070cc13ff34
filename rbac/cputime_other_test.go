//go:build !linux

package rbac_test

import "testing"

// cpuTimer reports nothing where there is no per-thread CPU clock.
type cpuTimer struct{}

func startCPU(*testing.B) *cpuTimer { return &cpuTimer{} }

func (*cpuTimer) stop() {}
