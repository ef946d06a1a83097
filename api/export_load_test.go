package api

// The load programs that run the whole application (internal/app, which imports this
// package) live in package api_test; these give them the fixtures of this package's tests.
var (
	// TestConfig is testConfig: a valid configuration with fixed secrets.
	TestConfig = testConfig
	// SeedStatusBench is seedStatusBench: the benchmarked status page and its history.
	SeedStatusBench = seedStatusBench
)
