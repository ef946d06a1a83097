package monitor

import (
	"regexp"
	"sync"
)

// maxCachedPatterns bounds the compiled patterns an Env keeps: more distinct
// patterns than this (services with body_regex or a json_path matches) start
// the cache over rather than grow it without end.
const maxCachedPatterns = 4096

// patternCache compiles each regular expression of the checks' options once
// per process, not once per check: the options are decoded for every check,
// but a pattern only changes when its service is saved. The API validated
// every pattern at save time; one that still does not compile (a target
// built by hand) is remembered as such. The zero value is ready to use.
type patternCache struct {
	mu       sync.Mutex
	compiled map[string]*regexp.Regexp // nil value: the pattern does not compile
}

// compile answers the compiled pattern, or the compile error.
func (c *patternCache) compile(pattern string) (*regexp.Regexp, error) {
	if c == nil {
		return regexp.Compile(pattern)
	}
	c.mu.Lock()
	re, seen := c.compiled[pattern]
	c.mu.Unlock()
	if seen && re != nil {
		return re, nil
	}
	// Compiled outside the lock (bounded by the API's pattern length), and
	// again for a pattern remembered as bad, to answer its error.
	re, err := regexp.Compile(pattern)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.compiled == nil || len(c.compiled) >= maxCachedPatterns {
		c.compiled = make(map[string]*regexp.Regexp)
	}
	c.compiled[pattern] = re
	return re, err
}
