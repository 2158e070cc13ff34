package rbac_test

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

// cpuTimer measures the benchmark thread's own CPU time, which other
// processes on a busy machine do not inflate the way they inflate the wall
// clock. The goroutine is locked to its thread while it runs.
type cpuTimer struct {
	b     *testing.B
	start time.Duration
}

func startCPU(b *testing.B) *cpuTimer {
	runtime.LockOSThread()
	return &cpuTimer{b: b, start: threadCPU()}
}

func (c *cpuTimer) stop() {
	used := threadCPU() - c.start
	runtime.UnlockOSThread()
	if c.b.N > 0 {
		c.b.ReportMetric(float64(used.Nanoseconds())/float64(c.b.N), "cpu-ns/op")
	}
}

func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_THREAD, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
