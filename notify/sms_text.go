package notify

import (
	"strings"
	"unicode/utf16"
)

// SMS segment sizes: a message in the GSM 03.38 7-bit alphabet takes 160 characters
// in one segment and 153 per segment when split; any other character makes the whole
// message UCS-2, 70 and 67 (UTF-16 units).
const (
	smsSegmentsMax  = 2
	gsmSingle       = 160
	gsmPart         = 153
	ucs2Single      = 70
	ucs2Part        = 67
	smsMinLineChars = 60 // the link is left out rather than cut the line shorter
)

// gsmBasic is the GSM 03.38 basic character set; gsmExtension's characters take two
// septets (an escape and the character).
const (
	gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsmExtension = "^{}\\[~]|€\f"
)

// smsASCII replaces the typographic characters our own text or a check error may
// hold by their ASCII forms, which keep a message in GSM-7 when nothing else needs
// UCS-2.
var smsASCII = strings.NewReplacer("…", "...", "—", "-", "–", "-", "‘", "'", "’", "'", "“", `"`, "”", `"`, "\t", " ")

// smsText plans an SMS: line (made GSM-7 friendly, cut with "..." if needed) and, on a
// line of its own, link, in at most maxSegments segments. A link that would leave
// fewer than smsMinLineChars for the line is left out.
func smsText(line, link string, maxSegments int) string {
	line = oneLine(smsASCII.Replace(line))
	budget := func(s string) int { // characters (septets or UTF-16 units) that fit
		if gsmOnly(s) {
			return gsmPart * maxSegments
		}
		return ucs2Part * maxSegments
	}
	if link != "" && budget(line+link)-smsLength(link)-1 < smsMinLineChars {
		link = ""
	}
	room := budget(line + link)
	if link != "" {
		room -= smsLength(link) + 1
	}
	line = cutSMS(line, room)
	if link == "" {
		return line
	}
	return line + "\n" + link
}

// cutSMS cuts s to at most room units (as smsLength counts them), marking a cut
// with "...".
func cutSMS(s string, room int) string {
	if smsLength(s) <= room {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && smsLength(string(r))+3 > room {
		r = r[:len(r)-1]
	}
	return strings.TrimRight(string(r), " ") + "..."
}

// gsmOnly reports whether s can be sent in the GSM 7-bit alphabet.
func gsmOnly(s string) bool {
	for _, c := range s {
		if !strings.ContainsRune(gsmBasic, c) && !strings.ContainsRune(gsmExtension, c) {
			return false
		}
	}
	return true
}

// smsLength is s's length in its encoding: septets in GSM-7 (an extension character
// counts two), UTF-16 units in UCS-2.
func smsLength(s string) int {
	if !gsmOnly(s) {
		return len(utf16.Encode([]rune(s)))
	}
	n := 0
	for _, c := range s {
		n++
		if strings.ContainsRune(gsmExtension, c) {
			n++
		}
	}
	return n
}

// smsSegments is how many segments s is sent in.
func smsSegments(s string) int {
	n, single, part := smsLength(s), gsmSingle, gsmPart
	if !gsmOnly(s) {
		single, part = ucs2Single, ucs2Part
	}
	if n <= single {
		return 1
	}
	return (n + part - 1) / part
}
