package commerce

// Cancel checks that an order may be canceled and returns its new status:
// an order not yet open (unsubmitted, or held for approval) may be; one
// submitted and accepted, or already finished, may not.
func Cancel(status string) (string, error) {
	switch status {
	case Unsubmitted, AwaitingApproval:
		return Canceled, nil
	}
	return "", ErrCannotCancel
}
