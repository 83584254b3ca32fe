// Package expr parses and evaluates the expressions of OrderCloud's rules
// engine: ApprovalRule.RuleExpression and SellerApprovalRule.RuleExpression,
// which decide whether an order or return needs approval, and
// Promotion.EligibleExpression and Promotion.ValueExpression, which decide
// whether a promotion applies and how much it takes off. One language
// serves all of them.
//
// An expression is parsed once, when it is saved or loaded:
//
//	e, err := expr.Parse("order.Total > 200 and items.any(CostCenter = 'ABC')")
//
// and evaluated against an order with Bool (rules, eligibility) or Decimal
// (values). Check adds the save-time rule on the item token that depends on
// where the expression is used (see Kind).
//
// # Grammar
//
// In EBNF, lowest precedence first:
//
//	Expr    = And { "or" And } .
//	And     = Not { "and" Not } .
//	Not     = "not" Not | Compare .
//	Compare = Sum [ ( "=" | "<>" | "<" | "<=" | ">" | ">=" ) Sum ] .
//	Sum     = Product { ( "+" | "-" ) Product } .
//	Product = Unary { ( "*" | "/" | "%" ) Unary } .
//	Unary   = "-" Unary | Postfix .
//	Postfix = Primary { "." name [ Args ] } .
//	Primary = number | string | date | "true" | "false"
//	        | "(" Expr ")" | name [ Args ] .
//	Args    = "(" [ Expr { "," Expr } ] ")" .
//
//	name    = letter { letter | digit } .      letters include _
//	number  = digits [ "." digits ] | "." digits .
//	string  = "'" { character | "''" } "'" .  '' is a quote inside
//	date    = "#" { character other than # } "#" .
//
// Keywords (and, or, not, true, false) and names ignore letter case.
// Comparisons do not chain: a < b < c is a syntax error, as it is almost
// always a mistake. A date is written month/day/year as the docs show
// (#6/15/2016#), optionally with a time (#6/15/2016 14:30#), or in ISO 8601
// (#2016-06-15#); without a zone it is UTC.
//
// # Names
//
// A path starts from one of three roots, in any letter case:
//
//   - order: the order, with every property of the Order model, xp
//     included (order.Total, order.xp.Field.Sub, order.FromUser.xp.X).
//   - items: the order's line items, usable only through the functions
//     below.
//   - item: the line item a line-item-level promotion is being evaluated
//     for, with every property of the LineItem model, its Product included
//     (item.Product.xp.Tags).
//
// Inside a filter (the argument of any, all, count, quantity or total) a
// bare name is a property of the element being tested, and item is that
// element itself: items.any(ProductID = 'P1') tests each line item's
// ProductID, and order.xp.Tags.any(item = 'x') each tag. The roots order
// and items keep their meaning inside filters.
//
// Property names match exactly if they can and otherwise without regard to
// letter case, since the docs write both order.FromUser and
// Order.DateCompleted, Product.xp and product.xp. A property that does not
// exist, or a property of something that is not an object, is missing; it
// never stops evaluation.
//
// # Functions
//
// On items; the filter is optional and, when left out, every line item
// matches:
//
//	items.any(filter)       true if some line item matches
//	items.all(filter)       true if every line item matches
//	items.count(filter)     the number of matching line items
//	items.quantity(filter)  the sum of the matching line items' Quantity
//	items.total(filter)     the sum of the matching line items' LineSubtotal
//	                        (LineTotal if it has none), the amount before
//	                        promotion discounts
//
// On a list (an array in xp or on a product):
//
//	list.contains(value)  true if an element equals value
//	list.any(filter)      true if some element matches
//	list.all(filter)      true if every element matches
//	list.count(filter)    the number of matching elements; all without filter
//
// On a product or line item (a line item stands for its product):
//
//	product.incategory('catID')        assigned directly to the category
//	product.inparentcategory('catID')  assigned to it or to a category below it
//
// Others:
//
//	order.approved('ruleID')  true if that approval rule has approved the
//	                          order; approved('ruleID') alone means the same
//	now()                     the current time
//	now(days)                 the current time moved by a whole number of days
//	min(a, b), max(a, b)      the smaller or larger of two numbers
//
// Function names ignore letter case. Calling an unknown function, or a
// function with the wrong number of arguments, is an error at parse time.
//
// # Values and operators
//
// Values are numbers, text, true/false, dates, lists, objects and missing.
// Numbers are exact decimals, so 0.1 + 0.2 = 0.3 and money never picks up
// binary rounding; a quotient keeps 20 decimal places. Division or
// remainder by zero is an evaluation error.
//
// = and <> compare numbers by value, dates by instant and text exactly
// (letter case matters: the docs do not say otherwise). A number and text
// holding a number compare as numbers; a date and text holding an ISO 8601
// date compare as dates, and so do two texts that both hold one. Missing
// equals only missing; values of different kinds are never equal. When one
// side of = or <> is a text literal containing *, the * matches any run of
// characters: item = 'tag*' is true for every text starting with "tag".
//
// <, <=, > and >= order numbers, dates and texts (texts by their bytes);
// for anything else, missing included, they are false.
//
// and, or and not take true/false; missing counts as false, anything else
// is an evaluation error. and and or stop as soon as the result is known.
// Arithmetic takes numbers (or text holding a number); with a missing
// operand the result is missing, and anything else is an evaluation error.
// A list function on a missing list sees an empty list.
//
// Bool treats a missing result as false. Decimal reports a missing result as
// an error, since a promotion must not take off an amount nobody computed.
//
// # Limits
//
// Parse refuses sources longer than MaxLength bytes, nesting deeper than
// MaxDepth and number literals longer than MaxDigits digits. Evaluation
// stops with an error after MaxSteps steps, which bounds filters inside
// filters. Numbers read from data with more than 100 characters or an
// exponent beyond ±1000 read as missing. With these bounds no expression,
// however hostile, costs more than some tens of milliseconds to parse or to
// evaluate; a typical one of a few hundred characters parses in well under a
// millisecond.
//
// # Errors
//
// Parse and Check return *Error, whose Code is the contract's error code:
// Expression.InvalidToken for text that is not a token (a stray !, an
// unterminated string or date, a bad date, an unknown root name, an overlong
// number), Expression.InvalidSyntax for tokens in the wrong order (and for
// sources beyond the limits), Expression.InvalidFunction for an unknown
// function, Expression.InvalidArguments for a wrong argument count, and from
// Check, Expression.ItemNotAllowed and Expression.ItemRequired. Bool and
// Decimal return *EvalError when the data does not fit the expression, or
// the error of an Env callback.
package expr
