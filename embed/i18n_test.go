package embed

import (
	"encoding/json"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The admin UI's catalogues (dist/app/i18n/<lang>.json, app/i18n.js): every language
// has exactly English's keys, each message non-empty with the same {placeholders}, and
// every key the code asks for with a literal — t('area.key') — exists (a plural key
// t('k', {count}) exists as k.one and k.other). Languages shipped: en, de, fr, es.
var shippedLanguages = []string{"en", "de", "fr", "es"}

// literalKey finds t('…'), t("…") and t(`…`) (without ${}) calls; the character before t
// keeps other functions ending in t (split, get, …) out.
var literalKey = regexp.MustCompile("(?:^|[^\\w.$])t\\(\\s*(?:'([^'\\n]+)'|\"([^\"\\n]+)\"|`([^`$\\n]+)`)")

var placeholder = regexp.MustCompile(`\{(\w+)\}`)

func loadCatalogues(t *testing.T) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, lang := range shippedLanguages {
		raw, err := fs.ReadFile(UI(), "app/i18n/"+lang+".json")
		if err != nil {
			t.Fatalf("catalogue %s: %v", lang, err)
		}
		var m map[string]string
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("catalogue %s is not a flat JSON object of strings: %v", lang, err)
		}
		out[lang] = m
	}
	return out
}

func placeholders(s string) []string {
	var names []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		names = append(names, m[1])
	}
	slices.Sort(names)
	return slices.Compact(names)
}

func TestCataloguesHaveTheSameKeysAndPlaceholders(t *testing.T) {
	cats := loadCatalogues(t)
	en := cats["en"]
	for _, lang := range shippedLanguages[1:] {
		cat := cats[lang]
		for _, key := range slices.Sorted(maps.Keys(en)) {
			msg, ok := cat[key]
			switch {
			case !ok:
				t.Errorf("%s: key %q missing (en: %q)", lang, key, en[key])
			case strings.TrimSpace(msg) == "":
				t.Errorf("%s: key %q is empty", lang, key)
			case !slices.Equal(placeholders(msg), placeholders(en[key])):
				t.Errorf("%s: key %q has placeholders %v, en has %v", lang, key, placeholders(msg), placeholders(en[key]))
			}
		}
		for key := range cat {
			if _, ok := en[key]; !ok {
				t.Errorf("%s: key %q is not in the English catalogue", lang, key)
			}
		}
	}
}

func TestEveryKeyUsedIsInTheCatalogues(t *testing.T) {
	en := loadCatalogues(t)["en"]
	used := 0
	err := fs.WalkDir(UI(), "app", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".js" {
			return err
		}
		src, err := fs.ReadFile(UI(), p)
		if err != nil {
			return err
		}
		for _, m := range literalKey.FindAllStringSubmatch(string(src), -1) {
			key := m[1] + m[2] + m[3]
			used++
			if _, ok := en[key]; ok {
				continue
			}
			if _, ok := en[key+".other"]; ok {
				if _, one := en[key+".one"]; !one {
					t.Errorf("%s: plural key %q has .other but no .one", p, key)
				}
				continue
			}
			t.Errorf("%s: t(%q) is in no catalogue", p, key)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if used == 0 {
		t.Fatal("no t('…') call found: the key scan is broken")
	}
}
