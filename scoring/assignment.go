package scoring

// Assignment is one ticket dispatched to one unit: a row of the tickets file.
// Times are Unix seconds; 0 means the cell was empty.
type Assignment struct {
	TicketID string
	// Unit is the index of the unit in the Directory the row was read with.
	Unit       int32
	Role       Role
	Kind       Kind
	Urgency    Urgency
	Resolution Resolution
	// Satisfaction is Unrated when the callback gave no answer.
	Satisfaction Satisfaction
	// Contacted is the callback's answer to "did the unit contact you".
	Contacted     Tri
	CallbackValid bool
	Supervised    bool
	// IncompleteMaterials is 资料不全.
	IncompleteMaterials bool
	// OpinionIncident is 负面舆情.
	OpinionIncident bool
	Excluded        bool
	Redispatches    int32

	Received   int64
	Dispatched int64
	ContactAt  int64
	Closed     int64
	Due        int64
	// Accepted is when the unit signed for the assignment (签收, SPEC §13.5).
	Accepted int64
	// ExtendedDue is the deadline of an approved extension (延期, SPEC §13.4).
	ExtendedDue int64
	// Returned is when the unit returned the assignment (退单, SPEC §13.3).
	Returned int64
	// Return is the state of the unit's return request; ReturnNone when it returned nothing.
	Return ReturnStatus

	Category      string
	ExcludeReason string
	// DuplicateOf names an earlier ticket this one repeats (重复工单, SPEC §13.7).
	DuplicateOf string
	// Channel is where the request came in (来源渠道: 电话, 网站, 微信, …).
	Channel string
	// Hotline is the number called (12345, 12319, …); empty means 12345 (SPEC §13.13.6).
	Hotline string
	// CallerPhone is personal data: never show it unmasked (see MaskPhone).
	CallerPhone string

	// Imported holds the callback answers as the file gave them when an approved appeal corrected
	// them (Imported.Set); raw rates read them (SPEC §13.8). It is not a column of the file.
	Imported Answers
}

// Answers are a callback's answers as imported.
type Answers struct {
	// Set says an approved appeal corrected the row's answers: these are the ones it had before.
	Set           bool
	CallbackValid bool
	Contacted     Tri
	Resolution    Resolution
	Satisfaction  Satisfaction
}

// Unit is an assessed handling unit (承办单位).
type Unit struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Group  string `json:"group"`
	Parent string `json:"parent,omitempty"`
	// Population is the resident population (常住人口); 0 when unknown.
	Population int64 `json:"population,omitempty"`
}

// Directory is the ordered list of units with lookup by code or exact name.
type Directory struct {
	units  []Unit
	byKey  map[string]int32
	groups []string
}

// NewDirectory indexes units; it fails on an empty or duplicate code, or a name that is another unit's code.
func NewDirectory(units []Unit) (*Directory, error) {
	d := &Directory{units: units, byKey: make(map[string]int32, 2*len(units))}
	seenGroup := map[string]bool{}
	for i, u := range units {
		if u.Code == "" {
			return nil, errorf(Invalid, "unit %d: empty code", i+1)
		}
		if _, dup := d.byKey[u.Code]; dup {
			return nil, errorf(Invalid, "unit %q: duplicate code", u.Code)
		}
		d.byKey[u.Code] = int32(i)
		if !seenGroup[u.Group] {
			seenGroup[u.Group] = true
			d.groups = append(d.groups, u.Group)
		}
	}
	for i, u := range units {
		if u.Name == "" {
			continue
		}
		if j, ok := d.byKey[u.Name]; ok && j != int32(i) {
			if units[j].Code == u.Name {
				return nil, errorf(Invalid, "unit %q: name %q is the code of another unit", u.Code, u.Name)
			}
			// Two units with the same name: a name lookup would be ambiguous.
			d.byKey[u.Name] = -1
			continue
		}
		d.byKey[u.Name] = int32(i)
	}
	return d, nil
}

// Len returns the number of units.
func (d *Directory) Len() int { return len(d.units) }

// Unit returns the unit at index i.
func (d *Directory) Unit(i int32) Unit { return d.units[i] }

// Units returns all units in file order; the slice must not be modified.
func (d *Directory) Units() []Unit { return d.units }

// Groups returns the groups in the order they first appear.
func (d *Directory) Groups() []string { return d.groups }

// Lookup finds a unit by code or exact name.
func (d *Directory) Lookup(key string) (int32, bool) {
	i, ok := d.byKey[key]
	if !ok || i < 0 {
		return 0, false
	}
	return i, true
}

// LookupBytes is Lookup for a byte slice without allocating.
func (d *Directory) LookupBytes(key []byte) (int32, bool) {
	i, ok := d.byKey[string(key)]
	if !ok || i < 0 {
		return 0, false
	}
	return i, true
}

// MaskPhone masks a phone number so that at most about half of it shows: an 11-digit mobile number as
// 138****1234 (first three, last four); a shorter one keeps half its characters, split between its two
// ends (65123456 is 65****56); four characters or fewer are all masked. The mask is always four stars,
// so it does not tell the length.
func MaskPhone(p string) string {
	r := []rune(p)
	n := len(r)
	switch {
	case n == 0:
		return ""
	case n <= 4:
		return "****"
	case n >= 11:
		return string(r[:3]) + "****" + string(r[n-4:])
	}
	show := n / 2
	head := show / 2
	return string(r[:head]) + "****" + string(r[n-(show-head):])
}
