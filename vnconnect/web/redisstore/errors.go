package redisstore

// Error reports a failed Redis operation: the server is unreachable, timed
// out, or answered with an error. The stores never treat such a failure as
// "not found" or "not seen before": callers get this error and must refuse
// the request (fail closed).
type Error struct {
	Op  string // what the store was doing, e.g. "take pending"
	Err error  // the go-redis error
}

func (e *Error) Error() string { return "redisstore: " + e.Op + ": " + e.Err.Error() }

// Unwrap returns the underlying go-redis error.
func (e *Error) Unwrap() error { return e.Err }

func opError(op string, err error) error { return &Error{Op: op, Err: err} }
