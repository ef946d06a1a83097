package api

import (
	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// The load programs that run the whole application (internal/app, which imports this
// package) live in package api_test; these give them the fixtures of this package's tests.
var (
	// TestConfig is testConfig: a valid configuration with fixed secrets.
	TestConfig = testConfig
	// SeedStatusBench is seedStatusBench: the benchmarked status page and its history.
	SeedStatusBench = seedStatusBench
	// SeedStoreOptions is opts with every function serve passes to the store, for a
	// database a load program seeds before the server opens it.
	SeedStoreOptions = seedStoreOptions
)

func seedStoreOptions(cfg *config.Config, opts store.Options) store.Options {
	sealer, err := crypto.NewSealer(cfg.EncryptionKeyBytes)
	if err != nil {
		panic(err) // testConfig's key is 32 bytes
	}
	return storeOptions(opts, cfg, alerting.NewStateMachine(alerting.Config{}), sealer, nil)
}
