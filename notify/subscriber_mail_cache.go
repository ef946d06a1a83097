package notify

import (
	"strings"
	"sync"

	"github.com/alertifypro/alertifypro/store"
)

// unsubscribePlaceholder stands for a subscriber's unsubscribe token while a notice is
// rendered once for all its subscribers. Like real tokens it is URL-safe, so the HTML
// escaper leaves it as it is and it can be replaced in the rendered text.
const unsubscribePlaceholder = "su_UNSUBSCRIBE-PLACEHOLDER-c1b9e2"

// noticeCache keeps the message of the notice being sent. The store calls Notice once per
// subscriber of a notice, inside the notice's write transaction; rendering the template
// costs far more than the rest (parsing and HTML escaping, about 0.7 ms), so the message is
// rendered once with a placeholder link and each subscriber gets a copy with their own.
type noticeCache struct {
	mu     sync.Mutex
	notice *store.SubscriberNotice // the same pointer for every subscriber of a notice
	msg    *Message                // nil: the placeholder cannot be substituted; render each
	valid  bool
}

// message is render(n, unsubscribe), from the cache when n was rendered last.
// placeholderURL is the unsubscribe link holding unsubscribePlaceholder.
func (c *noticeCache) message(n *store.SubscriberNotice, unsubscribe, placeholderURL string,
	render func(*store.SubscriberNotice, string) *Message) *Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.valid || c.notice != n {
		c.notice, c.valid = n, true
		c.msg = render(n, placeholderURL)
		if !substitutable(c.msg, placeholderURL) {
			c.msg = nil
		}
	}
	if c.msg == nil {
		return render(n, unsubscribe)
	}
	m := *c.msg
	m.Subject = strings.ReplaceAll(m.Subject, placeholderURL, unsubscribe)
	m.Text = strings.ReplaceAll(m.Text, placeholderURL, unsubscribe)
	m.HTML = strings.ReplaceAll(m.HTML, placeholderURL, unsubscribe)
	m.ListUnsubscribe = unsubscribe
	return &m
}

// substitutable reports whether every occurrence of the placeholder in msg is the link
// verbatim: a template that changed it ({{unsubscribe_url | upper}}) is rendered per
// subscriber instead.
func substitutable(msg *Message, placeholderURL string) bool {
	marker := strings.ToLower(unsubscribePlaceholder)
	for _, part := range []string{msg.Subject, msg.Text, msg.HTML} {
		if strings.Count(strings.ToLower(part), marker) != strings.Count(part, placeholderURL) {
			return false
		}
	}
	return true
}
