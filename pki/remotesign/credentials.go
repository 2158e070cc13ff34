package remotesign

import (
	"context"
	"fmt"
)

// maxListedCredentials bounds credentials/list: a user holds a handful of
// signing credentials, not thousands.
const maxListedCredentials = 100

// ListCredentials returns the credential IDs of userID (credentials/list,
// first page only, onlyValid). An empty userID lists the credentials of the
// service account itself, as CSC specifies for user-specific tokens.
func (c *Client) ListCredentials(ctx context.Context, userID string) ([]string, error) {
	var out listResponse
	if _, err := c.call(ctx, "credentials/list", listRequest{
		UserID: userID, OnlyValid: true, MaxResults: maxListedCredentials,
	}, &out); err != nil {
		return nil, err
	}
	if len(out.CredentialIDs) > maxListedCredentials {
		return nil, fmt.Errorf("remotesign: credentials/list: %w: %d credentials", ErrMalformedResponse, len(out.CredentialIDs))
	}
	for _, id := range out.CredentialIDs {
		if err := checkOpaque("credentialID", id, maxIDLength); err != nil {
			return nil, fmt.Errorf("remotesign: credentials/list: %w", err)
		}
	}
	return out.CredentialIDs, nil
}

// CredentialInfo returns the key, certificate chain and authorisation mode
// of a credential (credentials/info with certificates "chain").
func (c *Client) CredentialInfo(ctx context.Context, credentialID string) (*CredentialInfo, error) {
	if credentialID == "" {
		return nil, fmt.Errorf("%w: empty credential ID", ErrInvalidRequest)
	}
	var out credentialInfoJSON
	if _, err := c.call(ctx, "credentials/info", infoRequest{
		CredentialID: credentialID, Certificates: "chain", CertInfo: true, AuthInfo: true,
	}, &out); err != nil {
		return nil, err
	}
	info, err := parseCredentialInfo(credentialID, &out)
	if err != nil {
		return nil, fmt.Errorf("remotesign: credentials/info: %w", err)
	}
	return info, nil
}

// resolveCredential finds the credential a Request names. With only a
// UserID, the first listed credential whose key can perform the requested
// algorithm is used: a VGCA SIM usually holds one signing key, and when it
// holds several the caller should name one with CredentialID.
func (c *Client) resolveCredential(ctx context.Context, req *Request) (*CredentialInfo, string, error) {
	if req.CredentialID != "" {
		info, err := c.CredentialInfo(ctx, req.CredentialID)
		if err != nil {
			return nil, "", err
		}
		algo, err := checkCredential(info, req)
		return info, algo, err
	}
	ids, err := c.ListCredentials(ctx, req.UserID)
	if err != nil {
		return nil, "", err
	}
	if len(ids) == 0 {
		return nil, "", fmt.Errorf("%w: user has no valid credential", ErrCredentialNotFound)
	}
	var firstErr error
	for _, id := range ids {
		info, err := c.CredentialInfo(ctx, id)
		if err != nil {
			return nil, "", err
		}
		algo, err := checkCredential(info, req)
		if err == nil {
			return info, algo, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, "", firstErr
}

// checkCredential refuses a credential the flow cannot use and returns the
// signAlgo OID to send.
func checkCredential(info *CredentialInfo, req *Request) (string, error) {
	if info.KeyStatus != "" && info.KeyStatus != "enabled" {
		return "", fmt.Errorf("%w: key status %q", ErrCredentialDisabled, sanitize(info.KeyStatus, 32))
	}
	if info.CertStatus != "" && info.CertStatus != "valid" {
		return "", fmt.Errorf("%w: certificate status %q", ErrCredentialDisabled, sanitize(info.CertStatus, 32))
	}
	// oauth2code needs a browser redirect to the service; this flow runs
	// server-side and lets the service reach the user's phone itself
	// ("implicit", or "explicit" confirmed out of band).
	if info.AuthMode == "oauth2code" {
		return "", fmt.Errorf("%w: %q", ErrUnsupportedAuthMode, info.AuthMode)
	}
	return chooseSignAlgo(req.SignAlgorithm, req.HashAlgorithm, info.KeyAlgorithms, info.Certificate.PublicKey)
}
