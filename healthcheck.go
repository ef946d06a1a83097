package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/kelseyhightower/envconfig"

	"github.com/alertifypro/alertifypro/config"
)

// healthcheck asks the local server's /api/v1/health and fails unless it
// answers 200. It reads only PORT and LISTEN_ADDR, so it never touches the
// data directory (it runs inside the container as the Docker HEALTHCHECK).
func healthcheck(ctx context.Context) error {
	var env struct {
		Port       int    `envconfig:"PORT" default:"3001"`
		ListenAddr string `envconfig:"LISTEN_ADDR"`
	}
	if err := envconfig.Process("", &env); err != nil {
		return err
	}
	host := env.ListenAddr
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	url := "http://" + net.JoinHostPort(host, strconv.Itoa(env.Port)) + "/api/v1/health"
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %s", url, resp.Status)
	}
	return nil
}

// genSecrets prints a fresh JWT_SECRET and ENCRYPTION_KEY in the format the
// first start writes to DATA_DIR/secrets.env.
func genSecrets(w io.Writer) error {
	jwtSecret, key, err := config.GenerateSecrets()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "JWT_SECRET=%s\nENCRYPTION_KEY=%s\n", jwtSecret, key)
	return nil
}
