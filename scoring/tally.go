package scoring

import "math/bits"

// roleTally counts one role's assignments; all fields are whole counts, so tallies add exactly.
// Counts are 32-bit to keep tallies small and cache-resident: one unit holds at most 4,294,967,295
// assignments in one period.
type roleTally struct {
	Eligible     uint32
	Callbacks    uint32
	Contacted    uint32 // callbacks whose answer was "contacted"
	RespOnTime   uint32 // eligible contacted within the response limit
	OnTime       uint32
	Redispatched uint32
	Accepted     uint32                   // eligible accepted within the acceptance limit
	Rejected     uint32                   // eligible whose return was rejected
	Returned     uint32                   // approved returns that pass the filters
	RepeatE      uint32                   // repeats that are (treat: count) or would be (merge) eligible
	Merged       uint32                   // merged repeats that pass the filters
	OverdueOpen  uint32                   // O: still open past a deadline in the period
	ClosureDen   uint32                   // D: deadline in the period
	ClosureNum   uint32                   // D closed before the period's end
	Res          [numResolutions]uint32   // callbacks by resolution answer
	Sat          [numSatisfactions]uint32 // callbacks by satisfaction level
	Rules        [MaxRules]uint32         // eligible assignments each rule matched
}

// rawTally counts what the raw rates (SPEC §13.8) add to the eligible rows.
type rawTally struct {
	Eligible, Callbacks, Contacted, RespOnTime, OnTime, OverdueOpen uint32
	Res                                                             [numResolutions]uint32
	Sat                                                             [numSatisfactions]uint32
}

// Tally is the mergeable aggregate of one unit's assignments in one period.
type Tally struct {
	// Assignments counts the rows in the period by the policy's basis, whatever their status.
	Assignments uint32
	Excluded    uint32
	// Received counts rows received in the period, neither excluded nor merged repeats (for requests per 10k).
	Received uint32
	Role     [numRoles]roleTally
	// Raw counts, by role, the raw rows that are not eligible (excluded rows, merged repeats); kept
	// apart so that the counts every row touches stay close together. An eligible row whose answers
	// an appeal corrected adds its answers as imported here and its corrected ones to RawMinus, so
	// that raw rates (eligible + Raw − RawMinus) read the answers as imported.
	Raw, RawMinus [numRoles]rawTally
}

// apply counts a judged in-scope row of unit u in the book's tallies, as a repeat or not.
func (b *Book) apply(u int32, r *row, repeat bool) {
	n := b.dir.Len()
	f := r.flags
	merged := repeat && b.p.mergeRepeats && f&rApproved == 0
	if r.ri >= 0 && f&rExcluded == 0 && !merged {
		b.tallies[int(r.ri)*n+int(u)].Received++
	}
	if r.pi >= 0 {
		t := &b.tallies[int(r.pi)*n+int(u)]
		t.Assignments++
		if f&rExcluded != 0 {
			t.Excluded++
		}
		rt := &t.Role[r.role]
		switch {
		case f&(rPass|rClosed|rApproved) == rPass|rClosed:
			if repeat {
				rt.RepeatE++
			}
			if !merged {
				rt.add(r, repeat)
				if r.corrected {
					t.RawMinus[r.role].add(r)
					t.Raw[r.role].add(r.imported())
				}
				break
			}
			rt.Merged++
			t.Raw[r.role].add(r.imported())
		case f&(rKindRole|rClosed|rApproved) == rKindRole|rClosed:
			t.Raw[r.role].add(r.imported()) // excluded
		case f&(rPass|rApproved) == rPass|rApproved:
			rt.Returned++
		case f&(rPass|rApproved) == rPass && merged:
			rt.Merged++ // open
		}
	}
	if r.di >= 0 && f&(rKindRole|rApproved) == rKindRole {
		t := &b.tallies[int(r.di)*n+int(u)]
		rt := &t.Role[r.role]
		open := f&rOpenAtDue != 0 && b.p.CountOpenOverdue
		if f&rPass != 0 && !merged {
			rt.ClosureDen++
			if f&rOpenAtDue == 0 {
				rt.ClosureNum++
			}
			if open {
				rt.OverdueOpen++
			}
		} else if open {
			t.Raw[r.role].OverdueOpen++
		}
	}
}

// add counts an eligible row. Counts are added without branches (flag bits as 0 or 1), since row
// outcomes are unpredictable.
func (rt *roleTally) add(r *row, repeat bool) {
	f := uint32(r.flags)
	rt.Eligible++
	rt.RespOnTime += flagBit(f, rRespOK)
	rt.OnTime += flagBit(f, rLate) ^ 1
	rt.Redispatched += flagBit(f, rRedisp)
	rt.Accepted += flagBit(f, rAccOK)
	rt.Rejected += flagBit(f, rRejected)
	cb := flagBit(f, rCallback)
	rt.Callbacks += cb
	rt.Contacted += cb & flagBit(f, rContacted)
	rt.Res[r.res] += cb
	rt.Sat[r.sat] += cb
	m := r.rules
	if repeat {
		m = r.rulesRepeat
	}
	for ; m != 0; m &= m - 1 {
		rt.Rules[bits.TrailingZeros32(m)&(MaxRules-1)]++
	}
}

// add counts a raw row that is not eligible.
func (rt *rawTally) add(r *row) {
	f := uint32(r.flags)
	rt.Eligible++
	rt.RespOnTime += flagBit(f, rRespOK)
	rt.OnTime += flagBit(f, rLate) ^ 1
	cb := flagBit(f, rCallback)
	rt.Callbacks += cb
	rt.Contacted += cb & flagBit(f, rContacted)
	rt.Res[r.res] += cb
	rt.Sat[r.sat] += cb
}

// flagBit returns 1 when flag (a single bit) is set in f, else 0.
func flagBit(f uint32, flag uint32) uint32 {
	return f / flag & 1
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
		a.Accepted += b.Accepted
		a.Rejected += b.Rejected
		a.Returned += b.Returned
		a.RepeatE += b.RepeatE
		a.Merged += b.Merged
		a.OverdueOpen += b.OverdueOpen
		a.ClosureDen += b.ClosureDen
		a.ClosureNum += b.ClosureNum
		addAll(a.Res[:], b.Res[:])
		addAll(a.Sat[:], b.Sat[:])
		addAll(a.Rules[:], b.Rules[:])
	}
	for k := range t.Raw {
		t.Raw[k].merge(&o.Raw[k])
		t.RawMinus[k].merge(&o.RawMinus[k])
	}
}

func addAll(a, b []uint32) {
	for i := range a {
		a[i] += b[i]
	}
}

// merge adds o into rt.
func (rt *rawTally) merge(o *rawTally) {
	rt.Eligible += o.Eligible
	rt.Callbacks += o.Callbacks
	rt.Contacted += o.Contacted
	rt.RespOnTime += o.RespOnTime
	rt.OnTime += o.OnTime
	rt.OverdueOpen += o.OverdueOpen
	addAll(rt.Res[:], o.Res[:])
	addAll(rt.Sat[:], o.Sat[:])
}
