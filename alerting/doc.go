// Package alerting decides when check results open and resolve alerts and
// when things are due: the condition expression language of alert rules
// (expr*.go, SPEC §3.9), heartbeat schedules and cron (schedule.go,
// cron.go, SPEC §3.14) and maintenance-window recurrence (recurrence.go,
// SPEC §3.13). The alert state machine builds on them (SPEC §3.10, §4.5):
// the Alerter's evaluator runs inside the recorder's transaction
// (evaluator*.go), notifications go to the outbox in that transaction
// (notifications.go), escalations and reminders run from persisted due
// times (escalator.go, Alerter.Run), responders act through
// alerter_actions.go and signed links (alerter_ack.go), and a mass failure
// holds the pages (massfailure.go).
package alerting
