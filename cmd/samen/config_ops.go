package main

import (
	"fmt"
	"strings"
	"time"
)

// OpsConfig is the operations listener: /healthz, /readyz and /metrics,
// and how long a shutdown may take to send what is queued.
type OpsConfig struct {
	// Listen is host:port, or "off" (env SAMEN_OPS_LISTEN wins).
	Listen string `toml:"listen"`
	// DrainTimeout bounds the last sending of the outboxes when the bot
	// stops, like "10s"; "0s": none.
	DrainTimeout string `toml:"drain_timeout"`
}

// Defaults of [ops].
const (
	defaultOpsListen    = "127.0.0.1:9090"
	defaultDrainTimeout = "10s"
	opsOff              = "off"
)

func (o *OpsConfig) fromEnv(getenv func(string) string) {
	if v := strings.TrimSpace(getenv("SAMEN_OPS_LISTEN")); v != "" {
		o.Listen = v
	}
}

func (o OpsConfig) validate() []error {
	var errs []error
	if o.Listen != opsOff {
		if err := checkListen(o.Listen); err != nil {
			errs = append(errs, fmt.Errorf("ops.listen (or SAMEN_OPS_LISTEN) is %q: use host:port, like %s, or \"off\" for no health and metrics endpoints", o.Listen, defaultOpsListen))
		}
	}
	if d, err := time.ParseDuration(o.DrainTimeout); err != nil || d < 0 {
		errs = append(errs, fmt.Errorf("ops.drain_timeout is %q: use a duration like %q (0s: stop without sending what is queued; it is sent at the next start)", o.DrainTimeout, defaultDrainTimeout))
	}
	return errs
}

// enabled reports whether the ops listener runs.
func (o OpsConfig) enabled() bool { return o.Listen != opsOff }

// drain is DrainTimeout, validated.
func (o OpsConfig) drain() time.Duration {
	d, _ := time.ParseDuration(o.DrainTimeout)
	return d
}
