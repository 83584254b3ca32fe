package resource

import (
	"testing"

	"github.com/ordercloud-serverless/occ/shared/contract"
)

func TestPathIDParam(t *testing.T) {
	cases := map[string]string{
		"Buyers.Save":               "buyerID",
		"Users.Save":                "userID",
		"Products.Save":             "productID",
		"Me.SaveCreditCard":         "creditcardID",
		"Specs.SaveOption":          "optionID",
		"Suppliers.SaveBuyer":       "buyerID",
		"Me.Save":                   "", // no path parameter
		"Orders.SetShippingAddress": "", // the path goes on past the ID
		"ForgottenCredentials.ResetPasswordByVerificationCode": "", // not an ID
		"Buyers.Get":   "", // not a PUT
		"Buyers.Patch": "",
	}
	for id, want := range cases {
		op, ok := contract.Op(id)
		if !ok {
			t.Fatalf("no operation %s", id)
		}
		if got := pathIDParam(op); got != want {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
}
