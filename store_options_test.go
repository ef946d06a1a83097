package main

import (
	"bytes"

	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// testStoreOptions is opts with what serve runs inside the store's transactions: a fresh
// alert state machine, the maintenance rule and subscriber notices opened with a test
// key. The tests that seed a database file for a subcommand open it through here.
func testStoreOptions(opts store.Options) store.Options {
	sealer, err := crypto.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		panic(err) // a 32-byte key always makes a sealer
	}
	opts.Alerts = alerting.NewStateMachine(alerting.Config{}).StoreHooks()
	opts.Maintenance = alerting.MaintenanceActive
	opts.Subscribers = (&notify.SubscriberNotices{Opener: sealer}).Notice
	return opts
}
