package api

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkGetServiceHTTP is BenchmarkGetService over real loopback TCP: an
// http.Server (httptest, 127.0.0.1) and keep-alive clients, so the figure
// includes HTTP parsing and the kernel's loopback path as a load program
// would see them. Client and server share the same 2 cores.
func BenchmarkGetServiceHTTP(b *testing.B) {
	router, key, ids := newServiceBench(b)
	srv := httptest.NewServer(router)
	b.Cleanup(srv.Close)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.SetParallelism(8) // 16 concurrent clients on 2 cores
	measureParallel(b, func(i int) error {
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/services/"+ids[(i*7)%len(ids)], nil)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	})
}
