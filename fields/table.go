package fields

import "sanlv/scoring"

type asg = scoring.Assignment

// table declares every field, in ID order. A new field is one line here, its column in both
// migrations (store/migrations), and its member of scoring.Assignment.
var table = numbered([Count]Field{
	TicketID: textField("ticket_id", h("工单编号"), func(a *asg) *string { return &a.TicketID }).required().width(14),
	Unit:     Field{Name: "unit", Headers: h("承办单位", "承办单位编码"), Type: Text}.required().heading("承办单位编码").width(12),
	Role: enumField("role", h("工单性质", "主协办"), scoring.NumRoles, 1, func(a *asg) *scoring.Role { return &a.Role }).
		heading("主协办").width(8),
	Received:   timeField("received_at", h("受理时间", "来电时间", "创建时间"), Time, func(a *asg) *int64 { return &a.Received }).required(),
	Dispatched: timeField("dispatched_at", h("派单时间"), Time, func(a *asg) *int64 { return &a.Dispatched }).required(),
	ContactAt:  timeField("contacted_at", h("联系时间", "首次联系时间"), Time, func(a *asg) *int64 { return &a.ContactAt }),
	Closed:     timeField("closed_at", h("办结时间"), Time, func(a *asg) *int64 { return &a.Closed }),
	Due:        timeField("due_at", h("办理时限", "截止时间"), Deadline, func(a *asg) *int64 { return &a.Due }),
	Kind:       enumField("kind", h("诉求类型"), scoring.NumKinds, 3, func(a *asg) *scoring.Kind { return &a.Kind }).required().width(10),
	Urgency:    enumField("urgency", h("紧急程度"), scoring.NumUrgencies, 2, func(a *asg) *scoring.Urgency { return &a.Urgency }).width(10),
	Category:   textField("category", h("问题分类"), func(a *asg) *string { return &a.Category }).forPolicy().width(28),
	Redispatches: {Name: "redispatches", Headers: h("二次交办次数"), Type: Int, Width: 8,
		Num:    func(a *asg) int64 { return int64(a.Redispatches) },
		SetNum: func(a *asg, v int64) { a.Redispatches = int32(v) }},
	CallbackValid: boolField("callback_valid", h("是否有效回访"), func(a *asg) *bool { return &a.CallbackValid }).overridable(),
	Contacted: enumField("contacted", h("是否联系"), 0, 2, func(a *asg) *scoring.Tri { return &a.Contacted }).
		typed(Tri).overridable().width(8),
	Resolved: enumField("resolved", h("是否解决"), scoring.NumResolutions, 2, func(a *asg) *scoring.Resolution { return &a.Resolution }).
		column("resolution").overridable().width(10),
	Satisfaction: enumField("satisfaction", h("满意度", "是否满意"), scoring.NumSatisfactions, 3,
		func(a *asg) *scoring.Satisfaction { return &a.Satisfaction }).overridable().width(10),
	Supervised: boolField("supervised", h("是否督办"), func(a *asg) *bool { return &a.Supervised }),
	Incomplete: boolField("incomplete_materials", h("资料不全"), func(a *asg) *bool { return &a.IncompleteMaterials }),
	Opinion:    boolField("opinion_incident", h("负面舆情"), func(a *asg) *bool { return &a.OpinionIncident }),
	Excluded:   boolField("excluded", h("是否剔除"), func(a *asg) *bool { return &a.Excluded }).overridable(),
	ExcludeReason: textField("exclude_reason", h("剔除原因"), func(a *asg) *string { return &a.ExcludeReason }).
		overridable().unscored().width(20),
	CallerPhone: textField("caller_phone", h("来电号码"), func(a *asg) *string { return &a.CallerPhone }).personal().forPolicy().width(14),

	Accepted:    timeField("accepted_at", h("签收时间"), Time, func(a *asg) *int64 { return &a.Accepted }).second(),
	ExtendedDue: timeField("extended_due_at", h("延期截止时间", "延期至"), Deadline, func(a *asg) *int64 { return &a.ExtendedDue }).second(),
	ReturnStatus: enumField("return_status", h("退单状态", "退单"), scoring.NumReturnStatuses, 2,
		func(a *asg) *scoring.ReturnStatus { return &a.Return }).second().width(10),
	Returned:    timeField("returned_at", h("退单时间"), Time, func(a *asg) *int64 { return &a.Returned }).second(),
	DuplicateOf: textField("duplicate_of", h("重复工单", "并单主工单"), func(a *asg) *string { return &a.DuplicateOf }).second().width(14),
	Channel:     textField("channel", h("来源渠道"), func(a *asg) *string { return &a.Channel }).forPolicy().second().width(10),
	Hotline:     textField("hotline", h("热线号码", "被叫号码"), func(a *asg) *string { return &a.Hotline }).forPolicy().second().width(10),
})

