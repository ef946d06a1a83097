package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// uiAsset is one file of the admin UI, held in memory from start-up (the whole UI is under
// 1 MB), with its gzip form made once, on first request: the assets never change while
// the process runs, so no request compresses them again, and a router that never serves
// them (most tests build one) never pays for it.
type uiAsset struct {
	body  []byte
	ctype string

	once sync.Once
	gz   []byte // nil: not worth compressing (not text, or no smaller)
}

// newUIAsset holds body, typed by the file's extension.
func newUIAsset(name string, body []byte) *uiAsset {
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	if strings.HasSuffix(name, ".js") { // some systems' mime tables lack .js or say application/javascript
		ctype = "text/javascript; charset=utf-8"
	}
	return &uiAsset{body: body, ctype: ctype}
}

// gzipped returns the asset's gzip form, or nil when it is not text or would not shrink.
// Best compression: it is done once per file, and the 46 files take 33–42 ms in all.
func (a *uiAsset) gzipped() []byte {
	a.once.Do(func() {
		if !compressibleType(a.ctype) {
			return
		}
		var out bytes.Buffer
		zw, err := gzip.NewWriterLevel(&out, gzip.BestCompression)
		if err != nil {
			return // a valid level; without gzip the asset is still served as it is
		}
		if _, err := zw.Write(a.body); err != nil || zw.Close() != nil {
			return
		}
		if out.Len() < len(a.body) {
			a.gz = out.Bytes()
		}
	})
	return a.gz
}

// loadUIAssets reads every file of the UI and digests the paths and contents in sorted
// order, so the hash changes when any file is added, renamed or edited.
func loadUIAssets(files fs.FS) (assets map[string]*uiAsset, hash string, err error) {
	var names []string
	err = fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	sort.Strings(names)
	assets = make(map[string]*uiAsset, len(names))
	h := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(files, n)
		if err != nil {
			return nil, "", err
		}
		h.Write([]byte(n))
		h.Write([]byte{0})
		h.Write(b)
		h.Write([]byte{0})
		assets[n] = newUIAsset(n, b)
	}
	return assets, hex.EncodeToString(h.Sum(nil))[:16], nil
}
