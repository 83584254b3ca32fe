package resource

import (
	"fmt"
	"io"
	"net/http"

	"github.com/ordercloud-serverless/occ/shared/api"
)

// maxBody bounds request bodies (xp is at most 8 KB; bodies stay small).
const maxBody = 1 << 20

func readAll(r *http.Request) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r.Body, maxBody))
}

// readBody reads a request's whole body once (so a retried attempt can
// read it again), refusing one over maxBody.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, api.InvalidBody("")
	}
	if len(b) > maxBody {
		return nil, api.InvalidBody(fmt.Sprintf("The body is larger than %d bytes.", maxBody))
	}
	return b, nil
}
