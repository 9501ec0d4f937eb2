package store

import (
	"slices"
	"testing"

	"sanlv/fields"
)

// TestStoreOrderKeepsPublishedDigests pins the order of the store's columns: the digest of a published
// edition's inputs writes the values in this order.
func TestStoreOrderKeepsPublishedDigests(t *testing.T) {
	want := []string{"ticket_id", "unit", "role", "kind", "urgency", "resolution", "satisfaction", "contacted",
		"callback_valid", "supervised", "incomplete_materials", "opinion_incident", "excluded", "exclude_reason",
		"redispatches", "received_at", "dispatched_at", "contacted_at", "closed_at", "due_at", "category", "caller_phone",
		"accepted_at", "extended_due_at", "return_status", "returned_at", "duplicate_of", "channel", "hotline"}
	var got []string
	for i, c := range cols {
		got = append(got, c.name)
		if c.id != i {
			t.Errorf("%s: id %d at position %d", c.name, c.id, i)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("store order\n got %q\nwant %q", got, want)
	}
}

// TestEveryFieldIsStored checks that each field of the fields table is one store column with its flags.
func TestEveryFieldIsStored(t *testing.T) {
	seen := map[string]int{}
	for _, c := range cols {
		seen[c.field]++
	}
	for _, f := range fields.All() {
		if seen[f.Name] != 1 {
			t.Errorf("field %s is stored %d times", f.Name, seen[f.Name])
		}
	}
	if len(cols) != int(fields.Count) {
		t.Errorf("%d columns for %d fields", len(cols), fields.Count)
	}
}
