package api

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// csvSubscriber is one valid row of an import file.
type csvSubscriber struct {
	line        int
	email, name string
}

// csvProblem is an invalid row of an import file.
type csvProblem struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// parseSubscriberCSV reads an import file: RFC 4180 CSV (a UTF-8 byte order mark is
// ignored), an optional header row (recognized by an "email" cell; then its "email" and
// "name" columns are used, others ignored), else rows of an e-mail address and an
// optional name. Broken quoting, more than maxCSVRows rows or any invalid row is a
// 422: the first two name the file (and the line), invalid rows are listed by line, up to
// maxCSVProblems in details and the first maxCSVProblemFields in fields as "line N".
func parseSubscriberCSV(data []byte) ([]csvSubscriber, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, errValidation(map[string]string{"file": "must be UTF-8 text (save the spreadsheet as \"CSV UTF-8\")"})
	}
	if line := tooManyColumns(data); line > 0 {
		return nil, errValidation(map[string]string{"file": fmt.Sprintf("line %d has more than %d columns; nothing was imported", line, maxCSVColumns)})
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	emailCol, nameCol, header := 0, 1, false
	var rows []csvSubscriber
	var problems []csvProblem
	for n := 0; ; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				where := ""
				if pe.StartLine != pe.Line {
					where = fmt.Sprintf(" (in the row that starts on line %d: is a quote left open?)", pe.StartLine)
				}
				return nil, errValidation(map[string]string{"file": fmt.Sprintf("is not valid CSV: line %d, column %d: %v%s; nothing was imported",
					pe.Line, pe.Column, pe.Err, where)})
			}
			return nil, err
		}
		line, _ := r.FieldPos(0)
		if n == 0 && isHeaderRow(rec) {
			header, emailCol, nameCol = true, -1, -1
			for i, cell := range rec {
				switch strings.ToLower(strings.TrimSpace(cell)) {
				case "email", "e-mail", "email address", "e-mail address":
					emailCol = i
				case "name":
					nameCol = i
				}
			}
			continue
		}
		if len(rows)+len(problems) >= maxCSVRows {
			return nil, errValidation(map[string]string{"file": fmt.Sprintf("has more than %d rows; split it into smaller files (nothing was imported)", maxCSVRows)})
		}
		if !header && len(rec) > 2 {
			problems = append(problems, csvProblem{line, fmt.Sprintf("has %d columns; expected an e-mail address and an optional name (or a header row naming the email and name columns)", len(rec))})
			continue
		}
		row, msg := subscriberRow(line, rec, emailCol, nameCol)
		if msg != "" {
			problems = append(problems, csvProblem{line, msg})
			continue
		}
		rows = append(rows, row)
	}
	if len(problems) > 0 {
		return nil, invalidRowsError(problems)
	}
	if len(rows) == 0 {
		return nil, errValidation(map[string]string{"file": "has no subscribers: expected rows of an e-mail address and an optional name"})
	}
	return rows, nil
}

// maxCSVColumns bounds the columns of a row: encoding/csv makes a string per field, so
// one line of a million commas would cost tens of MiB before any check could see it.
const maxCSVColumns = 100

// tooManyColumns returns the line of the first row with more than maxCSVColumns fields,
// or 0. It follows RFC 4180 quoting (a comma or line break inside quotes is data; a
// doubled quote toggles twice) without allocating; the CSV reader judges the rest.
func tooManyColumns(data []byte) int {
	line, rowLine, commas, quoted := 1, 1, 0, false
	for _, b := range data {
		switch {
		case b == '"':
			quoted = !quoted
		case b == '\n':
			line++
			if !quoted {
				rowLine, commas = line, 0
			}
		case b == ',' && !quoted:
			if commas++; commas >= maxCSVColumns {
				return rowLine
			}
		}
	}
	return 0
}

// isHeaderRow reports whether rec names its columns (one cell is "email" or "e-mail").
func isHeaderRow(rec []string) bool {
	for _, cell := range rec {
		switch strings.ToLower(strings.TrimSpace(cell)) {
		case "email", "e-mail", "email address", "e-mail address":
			return true
		}
	}
	return false
}

// subscriberRow validates one row with the API's own e-mail and name rules; the message
// says what is wrong ("" when nothing is).
func subscriberRow(line int, rec []string, emailCol, nameCol int) (csvSubscriber, string) {
	cell := func(i int) string {
		if i < 0 || i >= len(rec) {
			return ""
		}
		return rec[i]
	}
	f := fieldErrors{}
	email := f.email("email", cell(emailCol))
	name := f.name("name", cell(nameCol), false, maxNameLen)
	if msg, bad := f["email"]; bad {
		return csvSubscriber{}, "e-mail address " + msg + shown(cell(emailCol))
	}
	if msg, bad := f["name"]; bad {
		return csvSubscriber{}, "name " + msg
	}
	return csvSubscriber{line: line, email: email, name: name}, ""
}

// shown quotes a short value for a problem message (long ones are cut).
func shown(v string) string {
	if v = strings.TrimSpace(v); v == "" {
		return ""
	}
	if utf8.RuneCountInString(v) > 60 {
		v = string([]rune(v)[:60]) + "…"
	}
	return " (" + strconv.Quote(v) + ")"
}

// invalidRowsError is the 422 listing invalid rows.
func invalidRowsError(problems []csvProblem) error {
	fields := map[string]string{}
	for _, p := range problems[:min(len(problems), maxCSVProblemFields)] {
		fields["line "+strconv.Itoa(p.Line)] = p.Message
	}
	e := errValidation(fields)
	e.Message = fmt.Sprintf("%d rows of the file are invalid; nothing was imported. Correct them and upload the file again.", len(problems))
	if len(problems) == 1 {
		e.Message = "1 row of the file is invalid; nothing was imported. Correct it and upload the file again."
	}
	e.Details = map[string]any{"problems": problems[:min(len(problems), maxCSVProblems)], "invalid_rows": len(problems)}
	return e
}
