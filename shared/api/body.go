package api

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxBodyBytes bounds a request body: 256 KiB. An entity's largest body
// (every field at its maximum, 8,000 bytes of xp) is a few tens of KB, and
// the bound keeps any one write well under the 400 KB DynamoDB holds in
// an item.
const MaxBodyBytes = 256 << 10

// BodyTooLarge is the 400 for a body over MaxBodyBytes.
func BodyTooLarge() *Error {
	return InvalidBody(fmt.Sprintf("The body cannot be larger than %d bytes (256 KiB).", MaxBodyBytes))
}

// ReadBody reads a request's JSON object body, reading at most one byte
// past MaxBodyBytes: a larger body is refused, not truncated.
func ReadBody(r io.Reader) (Doc, *Error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBodyBytes+1))
	if err != nil {
		return nil, InvalidBody("")
	}
	if len(b) > MaxBodyBytes {
		return nil, BodyTooLarge()
	}
	return ParseBody(b)
}

// ParseBody parses a JSON object body; anything else is a 400
// Request.InvalidRequestBody.
func ParseBody(b []byte) (Doc, *Error) {
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil, InvalidBody("")
	}
	d, err := DecodeDoc(b)
	if err != nil {
		var ae *Error
		if errors.As(err, &ae) {
			return nil, ae
		}
		return nil, InvalidBody("Malformed JSON.")
	}
	return d, nil
}
