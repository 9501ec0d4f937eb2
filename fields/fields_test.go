package fields

import (
	"slices"
	"testing"

	"sanlv/scoring"
)

// TestTableIsComplete checks that every field is declared with its names, type and accessors.
func TestTableIsComplete(t *testing.T) {
	seen := map[string]bool{}
	for i, f := range All() {
		if f.ID != ID(i) || f.Name == "" || len(f.Headers) == 0 || f.Heading == "" || f.Width == 0 || f.Column == "" {
			t.Errorf("field %d (%s) is not fully declared: %+v", i, f.Name, f)
		}
		for _, w := range append([]string{f.Name}, f.Headers...) {
			if seen[w] {
				t.Errorf("%s: name or header %q used twice", f.Name, w)
			}
			seen[w] = true
		}
		switch {
		case f.ID == Unit:
		case f.Type == Text && (f.Text == nil || f.SetText == nil):
			t.Errorf("%s: text field without accessors", f.Name)
		case f.Type != Text && (f.Num == nil || f.SetNum == nil):
			t.Errorf("%s: numeric field without accessors", f.Name)
		}
		if small := f.Type == Enum || f.Type == Tri || f.Type == Bool; small != (f.Bits > 0) {
			t.Errorf("%s: %d bits for type %d", f.Name, f.Bits, f.Type)
		}
		if f.Type == Enum && (len(f.Words) == 0 || len(f.Words) != len(f.Labels) || len(f.Words) > 1<<f.Bits) {
			t.Errorf("%s: %d words, %d labels in %d bits", f.Name, len(f.Words), len(f.Labels), f.Bits)
		}
	}
}

// TestAccessorsRoundTrip sets every field of an assignment through the table and reads it back.
func TestAccessorsRoundTrip(t *testing.T) {
	var a scoring.Assignment
	for _, f := range All() {
		switch {
		case f.Text != nil:
			f.SetText(&a, f.Name)
		case f.Num != nil:
			f.SetNum(&a, 1)
		}
	}
	want := scoring.Assignment{TicketID: "ticket_id", Role: 1, Kind: 1, Urgency: 1, Resolution: 1, Satisfaction: 1,
		Contacted: 1, CallbackValid: true, Supervised: true, IncompleteMaterials: true, OpinionIncident: true, Excluded: true,
		Redispatches: 1, Received: 1, Dispatched: 1, ContactAt: 1, Closed: 1, Due: 1, Accepted: 1, ExtendedDue: 1, Returned: 1,
		Return: 1, Category: "category", ExcludeReason: "exclude_reason", DuplicateOf: "duplicate_of", Channel: "channel",
		Hotline: "hotline", CallerPhone: "caller_phone"}
	if a != want {
		t.Errorf("got  %+v\nwant %+v", a, want)
	}
}

// TestEditions pins the field names of each edition: SPEC §3.2, then §13.1.
func TestEditions(t *testing.T) {
	first := []string{"ticket_id", "unit", "role", "received_at", "dispatched_at", "contacted_at", "closed_at", "due_at",
		"kind", "urgency", "category", "redispatches", "callback_valid", "contacted", "resolved", "satisfaction",
		"supervised", "incomplete_materials", "opinion_incident", "excluded", "exclude_reason", "caller_phone"}
	second := append(slices.Clone(first), "accepted_at", "extended_due_at", "return_status", "returned_at",
		"duplicate_of", "channel", "hotline")
	if got := Names(1); !slices.Equal(got, first) {
		t.Errorf("first edition %q", got)
	}
	if got := Names(2); !slices.Equal(got, second) {
		t.Errorf("second edition %q", got)
	}
	if id, ok := ByName("returned_at"); !ok || id != Returned || id.String() != "returned_at" {
		t.Errorf("ByName(returned_at) = %v %v", id, ok)
	}
}

// TestLabels pins the Chinese labels the detail export shows.
func TestLabels(t *testing.T) {
	for id, want := range map[ID][]string{
		Role:         {"主办", "协办"},
		Kind:         {"咨询", "求助", "投诉", "举报", "建议", "表扬"},
		Urgency:      {"一般", "紧急", "优先", "复杂"},
		Resolved:     {"", "已解决", "部分解决", "未解决"},
		Satisfaction: {"未评价", "非常满意", "满意", "基本满意", "不满意", "非常不满意"},
		ReturnStatus: {"", "退单通过", "退单驳回"},
	} {
		if got := Get(id).Labels; !slices.Equal(got, want) {
			t.Errorf("%s labels %q, want %q", id, got, want)
		}
	}
}

// TestCopiesDoNotChangeTheTable checks that a caller changing what All returns leaves the table as declared.
func TestCopiesDoNotChangeTheTable(t *testing.T) {
	all := All()
	all[Kind].Headers[0], all[Kind].Labels[0] = "x", "y"
	if f := Get(Kind); f.Headers[0] != "诉求类型" || f.Labels[0] != "咨询" {
		t.Errorf("the table changed: %q %q", f.Headers, f.Labels)
	}
}
