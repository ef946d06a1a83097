package store

import (
	"encoding/binary"
	"fmt"
)

// RuleState is the persisted streak of one rule on one subject (SPEC §4.5): how many
// results in a row failed, and — while an alert is open — how many in a row passed. It
// survives restarts, so neither a failure streak nor a recovery streak is forgotten.
type RuleState struct {
	Failures  int
	Successes int
}

// ruleStateVersion leads the encoded state, so the layout can change later.
const ruleStateVersion = 1

// appendRuleState encodes s as version, uvarint failures, uvarint successes (3–21 bytes):
// the state is read for every result, so it is kept smaller and cheaper than JSON.
func appendRuleState(dst []byte, s RuleState) []byte {
	dst = append(dst, ruleStateVersion)
	dst = binary.AppendUvarint(dst, uint64(max(s.Failures, 0)))
	return binary.AppendUvarint(dst, uint64(max(s.Successes, 0)))
}

// decodeRuleState is the inverse of appendRuleState.
func decodeRuleState(raw []byte) (RuleState, error) {
	if len(raw) < 3 || raw[0] != ruleStateVersion {
		return RuleState{}, fmt.Errorf("store: rule state: unknown encoding %x", raw)
	}
	f, n := binary.Uvarint(raw[1:])
	if n <= 0 {
		return RuleState{}, fmt.Errorf("store: rule state: bad failures %x", raw)
	}
	s, m := binary.Uvarint(raw[1+n:])
	if m <= 0 {
		return RuleState{}, fmt.Errorf("store: rule state: bad successes %x", raw)
	}
	return RuleState{Failures: int(min(f, 1<<31)), Successes: int(min(s, 1<<31))}, nil
}
