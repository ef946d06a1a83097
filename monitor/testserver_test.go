package monitor

import (
	"context"
	"io"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"
)

// Loopback test servers and environments shared by every probe test.

// loopbackServer runs handle for every connection to a fresh 127.0.0.1 port
// and returns its address. A connection closes when handle returns (or after
// 5 s at the latest); when the test ends the listener and every open
// connection are closed and every handler is waited for.
func loopbackServer(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
		wg    sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(5 * time.Second))
				handle(c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// closedLoopbackAddr is a 127.0.0.1 TCP address nothing listens on.
func closedLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// silentConn is a server that accepts and never answers; it reads until the
// client gives up.
func silentConn(c net.Conn) { _, _ = io.Copy(io.Discard, c) }

// refusingEnv is a loopback Env whose egress guard refuses every dial and
// every resolution, as the real guard does under a policy that forbids the
// target.
func refusingEnv(t *testing.T) *Env {
	env := loopbackEnv(t)
	env.Dial = func(context.Context, string, string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: refusedErr{}}
	}
	env.ResolveIP = func(context.Context, string) (netip.Addr, error) { return netip.Addr{}, refusedErr{} }
	return env
}
