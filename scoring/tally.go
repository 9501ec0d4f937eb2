package scoring

// roleTally counts one role's eligible assignments; all fields are whole counts, so tallies add exactly.
// Counts are 32-bit to keep tallies small and cache-resident: one unit holds at most 4,294,967,295
// assignments in one period.
type roleTally struct {
	Eligible     uint32
	Callbacks    uint32
	Contacted    uint32 // callbacks whose answer was "contacted"
	RespOnTime   uint32 // eligible contacted within the response limit
	OnTime       uint32
	Redispatched uint32
	Res          [numResolutions]uint32   // callbacks by resolution answer
	Sat          [numSatisfactions]uint32 // callbacks by satisfaction level
	Rules        [MaxRules]uint32         // eligible assignments each rule matched
}

// Tally is the mergeable aggregate of one unit's assignments in one period.
type Tally struct {
	// Assignments counts the rows in the period by the policy's basis, whatever their status.
	Assignments uint32
	Excluded    uint32
	// Received counts rows received in the period and not excluded (for requests per 10k).
	Received uint32
	Role     [numRoles]roleTally
}

// add counts an assignment that belongs to the period, with its judgement.
func (t *Tally) add(a *Assignment, j *judgement) {
	t.Assignments++
	if a.Excluded {
		t.Excluded++
	}
	if !j.eligible {
		return
	}
	r := &t.Role[a.Role]
	r.Eligible++
	if j.respOK {
		r.RespOnTime++
	}
	if !j.late {
		r.OnTime++
	}
	if a.Redispatches > 0 {
		r.Redispatched++
	}
	if j.callback {
		r.Callbacks++
		if a.Contacted == Yes {
			r.Contacted++
		}
		r.Res[a.Resolution]++
		r.Sat[a.Satisfaction]++
	}
	for m, i := j.rules, 0; m != 0; m, i = m>>1, i+1 {
		if m&1 != 0 {
			r.Rules[i]++
		}
	}
}

// Merge adds o into t.
func (t *Tally) Merge(o *Tally) {
	t.Assignments += o.Assignments
	t.Excluded += o.Excluded
	t.Received += o.Received
	for k := range t.Role {
		a, b := &t.Role[k], &o.Role[k]
		a.Eligible += b.Eligible
		a.Callbacks += b.Callbacks
		a.Contacted += b.Contacted
		a.RespOnTime += b.RespOnTime
		a.OnTime += b.OnTime
		a.Redispatched += b.Redispatched
		for i := range a.Res {
			a.Res[i] += b.Res[i]
		}
		for i := range a.Sat {
			a.Sat[i] += b.Sat[i]
		}
		for i := range a.Rules {
			a.Rules[i] += b.Rules[i]
		}
	}
}
