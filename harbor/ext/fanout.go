package ext

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/panjf2000/ants/v2"
)

// Stages of a bulk fetch. Later stages run first when work is queued, so
// results flow out (and memory is freed) while listings are still arriving.
const (
	stageList = iota
	stageRepositoryPage
	stageArtifactPage
	stageReport
	stages
)

// fanout runs the requests of one bulk call on an ants pool of
// MaxConnections workers. Tasks queue in memory by stage; a dispatcher hands
// them to the pool, so a worker that discovers more work never blocks on a
// full pool. Decoding an answer is handed to a second pool, one worker per
// CPU, so a connection's slot is free for the next request while the last
// answer is decoded; the hand-off waits for a free decoder, which keeps
// undecoded answers bounded.
type fanout struct {
	ctx     context.Context
	cancel  context.CancelCauseFunc
	pool    *ants.Pool
	decoder *ants.Pool

	mu      sync.Mutex
	cond    *sync.Cond
	queues  [stages][]func()
	pending int // queued or running
	closed  bool

	errMu sync.Mutex
	errs  []error

	progress func(Progress)
	progMu   sync.Mutex
	prog     Progress
}

// Progress counts the requests of a bulk call, for progress bars.
type Progress struct {
	Done, Total, Failed int
}

func newFanout(ctx context.Context, workers int, progress func(Progress)) (*fanout, error) {
	if workers <= 0 {
		workers = DefaultMaxConnections
	}
	pool, err := ants.NewPool(workers)
	if err != nil {
		return nil, err
	}
	decoder, err := ants.NewPool(runtime.GOMAXPROCS(0))
	if err != nil {
		pool.Release()
		return nil, err
	}
	// pending starts at one for the caller, so the work cannot be judged
	// finished while the caller is still queuing the first tasks.
	f := &fanout{pool: pool, decoder: decoder, progress: progress, pending: 1}
	f.ctx, f.cancel = context.WithCancelCause(ctx)
	f.cond = sync.NewCond(&f.mu)
	go f.dispatch()
	return f, nil
}

// add queues a task. Safe from any goroutine, including workers.
func (f *fanout) add(stage int, task func()) {
	f.mu.Lock()
	f.queues[stage] = append(f.queues[stage], task)
	f.pending++
	f.mu.Unlock()
	f.cond.Broadcast()
	f.count(0, 1, 0)
}

// decode runs task on the decoding pool; it is called by a request worker
// with the answer in hand and returns once a decoder has taken it.
func (f *fanout) decode(task func()) {
	f.mu.Lock()
	f.pending++
	f.mu.Unlock()
	run := func() {
		defer f.finish()
		task()
	}
	if err := f.decoder.Submit(run); err != nil {
		run()
	}
}

func (f *fanout) count(done, total, failed int) {
	if f.progress == nil {
		return
	}
	// A lock of its own keeps reports in order (a bar never runs backwards)
	// without holding up the queue.
	f.progMu.Lock()
	defer f.progMu.Unlock()
	f.prog.Done += done
	f.prog.Total += total
	f.prog.Failed += failed
	f.progress(f.prog)
}

func (f *fanout) next() (func(), bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for {
		for s := stages - 1; s >= 0; s-- {
			if q := f.queues[s]; len(q) > 0 {
				task := q[0]
				q[0] = nil
				f.queues[s] = q[1:]
				return task, true
			}
		}
		if f.closed {
			return nil, false
		}
		f.cond.Wait()
	}
}

func (f *fanout) dispatch() {
	for {
		task, ok := f.next()
		if !ok {
			return
		}
		run := func() {
			defer f.finish()
			task()
		}
		if err := f.pool.Submit(run); err != nil {
			// The pool is closed or overloaded: run it here rather than lose it.
			run()
		}
	}
}

func (f *fanout) finish() {
	f.mu.Lock()
	f.pending--
	if f.pending == 0 {
		f.closed = true
	}
	f.mu.Unlock()
	f.cond.Broadcast()
}

// wait blocks until every task, including those added by tasks, has run,
// then releases the pool so no goroutine outlives the call.
func (f *fanout) wait() {
	f.finish()
	f.mu.Lock()
	for !f.closed {
		f.cond.Wait()
	}
	f.mu.Unlock()
	f.cond.Broadcast()
	f.pool.ReleaseTimeout(5 * time.Second)
	f.decoder.ReleaseTimeout(5 * time.Second)
	f.cancel(nil)
}

// fail records an error for the callback.
func (f *fanout) fail(err error) {
	f.errMu.Lock()
	f.errs = append(f.errs, err)
	f.errMu.Unlock()
}

func (f *fanout) errors() []error {
	f.errMu.Lock()
	defer f.errMu.Unlock()
	return append([]error(nil), f.errs...)
}
