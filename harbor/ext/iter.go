package ext

import (
	"context"
	"errors"
	"sync"

	"github.com/harborscript/harborscript/harbor"
)

// DefaultWindow is how many finished ArtifactInfos an Iterator holds for a
// consumer that has not asked for them yet.
const DefaultWindow = 64

// Iterator streams the results of a bulk fetch to one consumer. The pool
// workers hand each finished ArtifactInfo over a channel of Window places;
// when it is full they wait, so at most Window results wait for the
// consumer, plus one in the hands of each of the MaxConnections workers
// (a whole page of up to 100 artifacts for listings without reports). Memory
// therefore depends on the window and the pool, not on the registry's size.
type Iterator struct {
	ch     chan *ArtifactInfo
	cancel context.CancelFunc
	done   chan struct{} // closed once the fetch has ended and errs is set

	errs []error

	mu     sync.Mutex
	closed bool // ended by Close before the results ran out
}

// Iterate starts a bulk fetch (GetArtifacts, or GetArtifactVulnerabilities
// when reports) whose results are read with Next. The caller must call Close
// unless Next has returned false.
func Iterate(ctx context.Context, c *harbor.Client, opts Options, reports bool, window int) *Iterator {
	if ctx == nil {
		ctx = context.Background()
	}
	if window <= 0 {
		window = DefaultWindow
	}
	ctx, cancel := context.WithCancel(ctx)
	it := &Iterator{ch: make(chan *ArtifactInfo, window), cancel: cancel, done: make(chan struct{})}
	go func() {
		errs := walk(ctx, c, opts, reports, func(info *ArtifactInfo, _ int) {
			select {
			case it.ch <- info:
			case <-ctx.Done():
			}
		})
		it.errs = errs
		close(it.ch)
		close(it.done)
	}()
	return it
}

// Next waits for the next result; false means the fetch has ended (or was
// closed) and every result was read.
func (it *Iterator) Next() (*ArtifactInfo, bool) {
	info, ok := <-it.ch
	return info, ok
}

// Buffered is the number of results waiting in the window.
func (it *Iterator) Buffered() int { return len(it.ch) }

// Close stops the fetch: requests in flight are cancelled, queued ones are
// dropped, and Close returns once every worker has stopped. It returns the
// failures of the fetch, without the cancellations Close itself caused, and
// may be called again (returning the same list).
func (it *Iterator) Close() []error {
	it.mu.Lock()
	select {
	case <-it.done:
	default:
		it.closed = true
	}
	it.mu.Unlock()
	it.cancel()
	<-it.done
	return it.Errors()
}

// Errors waits for the fetch to end and returns its failures.
func (it *Iterator) Errors() []error {
	<-it.done
	it.mu.Lock()
	closed := it.closed
	it.mu.Unlock()
	if !closed {
		return it.errs
	}
	var out []error
	for _, err := range it.errs {
		if !errors.Is(err, context.Canceled) {
			out = append(out, err)
		}
	}
	return out
}
