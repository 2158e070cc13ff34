package pki

// Delta CRLs (RFC 5280 §5.2.4) are located through the FreshestCRL
// extension (§4.2.1.15 in certificates, §5.2.6 in complete CRLs), which
// shares the CRLDistributionPoints syntax. Only its http URLs are fetched,
// for the reason fetchCRL gives.

// freshestURLs returns the http URLs of a FreshestCRL extension's value,
// nil for none. issuer (DER) resolves relative names.
func freshestURLs(ext, issuer []byte) ([]string, error) {
	if ext == nil {
		return nil, nil
	}
	dps, err := parseDistPoints(ext, issuer)
	if err != nil {
		return nil, err
	}
	var urls []string
	for _, dp := range dps {
		urls = addURLs(urls, dp.urls)
	}
	return urls, nil
}

// addURLs appends the URLs of more not yet in list: one certificate and
// its base CRL usually name the same delta, which is fetched once.
func addURLs(list, more []string) []string {
next:
	for _, u := range more {
		for _, have := range list {
			if have == u {
				continue next
			}
		}
		list = append(list, u)
	}
	return list
}

// fetchCRLs fetches each URL (cached ones cost a map lookup) and reports
// whether any succeeded, and the last error.
func (r *revCtx) fetchCRLs(urls []string) (bool, error) {
	fetched := false
	var lastErr error
	for _, u := range urls {
		if err := r.v.fetchCRL(r.ctx, u); err != nil {
			lastErr = err
		} else {
			fetched = true
		}
	}
	return fetched, lastErr
}
