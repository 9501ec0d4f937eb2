package scoring

// batchLen is how many judged rows a book holds before it counts them.
const batchLen = 1 << 15

// batched is a judged row waiting to be counted.
type batched struct {
	r      row
	unit   int32
	repeat bool
}

// rowBatch holds judged rows so that they are counted in the order of their tallies: rows come in
// any order of units and periods, and counting each where it falls costs a cache miss per row on a
// book larger than the cache; counted sorted, a batch touches each tally once.
type rowBatch struct {
	rows, sorted []batched
	count        []int32
}

// push adds a judged row of unit u, counting the batch when it is full.
func (b *Book) push(u int32, r *row, repeat bool) {
	bt := &b.batch
	if bt.rows == nil {
		bt.rows = make([]batched, 0, batchLen)
	}
	bt.rows = append(bt.rows, batched{r: *r, unit: u, repeat: repeat})
	if len(bt.rows) == batchLen {
		b.flush()
	}
}

// key is the tally a batched row touches first: its period's, else its received or deadline period's.
func (b *Book) key(x *batched) int {
	pi := x.r.pi
	if pi < 0 {
		pi = max(x.r.ri, x.r.di, 0)
	}
	return int(pi)*b.dir.Len() + int(x.unit)
}

// flush counts the batched rows in the order of their tallies (a counting sort) and empties the batch.
func (b *Book) flush() {
	bt := &b.batch
	if len(bt.rows) == 0 {
		return
	}
	n := len(b.tallies)
	if cap(bt.count) < n+1 {
		bt.count = make([]int32, n+1)
	}
	count := bt.count[:n+1]
	clear(count)
	for i := range bt.rows {
		count[b.key(&bt.rows[i])+1]++
	}
	for i := 1; i <= n; i++ {
		count[i] += count[i-1]
	}
	if cap(bt.sorted) < len(bt.rows) {
		bt.sorted = make([]batched, batchLen)
	}
	sorted := bt.sorted[:len(bt.rows)]
	for i := range bt.rows {
		k := b.key(&bt.rows[i])
		sorted[count[k]] = bt.rows[i]
		count[k]++
	}
	for i := range sorted {
		x := &sorted[i]
		b.apply(x.unit, &x.r, x.repeat)
	}
	bt.rows = bt.rows[:0]
}
