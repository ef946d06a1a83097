package api

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// yamlRoundTrip writes value (any JSON value) with the export's YAML writer as the one
// entry of a document's list, reads the YAML back through the importer's conversion, and
// fails unless it is the same value.
func yamlRoundTrip(t *testing.T, value any) {
	t.Helper()
	raw, err := json.Marshal(value)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := bufio.NewWriter(&out)
	w.WriteString("list:\n")
	if err := (&yamlWriter{w: w}).item(raw); err != nil {
		t.Fatalf("write %s: %v", raw, err)
	}
	w.Flush()
	back, err := yamlToJSON(out.Bytes())
	if err != nil {
		t.Errorf("%s written as\n%s\ndoes not read back: %v", raw, out.String(), err)
		return
	}
	var want, got any
	_ = json.Unmarshal([]byte(`{"list":[`+string(raw)+`]}`), &want)
	_ = json.Unmarshal(back, &got)
	if !sameJSON(want, got) {
		t.Errorf("%s written as\n%s\nreads back as %s", raw, out.String(), back)
	}
}

// awkwardStrings are strings a YAML writer easily gets wrong: indicators in front,
// words YAML reads as other types, separators inside, every kind of control and
// invisible character, and text that is fine as it is.
var awkwardStrings = []string{
	"", " ", "  lead", "trail ", "a  b", "plain text", "Zürich · 東京 🚀",
	"-", "- x", "-x", "--- doc", "...", "? q", ":", ": x", "a:", "a: b", "a:b", "a #b", "a#b", "#c", "http://x/#frag",
	"[x]", "{x}", "x]", ",", "*alias", "&anchor", "!tag", "|", ">", "'single'", `"double"`, "it's", `say "hi"`,
	"%pct", "@at", "`tick`", "<<", "=", "~", "null", "Null", "NULL", "true", "False", "yes", "No", "on", "OFF", "y", "n",
	"0", "-1", "+1", "1.5", ".5", "1e3", "1E-7", "0x1F", "0o17", "0b101", "1_000", ".inf", "-.Inf", ".nan",
	"inf", "Infinity", "NaN", "nan", "0.", "1.", "+.5", "_1", "1__0", "0777", "08", "a - b", "a -b", "10.0.0.1",
	"2026-01-01", "2026-12-01T22:00:00Z", "12:30:45", "1:2",
	"back\\slash", `\n literal`, "line1\nline2", "trailing newline\n", "\n", "cr\r\nlf", "tab\there",
	"nul\x00", "bell\x07", "esc\x1b[31m", "del\x7f", "nel\u0085", "nbsp\u00a0", "ls\u2028", "ps\u2029",
	"bidi\u202e", "iso\u2066", "zwsp\u200b", "bom\ufeff", "repl\ufffd", "astral 𝄞 \U0001f600", "\U000e0001 tag char",
}

// TestYAMLScalarRoundTrip sends every awkward string through the YAML writer and back,
// as a value, a key and a list entry, and nested collections of every shape.
func TestYAMLScalarRoundTrip(t *testing.T) {
	for _, s := range awkwardStrings {
		yamlRoundTrip(t, map[string]any{"name": s, s: []any{s, map[string]any{s: s}}})
	}
	for _, v := range []any{
		[]any{}, map[string]any{}, []any{[]any{}}, []any{map[string]any{}}, []any{[]any{1, 2}, []any{[]any{3}}},
		map[string]any{"a": map[string]any{"b": map[string]any{}}, "c": []any{}}, []any{nil, true, false, 0, -2.5},
		map[string]any{"n": 1e-7, "m": 1e21, "k": 12345678901234567, "z": -0.0}, "top-level string", 7,
		time.Date(2026, 12, 1, 22, 0, 0, 0, time.UTC),
	} {
		yamlRoundTrip(t, v)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		yamlRoundTrip(t, map[string]any{"k": randomString(rng)})
	}
}

// FuzzYAMLScalar holds the YAML writer's string handling against the importer:
//
//	go test ./api -run '^$' -fuzz '^FuzzYAMLScalar$' -fuzztime 60s
func FuzzYAMLScalar(f *testing.F) {
	for _, s := range awkwardStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !json.Valid(must(json.Marshal(s))) {
			return
		}
		// JSON carries valid UTF-8 only; the export's strings come from JSON.
		s = strings.ToValidUTF8(s, "\ufffd")
		yamlRoundTrip(t, map[string]any{"k": s, s: s})
	})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// randomString strings together characters from the classes the writer treats
// differently.
func randomString(rng *rand.Rand) string {
	classes := []string{"a", "Z", "0", "9", " ", "-", ":", "#", "'", `"`, "\\", "[", "{", ",", "*", "&", "!", "|", ">",
		"%", "@", "`", "?", "~", "=", "<", ".", "\n", "\r", "\t", "\x00", "\x1b", "\x7f", "\u0085", "\u00a0", "\u2028",
		"\u202e", "\ufeff", "é", "東", "🚀", "e", "x", "_", "+"}
	var b strings.Builder
	for n := rng.IntN(12); n >= 0; n-- {
		b.WriteString(classes[rng.IntN(len(classes))])
	}
	return b.String()
}
