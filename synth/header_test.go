package synth

import "testing"

// TestHeaders pins the headers the generator writes: SPEC §3.2's fields, then §13.1's.
func TestHeaders(t *testing.T) {
	first := "ticket_id,unit,role,received_at,dispatched_at,contacted_at,closed_at,due_at,kind,urgency,category,redispatches,callback_valid,contacted,resolved,satisfaction,supervised,incomplete_materials,opinion_incident,excluded,exclude_reason,caller_phone\n"
	second := "ticket_id,unit,role,received_at,dispatched_at,contacted_at,closed_at,due_at,kind,urgency,category,redispatches,callback_valid,contacted,resolved,satisfaction,supervised,incomplete_materials,opinion_incident,excluded,exclude_reason,caller_phone,accepted_at,extended_due_at,return_status,returned_at,duplicate_of,channel,hotline\n"
	if got := header(1); got != first {
		t.Errorf("first edition header %q", got)
	}
	if got := header(2); got != second {
		t.Errorf("second edition header %q", got)
	}
}
