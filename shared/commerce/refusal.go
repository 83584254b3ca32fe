package commerce

// A Refusal is a commerce rule saying no. Its text is the contract's error
// code, so the API answers it as that code (a 400) without a second table.
type Refusal string

func (r Refusal) Error() string { return string(r) }

// ContractCode is the contract's code for the refusal. (Not ErrorCode:
// the AWS SDK's errors have that method, and they are no refusals.)
func (r Refusal) ContractCode() string { return string(r) }
