package resource

import (
	"io"
	"net/http"
)

// maxBody bounds request bodies (xp is at most 8 KB; bodies stay small).
const maxBody = 1 << 20

func readAll(r *http.Request) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r.Body, maxBody))
}
