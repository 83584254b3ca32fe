package commerce

// A Refusal is a commerce rule saying no. Its text is the contract's error
// code, so the API answers it as that code (a 400) without a second table.
type Refusal string

func (r Refusal) Error() string { return string(r) }

// ErrorCode is the contract's code for the refusal.
func (r Refusal) ErrorCode() string { return string(r) }
