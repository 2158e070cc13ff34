package adminapi

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// decodeJSON reads the request body into v strictly: the media type must
// be JSON, unknown fields and trailing data are refused, and the size is
// capped (the body was wrapped in http.MaxBytesReader by the router). On
// failure it has answered the request and returns false.
func (a *api) decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		writeProblem(w, r, newProblem(CodeUnsupportedMedia, "send the body as application/json"))
		return false
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err = dec.Decode(v)
	if err == nil {
		// Exactly one value: "{}{}" or "{} x" is a client bug worth
		// reporting, not something to half-read.
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("unexpected data after the JSON value")
		}
	}
	if err == nil {
		return true
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		writeProblem(w, r, newProblem(CodeTooLarge, "the body is over the size limit"))
		return false
	}
	writeProblem(w, r, newProblem(CodeBadJSON, jsonDetail(err)))
	return false
}

// jsonDetail describes a decoding error without echoing the body: the
// syntax error's offset, the field of a type error, the unknown field's
// name (the client's own key, clipped).
func jsonDetail(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return "the body is empty"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the body ends early"
	case errors.As(err, &se):
		return "syntax error at byte " + strconv.FormatInt(se.Offset, 10)
	case errors.As(err, &te):
		return "field " + clip(te.Field, 64) + " must be " + te.Type.String()
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + clip(strings.TrimPrefix(err.Error(), "json: unknown field "), 64)
	}
	return "malformed JSON"
}

func clip(s string, n int) string {
	if len(s) > n {
		s = s[:n] + "…"
	}
	return strings.ToValidUTF8(s, "")
}
