package scoring

// The standard unit groups of SPEC §3.1.
const (
	GroupStreet     = "street"
	GroupDepartment = "department"
	GroupEnterprise = "enterprise"
)

// groupWords names each standard group in Chinese: its label first, then the other names units
// files use for it.
var groupWords = []struct {
	code  string
	names []string
}{
	{GroupStreet, []string{"街乡镇", "街道", "乡镇", "街道乡镇"}},
	{GroupDepartment, []string{"区级部门", "部门", "委办局"}},
	{GroupEnterprise, []string{"公共服务企业", "企业"}},
}

// GroupLabel returns the Chinese name of a unit group: 街乡镇, 区级部门, 公共服务企业, or the group itself.
func GroupLabel(group string) string {
	for _, g := range groupWords {
		if g.code == group {
			return g.names[0]
		}
	}
	return group
}

// StandardGroup reports whether group is the code of a standard group (street, department, enterprise).
func StandardGroup(group string) bool {
	for _, g := range groupWords {
		if g.code == group {
			return true
		}
	}
	return false
}

// GroupCode returns the code of a standard group named in Chinese (街乡镇, 街道, 区级部门, 委办局,
// 公共服务企业, …); any other group is returned as written.
func GroupCode(name string) string {
	for _, g := range groupWords {
		for _, n := range g.names {
			if n == name {
				return g.code
			}
		}
	}
	return name
}

// rateLabels names each rate in Chinese.
var rateLabels = map[string]string{
	RateResponse: "响应率", RateResolution: "解决率", RateSatisfaction: "满意率", RateOnTime: "按时办结率",
	RateRedispatch: "二次交办率", RateCallbackCoverage: "回访率", RateAcceptance: "及时签收率",
	RateClosure: "办结率", RateReturn: "退单率", RateRepeat: "重复诉求率",
}

// RateLabel returns the Chinese name of a rate (响应率 for response), or the rate itself.
func RateLabel(rate string) string {
	if l, ok := rateLabels[rate]; ok {
		return l
	}
	return rate
}

// RawRateLabel returns the Chinese name of a raw rate (SPEC §13.8): 原始解决率 for resolution.
func RawRateLabel(rate string) string { return "原始" + RateLabel(rate) }
