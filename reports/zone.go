package reports

import (
	"strings"
	"time"
)

// LoadZone loads an IANA time zone name ("Europe/Berlin", "UTC"). "" and "Local" are
// refused: they name the server's zone, which the organization cannot rely on.
func LoadZone(name string) (*time.Location, bool) {
	name = strings.TrimSpace(name)
	if name == "" || name == "Local" || len(name) > 64 {
		return nil, false
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}
