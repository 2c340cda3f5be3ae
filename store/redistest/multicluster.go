package redistest

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// Cluster is a Redis Cluster of several masters (no replicas), each a
// redis-server on TCP ports of 127.0.0.1 (its port and its cluster bus
// port), the 16384 slots split evenly between them.
type Cluster struct {
	// Nodes are the masters; node i holds the i-th part of the slots.
	Nodes []*Server
}

// StartClusterN starts a cluster of n masters and waits until every node
// sees all of them and all slots (cluster_state:ok). The nodes stop at the
// test's cleanup. Reach it with NewClient or URL.
func StartClusterN(t testing.TB, n int) *Cluster {
	t.Helper()
	if n < 1 {
		t.Fatalf("StartClusterN(%d): need at least one master", n)
	}
	c := &Cluster{}
	buses := make([]int, n)
	clients := make([]*redis.Client, n)
	for i := range n {
		c.Nodes = append(c.Nodes, startTCP(t, nil, func(int) ([]string, error) {
			bus, err := freePort()
			buses[i] = bus
			return []string{
				"--cluster-enabled", "yes",
				"--cluster-port", strconv.Itoa(bus),
				"--cluster-node-timeout", "5000",
			}, err
		}))
		clients[i] = c.Nodes[i].NewClient(t)
		// A distinct epoch per node, as redis-cli --cluster create sets.
		do(t, clients[i], "cluster", "set-config-epoch", i+1)
		lo, hi := i*16384/n, (i+1)*16384/n-1
		do(t, clients[i], "cluster", "addslotsrange", lo, hi)
	}
	for i := 1; i < n; i++ {
		host, port, _ := strings.Cut(c.Nodes[i].Addr(), ":")
		do(t, clients[0], "cluster", "meet", host, port, buses[i])
	}
	want := fmt.Sprintf("cluster_known_nodes:%d", n)
	for i, cl := range clients {
		waitUntil(t, fmt.Sprintf("cluster node %d ok", i), func() (bool, string) {
			info, err := cl.ClusterInfo(context.Background()).Result()
			if err != nil {
				return false, err.Error()
			}
			return strings.Contains(info, "cluster_state:ok") &&
				strings.Contains(info, "cluster_slots_assigned:16384") &&
				strings.Contains(info, want), info
		})
	}
	return c
}

// Addrs are the nodes' TCP addresses.
func (c *Cluster) Addrs() []string {
	var addrs []string
	for _, n := range c.Nodes {
		addrs = append(addrs, n.Addr())
	}
	return addrs
}

// URL is the cluster's address as go-redis's ParseClusterURL reads it:
// redis://first?addr=second&addr=third.
func (c *Cluster) URL() string {
	addrs := c.Addrs()
	q := url.Values{"addr": addrs[1:]}
	u := url.URL{Scheme: "redis", Host: addrs[0], RawQuery: q.Encode()}
	return u.String()
}

// NewClient returns a Cluster client of c, closed at the test's cleanup.
func (c *Cluster) NewClient(t testing.TB) *redis.ClusterClient {
	t.Helper()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.Addrs(), ContextTimeoutEnabled: true})
	t.Cleanup(func() { _ = cc.Close() })
	return cc
}
