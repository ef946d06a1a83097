package api

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestPrivateStatusPageOnlyForMembers(t *testing.T) {
	e := newTestEnv(t)
	s := newStatusFixture(t, e)
	if rec := e.do("PUT", "/api/v1/status-pages/"+s.pageID, s.f.memberTok, map[string]any{"is_public": false}); rec.Code != http.StatusOK {
		t.Fatalf("make private: %d %s", rec.Code, rec.Body.String())
	}
	// Create a member API key to show keys work too.
	rec := e.do("POST", "/api/v1/api-keys", s.f.memberTok, map[string]any{"name": "ci", "role": "viewer"})
	if rec.Code != http.StatusCreated {
		t.Fatalf("api key: %d %s", rec.Code, rec.Body.String())
	}
	key := decode[map[string]any](t, rec)["key"].(string)
	paths := []string{"/status/" + s.slug, "/api/v1/public/status-pages/" + s.slug, "/status/" + s.slug + "/feed.rss",
		"/status/" + s.slug + "/feed.atom", "/api/v1/badge/" + s.slug + "/" + s.apiComp + "/status.svg",
		"/api/v1/badge/" + s.slug + "/" + s.apiComp + "/uptime.svg"}
	for _, p := range paths {
		for name, tok := range map[string]string{"anonymous": "", "other org": s.f.outsider.Token, "bad token": "not-a-token"} {
			if rec := e.do("GET", p, tok, nil); rec.Code != http.StatusNotFound {
				t.Errorf("%s GET %s = %d, want 404", name, p, rec.Code)
			}
		}
		for name, tok := range map[string]string{"viewer": s.f.viewerTok, "api key": key} {
			rec := e.do("GET", p, tok, nil)
			if rec.Code != http.StatusOK {
				t.Errorf("%s GET %s = %d, want 200", name, p, rec.Code)
			} else if cc := rec.Header().Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
				t.Errorf("%s GET %s Cache-Control %q, want private", name, p, cc)
			}
		}
	}
	// An unknown slug is the same 404 as a private page.
	// A browser gets it as a page, not the API's JSON.
	if rec := e.do("GET", "/status/no-such-page", "", nil); rec.Code != http.StatusNotFound ||
		!strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || !strings.Contains(rec.Body.String(), "Status page not found") {
		t.Errorf("unknown slug: %d %q %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
}

// rssTest and atomTest are the parts of the feeds the test reads back.
type rssTest struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Channel struct {
		Title string `xml:"title"`
		Link  string `xml:"link"`
		Items []struct {
			Title       string `xml:"title"`
			Description string `xml:"description"`
			PubDate     string `xml:"pubDate"`
			GUID        string `xml:"guid"`
		} `xml:"item"`
	} `xml:"channel"`
}

type atomTest struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Content string `xml:"content"`
	} `xml:"entry"`
}

func TestStatusFeedsListIncidentUpdates(t *testing.T) {
	e := newTestEnv(t)
	s := newStatusFixture(t, e)
	e.clock.Advance(time.Hour)
	if rec := e.do("POST", "/api/v1/status-pages/"+s.pageID+"/incidents/"+s.incidentID+"/updates", s.f.memberTok,
		map[string]any{"status": "resolved", "message": "Rolled back & <verified>."}); rec.Code != http.StatusCreated {
		t.Fatalf("resolve: %d %s", rec.Code, rec.Body.String())
	}
	rec := e.do("GET", "/status/"+s.slug+"/feed.rss", "", nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/rss+xml") {
		t.Fatalf("rss: %d %v", rec.Code, rec.Header())
	}
	noSecrets(t, "RSS", rec.Body.String())
	wellFormed(t, rec.Body.Bytes())
	var rss rssTest
	if err := xml.Unmarshal(rec.Body.Bytes(), &rss); err != nil {
		t.Fatalf("rss does not parse: %v", err)
	}
	if rss.Version != "2.0" || rss.Channel.Link != "http://localhost:3001/status/acme-status" || len(rss.Channel.Items) != 3 {
		t.Fatalf("rss = %+v", rss)
	}
	first := rss.Channel.Items[0]
	if first.Title != "API errors — resolved" || first.Description != "Rolled back & <verified>." || !strings.HasPrefix(first.GUID, "urn:uuid:") {
		t.Errorf("newest item = %+v", first)
	}
	if _, err := time.Parse(time.RFC1123Z, first.PubDate); err != nil {
		t.Errorf("pubDate %q: %v", first.PubDate, err)
	}
	if rss.Channel.Items[2].Description != "We are looking into failing API calls." {
		t.Errorf("oldest item = %+v", rss.Channel.Items[2])
	}

	rec = e.do("GET", "/status/"+s.slug+"/feed.atom", "", nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("atom: %d", rec.Code)
	}
	wellFormed(t, rec.Body.Bytes())
	var atom atomTest
	if err := xml.Unmarshal(rec.Body.Bytes(), &atom); err != nil {
		t.Fatalf("atom does not parse: %v", err)
	}
	if atom.ID == "" || atom.Author.Name != "Acme Inc" || len(atom.Entries) != 3 || atom.Entries[0].Content != "Rolled back & <verified>." ||
		atom.Updated != "2026-11-25T13:00:00Z" || atom.Entries[0].Updated != atom.Updated {
		t.Fatalf("atom = %+v", atom)
	}
	// The resolved incident moved to the page's recent list.
	p := decode[publicPage](t, e.do("GET", "/api/v1/public/status-pages/"+s.slug, "", nil))
	if len(p.ActiveIncidents) != 0 || len(p.RecentIncidents) != 1 || p.RecentIncidents[0].ResolvedAt == nil {
		t.Errorf("after resolve: active %d recent %+v", len(p.ActiveIncidents), p.RecentIncidents)
	}
	html := e.do("GET", "/status/"+s.slug, "", nil).Body.String()
	if !strings.Contains(html, "Rolled back &amp; &lt;verified&gt;.") {
		t.Errorf("HTML does not show the escaped resolution")
	}
}

