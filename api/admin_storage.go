package api

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
)

// adminStorageHandlers serves the instance admin's database endpoints (SPEC §2.5): the
// backup download and the storage report. The router hides them (404) from everyone else.
type adminStorageHandlers struct {
	*base
}

// backupStall is how long a backup download may go without progress before it is dropped
// (and its temporary copy freed). A download that keeps moving is never cut, however large.
const backupStall = time.Minute

// backup sends a consistent copy of the whole database as alertifypro-<UTC time>.db. The
// copy is first written to a temporary file at disk speed (store.Snapshot) and only then
// sent, with its Content-Length: the download holds no read transaction, so a slow or
// stalled client never holds up the store's writers. Should sending fail part-way, the
// connection is aborted, so the client sees a failed download, not a short file.
func (h *adminStorageHandlers) backup(c *gin.Context) error {
	snap, err := h.store.Snapshot()
	if err != nil {
		return err // nothing sent yet: the flat error body
	}
	defer snap.Close()
	name := "alertifypro-" + h.now().UTC().Format("20060102T150405Z") + ".db"
	c.Header("Content-Type", "application/octet-stream")
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Content-Length", strconv.FormatInt(snap.Size(), 10))
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	n, err := sendWithProgressDeadline(c.Writer, snap)
	log := loggerFrom(c).With("user_id", actorOf(c).user.ID, "bytes", n, "size", snap.Size())
	if err != nil {
		log.Warn("database backup download aborted", "error", err)
		panic(http.ErrAbortHandler)
	}
	log.Info("database backup downloaded", "file", name)
	return nil
}

// sendWithProgressDeadline copies r to w in chunks, moving the connection's write deadline
// backupStall ahead before each one (where the writer supports deadlines; elsewhere the
// server's WriteTimeout applies).
func sendWithProgressDeadline(w http.ResponseWriter, r io.Reader) (int64, error) {
	rc := http.NewResponseController(w)
	buf := make([]byte, 256<<10)
	var n int64
	for {
		k, rerr := r.Read(buf)
		if k > 0 {
			_ = rc.SetWriteDeadline(time.Now().Add(backupStall))
			wk, werr := w.Write(buf[:k])
			n += int64(wk)
			if werr != nil {
				return n, werr
			}
		}
		if errors.Is(rerr, io.EOF) {
			return n, nil
		} else if rerr != nil {
			return n, rerr
		}
	}
}

// storageView is GET /admin/storage: the file's size and free pages, entries per
// top-level bucket and per organization.
type storageView struct {
	FileSizeBytes int64            `json:"file_size_bytes"`
	DataSizeBytes int64            `json:"data_size_bytes"`
	PageSize      int              `json:"page_size"`
	FreePages     int              `json:"free_pages"`
	FreeBytes     int64            `json:"free_bytes"`
	BucketKeys    map[string]int   `json:"bucket_keys"`
	Organizations []orgStorageView `json:"organizations"`
}

// orgStorageView is one organization's share: every key under its bucket, and its raw
// results and rollup rows.
type orgStorageView struct {
	OrganizationID string `json:"organization_id"`
	Keys           int    `json:"keys"`
	Results        int    `json:"results"`
	Rollup1m       int    `json:"rollup_1m"`
	Rollup1h       int    `json:"rollup_1h"`
	Rollup1d       int    `json:"rollup_1d"`
}

// storage answers the storage report. It reads every page of the file, so it is an
// on-demand admin view, not something to poll.
func (h *adminStorageHandlers) storage(c *gin.Context) error {
	st, err := h.store.Storage()
	if err != nil {
		return err
	}
	out := storageView{FileSizeBytes: st.FileSize, DataSizeBytes: st.DataSize, PageSize: st.PageSize,
		FreePages: st.FreePages, FreeBytes: st.FreeBytes, BucketKeys: st.BucketKeys,
		Organizations: make([]orgStorageView, 0, len(st.Orgs))}
	for _, o := range st.Orgs {
		out.Organizations = append(out.Organizations, orgStorageView{OrganizationID: o.OrgID, Keys: o.Keys,
			Results: o.Results, Rollup1m: o.Rollup1m, Rollup1h: o.Rollup1h, Rollup1d: o.Rollup1d})
	}
	c.JSON(http.StatusOK, out)
	return nil
}
