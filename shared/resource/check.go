package resource

import (
	"fmt"
	"slices"
)

// Check verifies, once every resource is declared, that every name a
// declaration uses to point at another resource (parents, references,
// reach) names one: a typo fails at start-up, in every test, rather than
// silently skipping a check at request time.
func (r *Registry) Check() error {
	var problems []string
	need := func(where, name string) {
		if r.resources[name] == nil {
			problems = append(problems, fmt.Sprintf("%s names undeclared resource %q", where, name))
		}
	}
	for _, res := range r.resources {
		for _, p := range res.Parents {
			need(res.Name+" parent", p.Resource)
		}
		for _, ref := range res.Refs {
			need(res.Name+"."+ref.Field, ref.Resource)
		}
		for _, k := range res.Counts {
			need(res.Name+" count", k.Resource)
		}
	}
	for _, a := range r.assignments {
		name := a.Resource + " " + a.Model
		for _, ref := range a.Refs {
			need(name+"."+ref.Field, ref.Resource)
		}
		for _, f := range a.Reach {
			if !slices.ContainsFunc(a.Refs, func(ref Ref) bool { return ref.Field == f }) {
				problems = append(problems, fmt.Sprintf("%s reaches through %s, which is no reference", name, f))
			}
		}
		for _, k := range a.Counts {
			need(name+" count", k.Resource)
		}
	}
	slices.Sort(problems)
	if len(problems) > 0 {
		return fmt.Errorf("resource declarations: %v", problems)
	}
	return nil
}
