package api

import "testing"

// apiFailure is shaped like the AWS SDK's errors (an ErrorCode method): a
// store outage, not a refusal of the request.
type apiFailure struct{}

func (apiFailure) Error() string     { return "InternalServerError: boom" }
func (apiFailure) ErrorCode() string { return "InternalServerError" }

func TestForeignErrorCodesAreServerErrors(t *testing.T) {
	if e := AsError(apiFailure{}); e.Status != 500 || e.Code != "ServerError" {
		t.Errorf("an AWS-shaped error became %d %s", e.Status, e.Code)
	}
}
