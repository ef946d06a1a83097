// Package oncall is the on-call schedule engine of SPEC §11: rotation layers, restrictions,
// overrides, the final rendered shifts over a window and who is on call at an instant.
//
// It is pure: no store, no clock, no I/O. Every rule works on wall-clock time in the
// schedule's IANA time zone, so a handoff at 09:00 stays at 09:00 local across
// daylight-saving changes and a 24-hour shift that spans a change lasts 23 or 25 hours.
//
// The rules the tests pin:
//
//   - A wall-clock time that does not exist (the spring-forward gap) resolves to the first
//     instant after the gap: 02:30 on 14 March 2027 in America/New_York is 03:00 EDT.
//   - A wall-clock time that occurs twice (the fall-back fold) resolves to its first
//     occurrence: 01:30 on 7 November 2027 in America/New_York is 01:30 EDT.
//   - A layer's rotation is anchored at the last handoff at or before starts_at (handoff_time
//     on every day for daily and custom rotations, on handoff_day for weekly ones); users[0]
//     is on call from starts_at to the next handoff, then users[1], and so on round the list.
//     Custom rotations hand off every shift_hours of wall-clock time.
//   - Restrictions limit a layer to windows (days + start/end); a window whose end is not
//     after its start crosses midnight and belongs to the day it starts on; "24:00" ends a
//     window at midnight; no days means every day.
//   - Layers are listed bottom to top: a later layer wins wherever it has someone on call.
//   - An override wins over every layer; where overrides overlap, the one created later
//     (later in the schedule's list) wins.
package oncall
