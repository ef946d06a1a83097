package api

import (
	"github.com/goccy/go-yaml/token"
)

// yamlNesting follows the open collections of a YAML document through the YAML library's
// tokens: block collections by the column of their entries and keys, flow collections
// by their brackets. Where a reading is unsure it counts a level more, never less: the
// count bounds the parser's work, and FuzzYAMLTokenBound holds it against the parser.
type yamlNesting struct {
	importLimits
	maxDepth int // the deepest nesting seen
	block    []blockLevel
	flow     []flowLevel
	// The previous line ended in a node with no content yet, which the library fills
	// with what the next line holds: after a tag, whatever it is and wherever it starts
	// ("- !t\n- a" nests); after a "-", a key at the same column ("-\na: 1" is [{a: 1}]).
	emptyTag         bool
	emptyEntry       bool
	emptyEntryColumn int
}

// blockLevel is an open block collection: a sequence or a mapping at a column.
type blockLevel struct {
	col        int
	seq        bool
	indentless bool // a sequence at its parent mapping's column ("key:\n- a")
}

// flowLevel is an open flow collection; pair marks an implicit single-pair mapping
// ("[a: b]") open inside a flow sequence.
type flowLevel struct {
	seq, pair bool
}

// checkYAMLTokens applies the import limits to the YAML library's own tokens, before its
// parser builds anything from them: at most maxImportTokens tokens, nesting at most
// maxImportDepth deep, no anchor and no alias.
func checkYAMLTokens(toks token.Tokens) error {
	return yamlTokenNesting(toks).err
}

// yamlTokenNesting follows the nesting of toks up to the first limit passed. Columns are
// the library's (1-based runes); a key's column is its token's, the one before the ":".
func yamlTokenNesting(toks token.Tokens) *yamlNesting {
	s := &yamlNesting{importLimits: importLimits{line: 1}}
	for i, tk := range toks {
		col := 0
		if tk.Position != nil {
			s.line, col = tk.Position.Line, tk.Position.Column
		}
		if !s.token() {
			break
		}
		switch tk.Type {
		case token.AnchorType, token.AliasType:
			s.anchor()
		case token.DocumentHeaderType:
			s.newDocument()
		case token.SequenceStartType, token.MappingStartType:
			s.pushFlow(tk.Type == token.SequenceStartType)
		case token.SequenceEndType, token.MappingEndType:
			s.popFlow()
		case token.CollectEntryType:
			s.closePair()
		case token.SequenceEntryType, token.MappingKeyType:
			s.openBlock(col, tk.Type == token.SequenceEntryType)
		case token.MappingValueType:
			if len(s.flow) > 0 {
				s.openPair()
			} else if i > 0 && toks[i-1].Position != nil {
				s.openBlock(toks[i-1].Position.Column, false)
			}
		}
		if s.err != nil {
			break
		}
		if lineEnds := i+1 == len(toks) || toks[i+1].Position == nil || toks[i+1].Position.Line > s.line; lineEnds {
			switch tk.Type {
			case token.TagType:
				s.emptyTag = true
			case token.SequenceEntryType:
				s.emptyEntry, s.emptyEntryColumn = true, col
			}
		}
	}
	return s
}

// openBlock records a block entry or key at col: a sibling of the collection open at col,
// or a new collection inside the one left of it (collections right of col have closed),
// or, right after an empty node that takes it, a new collection inside that node.
func (s *yamlNesting) openBlock(col int, seq bool) {
	fillsEmptyNode := s.emptyTag || (s.emptyEntry && !seq && col == s.emptyEntryColumn)
	s.emptyTag, s.emptyEntry = false, false
	indentless := false
	if !fillsEmptyNode {
		for n := len(s.block); n > 0; n-- {
			top := s.block[n-1]
			if top.col < col || (top.col == col && !(top.indentless && !seq)) {
				break
			}
			s.block = s.block[:n-1]
			s.depth--
		}
		if n := len(s.block); n > 0 && s.block[n-1].col == col {
			if s.block[n-1].seq == seq {
				return // a sibling
			}
			indentless = seq // "key:\n- a"; a key at a sequence's column counts as one level more
		}
	}
	if s.open() {
		s.block = append(s.block, blockLevel{col: col, seq: seq, indentless: indentless})
		s.maxDepth = max(s.maxDepth, s.depth)
	}
}

func (s *yamlNesting) pushFlow(seq bool) {
	if s.open() {
		s.flow = append(s.flow, flowLevel{seq: seq})
		s.maxDepth = max(s.maxDepth, s.depth)
	}
}

func (s *yamlNesting) popFlow() {
	if n := len(s.flow); n > 0 {
		s.closePair()
		s.flow = s.flow[:n-1]
		s.depth--
	}
}

func (s *yamlNesting) openPair() {
	if n := len(s.flow); n > 0 && s.flow[n-1].seq && !s.flow[n-1].pair && s.open() {
		s.flow[n-1].pair = true
		s.maxDepth = max(s.maxDepth, s.depth)
	}
}

func (s *yamlNesting) closePair() {
	if n := len(s.flow); n > 0 && s.flow[n-1].pair {
		s.flow[n-1].pair = false
		s.depth--
	}
}

// newDocument forgets the open collections at a document marker: a new document starts
// from the left again.
func (s *yamlNesting) newDocument() {
	s.depth = 0
	s.block, s.flow = s.block[:0], s.flow[:0]
	s.emptyTag, s.emptyEntry = false, false
}
