package engine

import (
	"context"
	"runtime"
	"runtime/metrics"
	"time"
)

const (
	memorySampleEvery = 50 * time.Millisecond
	// A forced collection is costly; a script that churns through garbage
	// must not trigger one on every sample.
	memoryMinGCInterval = time.Second
)

const (
	metricHeapObjects = "/memory/classes/heap/objects:bytes"
	metricHeapLive    = "/gc/heap/live:bytes"
)

// watchMemory cancels the run with a memoryCause once the Go heap has grown
// by more than limit since the watch began. The heap belongs to the whole
// process, so growth is the only per-run measure available; a sample over
// the limit is confirmed after a collection, so garbage alone never ends a
// run. stop ends the watcher and waits for it.
func watchMemory(limit uint64, cancel context.CancelCauseFunc) (stop func()) {
	samples := []metrics.Sample{{Name: metricHeapObjects}, {Name: metricHeapLive}}
	read := func() (objects, live uint64) {
		metrics.Read(samples)
		return sampleUint(samples[0]), sampleUint(samples[1])
	}
	objects, live := read()
	baseline := live
	if baseline == 0 || baseline > objects {
		baseline = objects
	}

	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		ticker := time.NewTicker(memorySampleEvery)
		defer ticker.Stop()
		var lastGC time.Time
		for {
			select {
			case <-done:
				return
			case <-ticker.C:
			}
			objects, _ := read()
			if objects <= baseline || objects-baseline <= limit {
				continue
			}
			if time.Since(lastGC) < memoryMinGCInterval {
				continue
			}
			runtime.GC()
			lastGC = time.Now()
			_, live := read()
			if live > baseline && live-baseline > limit {
				cancel(&memoryCause{limit: limit})
				return
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

func sampleUint(s metrics.Sample) uint64 {
	if s.Value.Kind() == metrics.KindUint64 {
		return s.Value.Uint64()
	}
	return 0
}
