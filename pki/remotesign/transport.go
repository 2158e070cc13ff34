package remotesign

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// reply summarises one CSC exchange for the flow code.
type reply struct {
	status int
	// pending: the operation is not finished (HTTP 202, or an
	// RFC 8628-style "authorization_pending"/"slow_down" error).
	pending bool
	// slowDown: the service asked to poll less often.
	slowDown bool
}

// call POSTs in as JSON to the CSC method and decodes a 200 (or a non-empty
// 202) body into out. Every body is read through MaxResponseBytes. Errors
// are *ServiceError for a service-reported failure, or wrap
// ErrMalformedResponse / ErrResponseTooLarge / the transport error.
func (c *Client) call(ctx context.Context, method string, in, out any) (reply, error) {
	body, err := json.Marshal(in)
	if err != nil {
		return reply{}, fmt.Errorf("remotesign: %s: encoding request: %w", method, err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.RequestTimeout)
	defer cancel()
	u := c.base.JoinPath(method)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return reply{}, fmt.Errorf("remotesign: %s: %w", method, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if err := c.authorize(ctx, req); err != nil {
		return reply{}, fmt.Errorf("remotesign: %s: %w", method, err)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return reply{}, fmt.Errorf("remotesign: %s: %w", method, err)
	}
	defer resp.Body.Close()
	data, err := readLimited(resp.Body, c.cfg.MaxResponseBytes)
	if err != nil {
		return reply{status: resp.StatusCode}, fmt.Errorf("remotesign: %s: %w", method, err)
	}
	r := reply{status: resp.StatusCode}
	switch {
	case resp.StatusCode == http.StatusOK:
		if out != nil {
			if err := decodeObject(data, out); err != nil {
				return r, fmt.Errorf("remotesign: %s: %w", method, err)
			}
		}
		return r, nil
	case resp.StatusCode == http.StatusAccepted:
		r.pending = true
		if out != nil && len(bytes.TrimSpace(data)) > 0 {
			if err := decodeObject(data, out); err != nil {
				return r, fmt.Errorf("remotesign: %s: %w", method, err)
			}
		}
		return r, nil
	case resp.StatusCode >= 400 && resp.StatusCode <= 599:
		code, desc := parseErrorBody(data)
		switch strings.ToLower(code) {
		case "authorization_pending":
			r.pending = true
			return r, nil
		case "slow_down":
			r.pending, r.slowDown = true, true
			return r, nil
		}
		return r, newServiceError(method, resp.StatusCode, code, desc)
	default:
		// 3xx (redirects are not followed), 1xx, other 2xx: not CSC.
		return r, fmt.Errorf("remotesign: %s: %w: unexpected HTTP status %d", method, ErrMalformedResponse, resp.StatusCode)
	}
}

// authorize sets the service credentials on req.
func (c *Client) authorize(ctx context.Context, req *http.Request) error {
	switch {
	case c.cfg.TokenSource != nil:
		tok, err := c.cfg.TokenSource(ctx)
		if err != nil {
			return fmt.Errorf("obtaining access token: %w", err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	case c.cfg.BearerToken != "":
		req.Header.Set("Authorization", "Bearer "+c.cfg.BearerToken)
	default:
		req.SetBasicAuth(c.cfg.BasicUser, c.cfg.BasicPassword)
	}
	return nil
}

// readLimited reads at most limit bytes and reports ErrResponseTooLarge
// beyond, reading one byte more to tell "exactly limit" from "more".
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading response: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w (limit %d bytes)", ErrResponseTooLarge, limit)
	}
	return data, nil
}

// decodeObject decodes a single JSON object into out, refusing trailing
// data: a second value after the object means a confused or hostile peer.
func decodeObject(data []byte, out any) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return fmt.Errorf("%w: body is not a JSON object", ErrMalformedResponse)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("%w: %v", ErrMalformedResponse, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: trailing data after JSON object", ErrMalformedResponse)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: trailing data after JSON object", ErrMalformedResponse)
	}
	return nil
}

// parseErrorBody extracts the CSC/OAuth error fields; a body that is not the
// expected JSON (a proxy's HTML page) yields empty fields.
func parseErrorBody(data []byte) (code, desc string) {
	var e struct {
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	if json.Unmarshal(data, &e) != nil {
		return "", ""
	}
	return e.Error, e.ErrorDescription
}
