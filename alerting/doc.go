// Package alerting decides when check results open and resolve alerts and
// when things are due: the condition expression language of alert rules
// (expr*.go, SPEC §3.9), heartbeat schedules and cron (schedule.go,
// cron.go, SPEC §3.14) and maintenance-window recurrence (recurrence.go,
// SPEC §3.13; maintenance_window.go decides when a window is active). The
// alert state machine builds on them (SPEC §3.10, §4.5): the StateMachine is
// built before the store and passed to store.Open (StoreHooks), so its
// evaluator runs inside the recorder's transaction (evaluator*.go) and
// notifications go to the outbox in that transaction (notifications.go);
// the Alerter, built on the open store, runs escalations and reminders from
// persisted due times (escalator.go, Alerter.Run), responders act through
// alerter_actions.go and signed links (alerter_ack.go), and a mass failure
// holds the pages (massfailure.go).
package alerting
