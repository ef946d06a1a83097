package vault

import (
	"errors"
	"reflect"
	"testing"
)

func TestReferencesAndExpand(t *testing.T) {
	text := "Bearer {{secrets.API_TOKEN}} {{ secrets.OTHER }} {{secrets.API_TOKEN}} {{secret.NOT}}"
	if got, want := References(text), []string{"API_TOKEN", "OTHER"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("References = %v, want %v", got, want)
	}
	vals := map[string]string{"API_TOKEN": "t0k", "OTHER": "o"}
	lookup := func(n string) (string, bool) { v, ok := vals[n]; return v, ok }
	got, err := Expand(text, lookup)
	if err != nil || got != "Bearer t0k o t0k {{secret.NOT}}" {
		t.Fatalf("Expand = %q, %v", got, err)
	}
	delete(vals, "OTHER")
	_, err = Expand(text, lookup)
	var unknown *UnknownSecretError
	if !errors.As(err, &unknown) || unknown.Name != "OTHER" || err.Error() != "secret OTHER was deleted" {
		t.Fatalf("Expand with a missing secret: %v", err)
	}
}

func TestValidName(t *testing.T) {
	for name, want := range map[string]bool{"API_TOKEN": true, "A": true, "lower": false, "": false,
		"WITH-DASH": false, "X" + string(make([]byte, 64)): false} {
		if ValidName(name) != want {
			t.Errorf("ValidName(%q) = %v, want %v", name, !want, want)
		}
	}
}
