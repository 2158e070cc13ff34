package pki

import (
	"context"
	"errors"
	"net"
	"net/http"
)

// noNetworkClient fails every request: tests must not reach the network.
func noNetworkClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(context.Context, string, string) (net.Conn, error) {
			return nil, errors.New("network disabled in tests")
		},
	}}
}
