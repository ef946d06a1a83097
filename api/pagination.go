package api

import (
	"net/http"
	"sort"
	"strconv"

	"github.com/gin-gonic/gin"
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

// paginate returns one page of items ordered by ID (UUIDv7, so creation
// order) after the cursor, and sets X-Next-Cursor when more remain.
func paginate[T any](c *gin.Context, items []T, id func(T) string, p page) []T {
	sort.Slice(items, func(i, j int) bool { return id(items[i]) < id(items[j]) })
	start := 0
	if p.cursor != "" {
		start = sort.Search(len(items), func(i int) bool { return id(items[i]) > p.cursor })
	}
	end := start + p.limit
	if end >= len(items) {
		end = len(items)
	} else {
		c.Header("X-Next-Cursor", id(items[end-1]))
	}
	return items[start:end]
}

// respondPage answers one page of items — sorted by id, cut by ?limit= and ?cursor=, the
// next cursor in X-Next-Cursor — each rendered by view, as a JSON array (never null).
// load runs only once the paging parameters are known to be valid.
func respondPage[T, V any](c *gin.Context, load func() ([]T, error), id func(T) string, view func(*T) V) error {
	return respondPageJoined(c, load, id, func(v *T) (V, error) { return view(v), nil })
}

// respondPageJoined is respondPage for a view that joins another record and so may fail;
// only the items of the page are rendered.
func respondPageJoined[T, V any](c *gin.Context, load func() ([]T, error), id func(T) string, view func(*T) (V, error)) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	items, err := load()
	if err != nil {
		return err
	}
	out := make([]V, 0, len(items))
	for _, item := range paginate(c, items, id, p) {
		v, err := view(&item)
		if err != nil {
			return err
		}
		out = append(out, v)
	}
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
