package ati

import (
	"context"
	"time"
)

// Wrap guards fn as the tool named tool: every call is checked first (a denial, or a needed
// elevation, is returned as the error and fn does not run, whatever WithBlockOnDeny says), then
// fn runs with the caller's input, and its outcome is reported (duration, and on failure
// ErrorTypeOf its error). fn's own error is returned unchanged. The input is bound to the check
// as with CheckInput; opts may add CheckEffect.
func Wrap[In, Out any](g *Guard, tool string, fn func(context.Context, In) (Out, error), opts ...CheckOption) func(context.Context, In) (Out, error) {
	return func(ctx context.Context, input In) (Out, error) {
		var zero Out
		checkOpts := append([]CheckOption{CheckInput(input)}, opts...)
		cc := checkOptions(checkOpts)
		d, err := g.decide(ctx, tool, "", &cc)
		if err != nil {
			return zero, err
		}
		if err := g.enforce(tool, d); err != nil {
			return zero, err
		}
		start := g.now()
		out, err := fn(ctx, input)
		ms := int(g.now().Sub(start) / time.Millisecond)
		if err != nil {
			g.ReportError(tool, ms, err)
			return out, err
		}
		g.Report(tool, true, ms)
		return out, nil
	}
}
