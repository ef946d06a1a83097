package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// adminStorageHandlers serves the instance admin's database endpoints (SPEC §2.5): the
// backup download and the storage report. The router hides them (404) from everyone else.
type adminStorageHandlers struct {
	*base
}

// backup streams a consistent copy of the whole database (one read transaction, so
// writers go on meanwhile) as alertifypro-<UTC time>.db. The copy is written straight to
// the connection, never buffered: databases can be large. Should the store fail after the
// first bytes went out, the connection is aborted, so the client sees a failed download
// rather than a short file that looks complete.
func (x *adminStorageHandlers) backup(c *gin.Context) error {
	name := "alertifypro-" + x.now().UTC().Format("20060102T150405Z") + ".db"
	c.Header("Content-Type", "application/octet-stream")
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	n, err := x.store.WriteBackup(c.Writer)
	log := loggerFrom(c).With("user_id", actorOf(c).user.ID, "bytes", n)
	if err != nil {
		if !c.Writer.Written() {
			// Nothing went out yet: answer the flat error, not a file.
			for _, h := range []string{"Content-Type", "Content-Disposition"} {
				c.Writer.Header().Del(h)
			}
			return err
		}
		log.Error("database backup aborted", "error", err)
		panic(http.ErrAbortHandler)
	}
	log.Info("database backup downloaded", "file", name)
	return nil
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
func (x *adminStorageHandlers) storage(c *gin.Context) error {
	st, err := x.store.Storage()
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
