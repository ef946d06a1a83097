package api

import (
	"io"
	"mime"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Content codings of API and UI answers, both from klauspost/compress. On the 905 KB list
// of 1 000 services (BenchmarkServiceListWire, 2 shared cores) its gzip at level 1 takes
// 1.3–1.9 ms for 98–115 KB — the standard library's level 1 takes 3.2 ms for more bytes —
// and its zstd 1.8–2.6 ms for 11–12 % less; either is under a tenth of the 20 ms it takes
// to build that answer. Brotli is not offered: the Go port at level 1 costs more than zstd
// for more bytes, and every browser that sends br sends gzip too.
const (
	codingGzip = "gzip"
	codingZstd = "zstd"
)

// zstdWindow bounds how far back zstd matches, and so the memory of each pooled encoder
// (~0.8 MiB). Decoders in browsers accept windows up to 8 MiB; a list page is under 1 MB,
// and 256 KiB lost nothing measurable on it.
const zstdWindow = 256 << 10

// streamEncoder is what both codings' writers offer: a compressed stream over a writer
// that can be flushed mid-way (a streaming answer) and reset onto the next response.
type streamEncoder interface {
	io.WriteCloser
	Flush() error
	Reset(w io.Writer)
}

// encoderPools keep encoders between responses: each holds ~0.8 MiB of tables, too much to
// allocate per request.
var encoderPools = map[string]*sync.Pool{
	codingGzip: {New: func() any {
		w, err := gzip.NewWriterLevel(nil, gzip.BestSpeed)
		if err != nil {
			panic(err) // BestSpeed is a valid level; an error is a programming bug
		}
		return w
	}},
	codingZstd: {New: func() any {
		w, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1),
			zstd.WithWindowSize(zstdWindow), zstd.WithLowerEncoderMem(true))
		if err != nil {
			panic(err) // fixed, valid options
		}
		return w
	}},
}

// getEncoder returns a pooled encoder of coding writing to w.
func getEncoder(coding string, w io.Writer) streamEncoder {
	enc := encoderPools[coding].Get().(streamEncoder)
	enc.Reset(w)
	return enc
}

// putEncoder returns enc to its pool, detached from the response it wrote.
func putEncoder(coding string, enc streamEncoder) {
	enc.Reset(io.Discard)
	encoderPools[coding].Put(enc)
}

// negotiateCoding picks the coding of a response from the request's Accept-Encoding: zstd
// when the client names it and rates it at least as high as gzip (smaller for the same CPU),
// else gzip when acceptable (named, or through "*"), else "" (identity).
func negotiateCoding(acceptEncoding string) string {
	if acceptEncoding == "" {
		return ""
	}
	zstdQ, named := codingQuality(acceptEncoding, codingZstd)
	gzipQ, _ := codingQuality(acceptEncoding, codingGzip)
	switch {
	case named && zstdQ > 0 && zstdQ >= gzipQ:
		return codingZstd
	case gzipQ > 0:
		return codingGzip
	}
	return ""
}

// acceptsCoding reports whether Accept-Encoding allows coding (named or through "*", and
// not refused with q=0).
func acceptsCoding(acceptEncoding, coding string) bool {
	q, _ := codingQuality(acceptEncoding, coding)
	return q > 0
}

// codingQuality is the q-value Accept-Encoding gives coding, and whether it names coding
// itself; "*" covers codings not named; a coding not covered has 0. A malformed q counts
// as 0: a client that cannot say it wants a coding does not get it.
func codingQuality(acceptEncoding, coding string) (q float64, named bool) {
	star := 0.0
	for part := range strings.SplitSeq(acceptEncoding, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		switch {
		case strings.EqualFold(name, coding) || (coding == codingGzip && strings.EqualFold(name, "x-gzip")):
			return qValue(params), true
		case name == "*":
			star = qValue(params)
		}
	}
	return star, false
}

// qValue reads "q=0.5" out of a coding's parameters; no q means 1.
func qValue(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || q < 0 || q > 1 {
			return 0
		}
		return q
	}
	return 1
}

// compressibleType reports whether a Content-Type is text that compresses: JSON, YAML,
// CSV, HTML, CSS, JavaScript, SVG, XML feeds. Images, archives and the database backup
// are left alone; an answer without a Content-Type is never guessed at.
func compressibleType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"), strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	switch mt {
	case "application/json", "application/javascript", "application/xml", "application/yaml", "application/x-yaml":
		return true
	}
	return false
}
