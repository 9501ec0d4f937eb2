package exports

import (
	"sort"

	"sanlv/scoring"
)

// CategoryCount is how many tickets of a period fell in one category (问题分类).
type CategoryCount struct {
	Category string `json:"category"`
	Count    int64  `json:"count"`
}

// Categories counts tickets by category as the rows of a period stream past: each ticket once, by
// its lead assignment (主办); excluded rows and rows without a category are not counted.
type Categories struct {
	n map[string]int64
}

// Add counts one assignment.
func (c *Categories) Add(a *scoring.Assignment) {
	if a.Role != scoring.Lead || a.Excluded || a.Category == "" {
		return
	}
	if c.n == nil {
		c.n = map[string]int64{}
	}
	c.n[a.Category]++
}

// Counts returns every category with its count, most frequent first, then by name.
func (c *Categories) Counts() []CategoryCount {
	out := make([]CategoryCount, 0, len(c.n))
	for k, v := range c.n {
		out = append(out, CategoryCount{k, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Category < out[j].Category
	})
	return out
}
