package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/store"
)

const (
	defaultPageLimit = 100
	maxPageLimit     = 1000
)

// page is a list request's ?limit= and ?cursor= (SPEC §2: default 100, max 1000).
type page struct {
	limit  int
	cursor string
}

// pageParams reads and checks ?limit= and ?cursor=.
func pageParams(c *gin.Context) (page, error) {
	p := page{limit: defaultPageLimit, cursor: c.Query("cursor")}
	if s := c.Query("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPageLimit {
			return p, errValidation(map[string]string{"limit": "must be a whole number from 1 to 1000"})
		}
		p.limit = n
	}
	return p, nil
}

// query is the page as the store's lists take it.
func (p page) query() store.ListQuery {
	return store.ListQuery{Cursor: p.cursor, Limit: p.limit}
}

// respondList answers one page of a list the store pages itself (SPEC §2): load reads the
// page of the query — in the list's order, its filters applied while the store scans — and
// returns it with the next cursor, which goes out in X-Next-Cursor; each item is rendered by
// view, and the page is a JSON array (never null). load runs only once the paging
// parameters are known to be valid, so their errors come first.
func respondList[T, V any](c *gin.Context, load func(q store.ListQuery) ([]T, string, error), view func(*T) V) error {
	return respondListJoined(c, load, func(v *T) (V, error) { return view(v), nil })
}

// respondListJoined is respondList for a view that joins another record and so may fail;
// only the items of the page are rendered.
func respondListJoined[T, V any](c *gin.Context, load func(q store.ListQuery) ([]T, string, error), view func(*T) (V, error)) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	items, next, err := load(p.query())
	if err != nil {
		return err
	}
	out := make([]V, 0, len(items))
	for i := range items {
		v, err := view(&items[i])
		if err != nil {
			return err
		}
		out = append(out, v)
	}
	setNextCursor(c, next)
	c.JSON(http.StatusOK, out)
	return nil
}

// respondCursorPage answers one page the store cut itself: items rendered by view, and the
// store's next cursor in X-Next-Cursor when more follow.
func respondCursorPage[T, V any](c *gin.Context, items []T, next string, view func(*T) V) error {
	setNextCursor(c, next)
	c.JSON(http.StatusOK, viewsOf(items, view))
	return nil
}

// setNextCursor sets X-Next-Cursor to the store's next cursor, if more items follow.
func setNextCursor(c *gin.Context, next string) {
	if next != "" {
		c.Header("X-Next-Cursor", next)
	}
}

// viewsOf renders every item with view; never nil, so an empty list encodes as [].
func viewsOf[T, V any](items []T, view func(*T) V) []V {
	out := make([]V, 0, len(items))
	for i := range items {
		out = append(out, view(&items[i]))
	}
	return out
}