// wellFormed walks every token of an XML document, failing on a syntax error.
func wellFormed(t *testing.T, doc []byte) (root string, texts []string) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return root, texts
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, doc)
		}
		switch v := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = v.Name.Local
			}
		case xml.CharData:
			if s := strings.TrimSpace(string(v)); s != "" {
				texts = append(texts, s)
			}
		}
	}
}

// svgTest is the part of a badge the test reads back.
type svgTest struct {
	XMLName xml.Name `xml:"http://www.w3.org/2000/svg svg"`
	Width   int      `xml:"width,attr"`
	Rects   []struct {
		Fill string `xml:"fill,attr"`
	} `xml:"g>rect"`
	Texts []string `xml:"g>text"`
}

func TestStatusBadges(t *testing.T) {
	e := newTestEnv(t)
	s := newStatusFixture(t, e)
	badge := func(path string) svgTest {
		t.Helper()
		rec := e.do("GET", "/api/v1/badge/"+s.slug+"/"+path, "", nil)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/svg+xml; charset=utf-8" ||
			rec.Header().Get("Cache-Control") != "max-age=60" {
			t.Fatalf("badge %s: %d %v %s", path, rec.Code, rec.Header(), rec.Body.String())
		}
		if root, _ := wellFormed(t, rec.Body.Bytes()); root != "svg" {
			t.Fatalf("root element %q", root)
		}
		var svg svgTest
		if err := xml.Unmarshal(rec.Body.Bytes(), &svg); err != nil {
			t.Fatalf("badge does not parse: %v", err)
		}
		return svg
	}
	st := badge(s.apiComp + "/status.svg")
	if len(st.Rects) != 3 || st.Rects[1].Fill != badgeRed || len(st.Texts) != 4 || st.Texts[0] != "API" || st.Texts[3] != "major outage" || st.Width <= 0 {
		t.Errorf("status badge = %+v", st)
	}
	// Uptime over the 30 daily bars: 3 of 4 two days ago, 0 of 1 today = 60 %.
	up := badge(s.apiComp + "/uptime.svg?days=30")
	if up.Texts[3] != "60.00%" || up.Rects[1].Fill != badgeRed || up.Texts[0] != "API uptime 30d" {
		t.Errorf("uptime badge = %+v", up)
	}
	// One day: today only, 0 %.
	if up := badge(s.apiComp + "/uptime.svg?days=1"); up.Texts[3] != "0.00%" {
		t.Errorf("1-day badge = %+v", up)
	}
	for _, c := range []struct {
		path string
		code int
	}{{s.apiComp + "/uptime.svg?days=0", 422}, {s.apiComp + "/uptime.svg?days=x", 422}, {"no-such-component/status.svg", 404}} {
		if rec := e.do("GET", "/api/v1/badge/"+s.slug+"/"+c.path, "", nil); rec.Code != c.code {
			t.Errorf("%s = %d, want %d", c.path, rec.Code, c.code)
		}
	}
	if rec := e.do("GET", "/api/v1/badge/nope/"+s.apiComp+"/status.svg", "", nil); rec.Code != 404 {
		t.Errorf("unknown page badge = %d", rec.Code)
	}
}

// The feeds speak the page's language: channel title, description, the update statuses
// in item titles, and the language element / xml:lang.
func TestStatusFeedsInThePageLanguage(t *testing.T) {
	e := newTestEnv(t)
	s := newStatusFixture(t, e)
	if rec := e.do("PUT", "/api/v1/status-pages/"+s.pageID, s.f.memberTok, map[string]any{"language": "de"}); rec.Code != http.StatusOK {
		t.Fatalf("language: %d %s", rec.Code, rec.Body.String())
	}
	e.clock.Advance(time.Hour)
	if rec := e.do("POST", "/api/v1/status-pages/"+s.pageID+"/incidents/"+s.incidentID+"/updates", s.f.memberTok,
		map[string]any{"status": "resolved", "message": "Behoben."}); rec.Code != http.StatusCreated {
		t.Fatalf("resolve: %d %s", rec.Code, rec.Body.String())
	}
	var rss struct {
		Channel struct {
			Title       string `xml:"title"`
			Description string `xml:"description"`
			Language    string `xml:"language"`
			Items       []struct {
				Title string `xml:"title"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal(e.do("GET", "/status/"+s.slug+"/feed.rss", "", nil).Body.Bytes(), &rss); err != nil {
		t.Fatal(err)
	}
	ch := rss.Channel
	if ch.Language != "de" || !strings.HasPrefix(ch.Title, "Status von ") || !strings.HasPrefix(ch.Description, "Vorfälle von ") ||
		len(ch.Items) == 0 || ch.Items[0].Title != "API errors — behoben" {
		t.Fatalf("German RSS: %+v", ch)
	}
	atom := e.do("GET", "/status/"+s.slug+"/feed.atom", "", nil).Body.String()
	if !strings.Contains(atom, `xml:lang="de"`) || !strings.Contains(atom, "<title>Status von ") {
		t.Fatalf("German Atom: %.600s", atom)
	}
}