// numbered sets each field's ID, edition (1 unless set), store column (its name unless set) and
// detail heading (its first Chinese header unless set).
func numbered(fs [Count]Field) [Count]Field {
	for i := range fs {
		f := &fs[i]
		f.ID = ID(i)
		if f.Edition == 0 {
			f.Edition = 1
		}
		if f.Column == "" {
			f.Column = f.Name
		}
		if f.Heading == "" {
			f.Heading = f.Headers[0]
		}
	}
	return fs
}

func h(headers ...string) []string { return headers }

// textField declares a text field.
func textField(name string, headers []string, get func(*asg) *string) Field {
	return Field{Name: name, Headers: headers, Type: Text,
		Text:    func(a *asg) string { return *get(a) },
		SetText: func(a *asg, v string) { *get(a) = v }}
}

// timeField declares a datetime field, 20 wide in the detail export.
func timeField(name string, headers []string, typ Type, get func(*asg) *int64) Field {
	return Field{Name: name, Headers: headers, Type: typ, Width: 20,
		Num:    func(a *asg) int64 { return *get(a) },
		SetNum: func(a *asg, v int64) { *get(a) = v }}
}

// boolField declares a flag, one bit wide in the store and 8 in the detail export.
func boolField(name string, headers []string, get func(*asg) *bool) Field {
	return Field{Name: name, Headers: headers, Type: Bool, Bits: 1, Width: 8,
		Num: func(a *asg) int64 {
			if *get(a) {
				return 1
			}
			return 0
		},
		SetNum: func(a *asg, v int64) { *get(a) = v != 0 }}
}

// enum is a scoring enum with its English name and Chinese label.
type enum interface {
	~uint8
	String() string
	Label() string
}

// enumField declares an enum of n values (named in Words and Labels) stored in bits bits.
func enumField[T enum](name string, headers []string, n int, bits uint, get func(*asg) *T) Field {
	f := Field{Name: name, Headers: headers, Type: Enum, Bits: bits,
		Num:    func(a *asg) int64 { return int64(*get(a)) },
		SetNum: func(a *asg, v int64) { *get(a) = T(v) }}
	for i := range n {
		f.Words = append(f.Words, T(i).String())
		f.Labels = append(f.Labels, T(i).Label())
	}
	return f
}

func (f Field) required() Field        { f.Required = true; return f }
func (f Field) second() Field          { f.Edition = 2; return f }
func (f Field) overridable() Field     { f.Override = true; return f }
func (f Field) personal() Field        { f.Personal = true; return f }
func (f Field) unscored() Field        { f.Unscored = true; return f }
func (f Field) forPolicy() Field       { f.PolicyText = true; return f }
func (f Field) typed(t Type) Field     { f.Type = t; return f }
func (f Field) column(c string) Field  { f.Column = c; return f }
func (f Field) heading(s string) Field { f.Heading = s; return f }
func (f Field) width(w float64) Field  { f.Width = w; return f }
