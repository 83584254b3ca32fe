package integrations

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/ordercloud-serverless/occ/shared/api"
	"github.com/ordercloud-serverless/occ/shared/resource"
)

// The error config names the delivery config failed deliveries are
// reported to (a sync, a tracking event; the retry policy's dead-letter
// path may report through ReportFailure too). Validate sends it a test
// report and answers whether it arrived.

// A FailureReport is the body of an error config delivery (beyond
// OrderCloud, which documents none).
type FailureReport struct {
	Type       string // "DeliveryFailed", or "Validation" for Validate's test
	Date       string
	DeliveryID string `json:",omitempty"`
	Kind       string `json:",omitempty"`
	Source     string `json:",omitempty"`
	Error      string `json:",omitempty"`
	// Body is what failed to arrive.
	Body any `json:",omitempty"`
}

func (s *syncs) declareErrorConfig(r *resource.Registry) {
	s.singleton(r, "ErrorConfig", "ErrorConfig", crud("ErrorConfigs"))
	r.MarketplaceOnly("ErrorConfigs.Validate")
	r.Handle("ErrorConfigs.Validate", s.validateErrorConfig)
}

// errorDestination reads the error config's delivery config: nil when no
// error config is set; a refusal when its delivery config is disabled.
func (s *syncs) errorDestination(c *resource.Ctx) (api.Doc, error) {
	e, err := s.reg.Load(c, s.configs["ErrorConfig"], nil, "ErrorConfig")
	if err != nil {
		return nil, err
	}
	dc, err := s.loadDeliveryConfig(c, api.Str(e.Doc, "DeliveryConfigID"))
	if err != nil {
		return nil, err
	}
	if dc == nil {
		return nil, api.NotFound("DeliveryConfig", api.Str(e.Doc, "DeliveryConfigID"))
	}
	if on, _ := dc["Enabled"].(bool); !on {
		return nil, api.E(http.StatusBadRequest, "ErrorConfig.DeliveryConfigDisabled", map[string]any{"DeliveryConfigID": api.Str(dc, "ID")})
	}
	return dc, nil
}

// validateErrorConfig sends a test report to the error config's
// destinations, at once; any that fails is answered as a 400 naming it.
func (s *syncs) validateErrorConfig(c *resource.Ctx) (any, error) {
	dc, err := s.errorDestination(c)
	if err != nil {
		return nil, err
	}
	ds, err := deliveriesTo(dc, newEventID(), "ErrorConfig", FailureReport{Type: "Validation", Date: api.Now()})
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		d.Kind = "error"
		if derr := s.in.Deliverer.Deliver(c, d); derr != nil {
			return nil, (&api.Error{Status: http.StatusBadRequest, Code: "ErrorConfig.ValidationFailed",
				Data: map[string]any{"DeliveryConfigID": api.Str(dc, "ID"), "Destination": d.URL}}).
				WithMessage("The test message could not be delivered: " + derr.Error())
		}
	}
	return nil, nil
}

// failureDeliveries builds the reports of a failed delivery to the error
// config (none when no error config is set or it is disabled).
func (s *syncs) failureDeliveries(c *resource.Ctx, d Delivery, cause error) ([]Delivery, error) {
	dc, err := s.errorDestination(c)
	var ae *api.Error
	if errors.As(err, &ae) && ae.Status < 500 {
		return nil, nil // no error config, or its delivery config is gone or disabled
	}
	if err != nil {
		return nil, err
	}
	rep := FailureReport{Type: "DeliveryFailed", Date: api.Now(), DeliveryID: d.ID, Kind: d.Kind, Source: d.Source,
		Error: cause.Error(), Body: d.Body}
	ds, err := deliveriesTo(dc, "failure", d.ID, rep)
	for i := range ds {
		ds[i].Kind = "error"
	}
	return ds, err
}

// reportFailure sends the reports of a failed delivery once, never
// reporting a failed report (that would loop).
func (s *syncs) reportFailure(c *resource.Ctx, d Delivery, cause error) {
	ds, err := s.failureDeliveries(c, d, cause)
	if err != nil {
		slog.ErrorContext(c, "error config unreadable", "delivery", d.ID, "err", err)
	}
	for _, r := range ds {
		if err := s.in.Deliverer.Deliver(c, r); err != nil {
			slog.ErrorContext(c, "failure report not delivered", "delivery", d.ID, "report", r.ID, "err", err)
		}
	}
}

// ReportFailure builds the deliveries reporting a delivery that finally
// failed to the marketplace's error config (none when it has none): the
// retry policy's dead-letter path sends them (once; a failed report is not
// reported again).
func (in *Integrations) ReportFailure(ctx context.Context, d Delivery, cause error) ([]Delivery, error) {
	return in.syncs.failureDeliveries(in.syncs.bgCtx(ctx), d, cause)
}
