package luare

import (
	"container/list"
	"regexp"
	"sync"
)

// cacheSize bounds the compiled-pattern cache: scripts usually use a handful
// of patterns in loops, but a pattern built from data must not grow memory.
const cacheSize = 256

type cacheEntry struct {
	pattern string
	re      *regexp.Regexp
}

// lru is shared by all states; *regexp.Regexp is safe for concurrent use.
type lru struct {
	mu    sync.Mutex
	order *list.List
	items map[string]*list.Element
	max   int
}

var patterns = newLRU(cacheSize)

func newLRU(max int) *lru {
	return &lru{order: list.New(), items: map[string]*list.Element{}, max: max}
}

func (c *lru) get(pattern string) (*regexp.Regexp, error) {
	c.mu.Lock()
	if el, ok := c.items[pattern]; ok {
		c.order.MoveToFront(el)
		c.mu.Unlock()
		return el.Value.(*cacheEntry).re, nil
	}
	c.mu.Unlock()
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[pattern]; ok {
		return el.Value.(*cacheEntry).re, nil
	}
	c.items[pattern] = c.order.PushFront(&cacheEntry{pattern, re})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cacheEntry).pattern)
	}
	return re, nil
}

func (c *lru) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
