package resource

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/contract"
	"github.com/ordercloud-serverless/occ/shared/store"
)

// guard wraps every handler, engine-served or hand-written, in the checks
// none may skip: the ID rule on the ID a PUT writes under, before the
// handler runs, and the store's refusal of an item too large to hold,
// which is the request's fault (a 400), not the server's.
func guard(op contract.Operation, h Handler) Handler {
	param := pathIDParam(op)
	property := param
	if m := contract.ModelByName(op.Body); m != nil {
		if _, ok := m.Field("ID"); ok {
			property = "ID"
		}
	}
	maxLen := api.IDMaxLength(contract.ModelByName(op.Body))
	return func(c *Ctx) (any, error) {
		if param != "" {
			if err := api.CheckID(property, c.Param(param), maxLen, false); err != nil {
				return nil, err
			}
		}
		body, err := h(c)
		var tl *store.TooLargeError
		if errors.As(err, &tl) {
			return nil, tooLarge(tl)
		}
		return body, err
	}
}

// tooLarge is the 400 for a write the store refused as too large.
func tooLarge(tl *store.TooLargeError) *api.Error {
	if tl.What == "item" {
		return api.InvalidBody(fmt.Sprintf("The object would take %d bytes stored, over the limit of %d (350 KiB).", tl.Size, tl.Limit))
	}
	return api.InvalidBody(fmt.Sprintf("A value the object is stored under (an ID or a username) would take %d bytes, over the limit of %d.", tl.Size, tl.Limit))
}

// pathIDParam is the path parameter a PUT writes under: the last one, when
// the path ends with it and it names an ID ("" for PUT /me, .../shipto or
// /password/reset/{verificationCode}).
func pathIDParam(op contract.Operation) string {
	if op.Method != http.MethodPut || len(op.PathParams) == 0 {
		return ""
	}
	last := op.PathParams[len(op.PathParams)-1]
	if !strings.HasSuffix(op.Path, "/{"+last+"}") || !strings.HasSuffix(strings.ToLower(last), "id") {
		return ""
	}
	return last
}
