package store

import "encoding/json"

// serviceHead is what the overview needs of a service record.
type serviceHead struct {
	ID, Name, Status string
}

// readServiceHead reads the ID, name and status of a stored service record. Records are
// written by encoding/json from Service, whose fields up to status are strings and
// numbers, so scanServiceHead reads those and stops at status: the long tail of a record
// (options, sealed credentials, certificate) is not parsed once per row of every
// overview. A record of any other shape is decoded whole.
func readServiceHead(raw []byte) (serviceHead, error) {
	if h, ok := scanServiceHead(raw); ok {
		return h, nil
	}
	var h serviceHead
	err := json.Unmarshal(raw, &h)
	return h, err
}

// scanServiceHead reads a JSON object's members up to "status", taking "id", "name" and
// "status" when they are strings and passing over string, number and literal values; ok
// is false as soon as it meets anything else, or status before id and name (the caller
// then decodes the whole record). It relies on what encoding/json writes: each key once.
func scanServiceHead(raw []byte) (h serviceHead, ok bool) {
	var seenID, seenName bool
	i := skipJSONSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return h, false
	}
	for i++; ; i++ {
		key, escaped, next, ok := scanJSONString(raw, skipJSONSpace(raw, i))
		if !ok || escaped {
			return h, false
		}
		if i = skipJSONSpace(raw, next); i >= len(raw) || raw[i] != ':' {
			return h, false
		}
		if i = skipJSONSpace(raw, i+1); i >= len(raw) {
			return h, false
		}
		var dst *string
		switch string(key) { // no allocation: the conversion is only compared
		case "id":
			dst, seenID = &h.ID, true
		case "name":
			dst, seenName = &h.Name, true
		case "status":
			dst = &h.Status
		}
		switch {
		case raw[i] == '"':
			val, escaped, next, ok := scanJSONString(raw, i)
			if !ok {
				return h, false
			}
			if dst != nil {
				if *dst = string(val); escaped && json.Unmarshal(raw[i:next], dst) != nil {
					return h, false
				}
			}
			i = next
		case dst != nil:
			return h, false // not a string where the overview needs one
		default:
			if i = skipJSONScalar(raw, i); i < 0 {
				return h, false
			}
		}
		if string(key) == "status" {
			return h, seenID && seenName
		}
		if i = skipJSONSpace(raw, i); i >= len(raw) || raw[i] != ',' {
			return h, false // the end of the object (or worse) before "status"
		}
	}
}

// scanJSONString reads the JSON string starting at raw[i]: its bytes between the quotes,
// whether they hold escapes (then encoding/json must unquote it), and the index after its
// closing quote.
func scanJSONString(raw []byte, i int) (content []byte, escaped bool, next int, ok bool) {
	if i >= len(raw) || raw[i] != '"' {
		return nil, false, 0, false
	}
	for j := i + 1; j < len(raw); j++ {
		switch c := raw[j]; {
		case c == '\\':
			escaped = true
			j++
		case c < 0x20:
			return nil, false, 0, false
		case c == '"':
			return raw[i+1 : j], escaped, j + 1, true
		}
	}
	return nil, false, 0, false
}

// skipJSONScalar passes over a number or a literal (true, false, null) at raw[i] and
// returns the index after it; -1 for anything else (an object, an array).
func skipJSONScalar(raw []byte, i int) int {
	j := i
	for j < len(raw) {
		c := raw[j]
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '-' || c == '+' || c == '.' || c == 'E' {
			j++
			continue
		}
		break
	}
	if j == i {
		return -1
	}
	return j
}

// skipJSONSpace returns the index of the first non-space byte of raw from i on.
func skipJSONSpace(raw []byte, i int) int {
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r') {
		i++
	}
	return i
}
