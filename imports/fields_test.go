package imports

import (
	"testing"

	"sanlv/fields"
)

// isTime reports whether the field holds a datetime (for tests that write datetimes).
func (f field) isTime() bool { return fields.ID(f).Type().IsTime() }

// TestFieldsFollowTheTable pins imports' field constants to the positions of the fields table, and
// checks that every field of the table is a column the tickets reader accepts by its names.
func TestFieldsFollowTheTable(t *testing.T) {
	pins := map[field]fields.ID{fTicketID: fields.TicketID, fUnit: fields.Unit, fRole: fields.Role,
		fReceived: fields.Received, fDispatched: fields.Dispatched, fContactAt: fields.ContactAt, fClosed: fields.Closed,
		fDue: fields.Due, fKind: fields.Kind, fUrgency: fields.Urgency, fCategory: fields.Category,
		fRedispatches: fields.Redispatches, fCallbackValid: fields.CallbackValid, fContacted: fields.Contacted,
		fResolved: fields.Resolved, fSatisfaction: fields.Satisfaction, fSupervised: fields.Supervised,
		fIncomplete: fields.Incomplete, fOpinion: fields.Opinion, fExcluded: fields.Excluded,
		fExcludeReason: fields.ExcludeReason, fCallerPhone: fields.CallerPhone, fAccepted: fields.Accepted,
		fExtendedDue: fields.ExtendedDue, fReturnStatus: fields.ReturnStatus, fReturned: fields.Returned,
		fDuplicateOf: fields.DuplicateOf, fChannel: fields.Channel, fHotline: fields.Hotline}
	if len(pins) != int(fields.Count) || int(numFields) != int(fields.Count) {
		t.Fatalf("%d constants, %d fields in imports, %d in the table", len(pins), numFields, fields.Count)
	}
	for f, id := range pins {
		if fields.ID(f) != id {
			t.Errorf("%s is %d in imports, %d in the table", f, f, id)
		}
	}
	for _, fd := range fields.All() {
		for _, h := range append([]string{fd.Name}, fd.Headers...) {
			if got, ok := standardHeaders[headerKey(h)]; !ok || fields.ID(got) != fd.ID {
				t.Errorf("header %q reads as %v (%v), want %s", h, got, ok, fd.Name)
			}
		}
		if ticketFields[fd.ID].required != fd.Required {
			t.Errorf("%s: required %v, want %v", fd.Name, ticketFields[fd.ID].required, fd.Required)
		}
	}
	for f := range numFields {
		if want := f == fDue || f == fExtendedDue; f.isDeadline() != want {
			t.Errorf("%s: deadline %v, want %v", f, f.isDeadline(), want)
		}
	}
}
