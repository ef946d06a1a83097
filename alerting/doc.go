// Package alerting decides when check results open and resolve alerts and
// when things are due: the condition expression language of alert rules
// (expr*.go, SPEC §3.9), heartbeat schedules and cron (schedule.go,
// cron.go, SPEC §3.14) and maintenance-window recurrence (recurrence.go,
// SPEC §3.13). The rule evaluation and alert state machine build on them.
package alerting
