package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/go-playground/validator/v10"

	"sanlv/scoring"
)

// newValidator returns a validator that names fields by their json, query or path names and knows
// the period and year formats.
func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		for _, tag := range []string{"json", "query", "path"} {
			if name, _, _ := strings.Cut(f.Tag.Get(tag), ","); name != "" && name != "-" {
				return name
			}
		}
		return f.Name
	})
	v.RegisterValidation("period", func(fl validator.FieldLevel) bool { return validPeriod(fl.Field().String()) })
	v.RegisterValidation("year", func(fl validator.FieldLevel) bool {
		s := fl.Field().String()
		return len(s) == 4 && validPeriod(s)
	})
	return v
}

// validPeriod reports whether id is YYYY, YYYY-MM (01..12) or YYYY-Qn (1..4) with a year scoring accepts.
func validPeriod(id string) bool {
	if len(id) < 4 {
		return false
	}
	y, err := strconv.Atoi(id[:4])
	if err != nil || id[0] == '+' || id[0] == '-' || y < 1990 || y > 2200 {
		return false
	}
	switch {
	case len(id) == 4:
		return true
	case len(id) != 7 || id[4] != '-':
		return false
	case id[5] == 'Q' || id[5] == 'q':
		return id[6] >= '1' && id[6] <= '4'
	}
	return id[5] == '0' && id[6] >= '1' && id[6] <= '9' || id[5] == '1' && id[6] >= '0' && id[6] <= '2'
}

// reasons explains the validator's tags in words.
func reason(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required", "required_without", "required_if":
		return "required"
	case "required_with":
		return "required with " + snake(fe.Param())
	case "oneof":
		return "must be one of: " + strings.ReplaceAll(fe.Param(), " ", ", ")
	case "min":
		if fe.Kind() == reflect.String {
			return "must have at least " + fe.Param() + " characters"
		}
		return "must be at least " + fe.Param()
	case "max":
		if fe.Kind() == reflect.String {
			return "must have at most " + fe.Param() + " characters"
		}
		return "must be at most " + fe.Param()
	case "gte":
		return "must be at least " + fe.Param()
	case "lte":
		return "must be at most " + fe.Param()
	case "period":
		return fmt.Sprintf("%q is not a period: want YYYY-MM (month 01..12), YYYY-Qn (n 1..4) or YYYY", fe.Value())
	case "year":
		return fmt.Sprintf("%q is not a year: want YYYY", fe.Value())
	case "excluded_with":
		return "must not be given together with " + fe.Param()
	case "printascii", "alphanum":
		return "must be plain ASCII letters and digits"
	}
	return "fails the " + fe.Tag() + " check"
}

// snake writes a Go field name as its parameter name: VersionA is version_a.
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// validate checks v's tags and turns failures into one Invalid error listing every field.
func (s *Server) validate(v any) error {
	err := s.valid.Struct(v)
	if err == nil {
		return nil
	}
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return fmt.Errorf("validate: %w", err)
	}
	fields := make([]scoring.FieldError, len(ves))
	msgs := make([]string, len(ves))
	for i, fe := range ves {
		name := fe.Namespace()
		if _, rest, ok := strings.Cut(name, "."); ok {
			name = rest // drop the struct's type name
		}
		fields[i] = scoring.FieldError{Field: name, Reason: reason(fe)}
		msgs[i] = name + ": " + fields[i].Reason
	}
	return newError(scoring.Invalid, "invalid request: "+strings.Join(msgs, "; "), fields...)
}

// decodeJSON reads the request body as one JSON object into v, strictly: application/json, no unknown
// fields, no trailing data, the right types; then validates v.
func (s *Server) decodeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return newError(scoring.Invalid, fmt.Sprintf("content type %q: want application/json", ct),
				scoring.FieldError{Field: "Content-Type", Reason: "want application/json"})
		}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return tooLarge(mb.Limit)
		}
		return newError(scoring.Invalid, "malformed JSON: data after the object")
	}
	if err := checkText(reflect.ValueOf(v), ""); err != nil {
		return err
	}
	return s.validate(v)
}

// jsonError explains a decoding failure.
func jsonError(err error) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
		mb  *http.MaxBytesError
	)
	switch {
	case errors.As(err, &mb):
		return tooLarge(mb.Limit)
	case errors.Is(err, io.EOF):
		return newError(scoring.Invalid, "empty body: want a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return newError(scoring.Invalid, "malformed JSON: the body ends too early")
	case errors.As(err, &syn):
		return newError(scoring.Invalid, fmt.Sprintf("malformed JSON at byte %d: %s", syn.Offset, syn.Error()))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(body)"
		}
		why := fmt.Sprintf("want %s, got JSON %s", typeName(typ.Type), typ.Value)
		return invalidField(field, why)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return invalidField(name, "unknown field")
	}
	var se *scoring.Error
	if errors.As(err, &se) {
		return se
	}
	return newError(scoring.Invalid, "malformed JSON: "+err.Error())
}

func typeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return t.String()
}

// paramField is a field of a params struct filled from the path or the query.
type paramField struct {
	index int
	name  string
	path  bool
}

// layout returns the path and query fields of a params struct type, computed once per type.
func (s *Server) layout(t reflect.Type) []paramField {
	if l, ok := s.layouts.Load(t); ok {
		return l.([]paramField)
	}
	var out []paramField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if name := f.Tag.Get("path"); name != "" {
			out = append(out, paramField{index: i, name: name, path: true})
		} else if name := f.Tag.Get("query"); name != "" {
			out = append(out, paramField{index: i, name: name})
		}
	}
	s.layouts.Store(t, out)
	return out
}

// decodeParams fills v (a pointer to a struct) from the route's path parameters (`path:"name"`) and the
// query string (`query:"name"`), rejecting unknown and repeated query parameters and values of the
// wrong type, then validates v. Supported field types: string, int, int64, bool, *bool.
func (s *Server) decodeParams(r *http.Request, v any) error {
	rv := reflect.ValueOf(v).Elem()
	fs := s.layout(rv.Type())
	var q url.Values
	if r.URL.RawQuery != "" {
		q = r.URL.Query()
	}
	var fields []scoring.FieldError
	for _, f := range fs {
		var raw string
		if f.path {
			raw = pathParam(r, f.name)
		} else {
			vals, ok := q[f.name]
			if !ok {
				continue
			}
			if len(vals) > 1 {
				fields = append(fields, scoring.FieldError{Field: f.name, Reason: "given more than once"})
				continue
			}
			raw = vals[0]
		}
		if err := setField(rv.Field(f.index), raw); err != nil {
			fields = append(fields, scoring.FieldError{Field: f.name, Reason: err.Error()})
		}
	}
	var unknown []string
	for k := range q {
		known := false
		for _, f := range fs {
			known = known || !f.path && f.name == k
		}
		if !known {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		fields = append(fields, scoring.FieldError{Field: k, Reason: "unknown query parameter"})
	}
	if len(fields) > 0 {
		msgs := make([]string, len(fields))
		for i, f := range fields {
			msgs[i] = f.Field + ": " + f.Reason
		}
		return newError(scoring.Invalid, "invalid request: "+strings.Join(msgs, "; "), fields...)
	}
	return s.validate(v)
}

func setField(f reflect.Value, raw string) error {
	if err := plainText(raw); err != nil {
		return err
	}
	switch f.Kind() {
	case reflect.String:
		f.SetString(raw)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", raw)
		}
		f.SetInt(n)
	case reflect.Bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return fmt.Errorf("%q is not true or false", raw)
		}
		f.SetBool(b)
	case reflect.Pointer:
		if f.Type().Elem().Kind() == reflect.Int {
			n, err := strconv.Atoi(raw)
			if err != nil {
				return fmt.Errorf("%q is not a whole number", raw)
			}
			f.Set(reflect.ValueOf(&n))
			return nil
		}
		if f.Type().Elem().Kind() != reflect.Bool {
			return fmt.Errorf("unsupported parameter type %s", f.Type())
		}
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return fmt.Errorf("%q is not true or false", raw)
		}
		f.Set(reflect.ValueOf(&b))
	default:
		return fmt.Errorf("unsupported parameter type %s", f.Type())
	}
	return nil
}

// plainText refuses text no database stores: a NUL byte or invalid UTF-8.
func plainText(s string) error {
	if strings.IndexByte(s, 0) >= 0 {
		return errors.New("contains a NUL byte")
	}
	if !utf8.ValidString(s) {
		return errors.New("is not valid UTF-8")
	}
	return nil
}

// checkText finds the first string of v (a struct, through pointers, slices and nested structs) that
// plainText refuses, and names it by its JSON path.
func checkText(v reflect.Value, path string) error {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return checkText(v.Elem(), path)
	case reflect.String:
		if err := plainText(v.String()); err != nil {
			return invalidField(path, err.Error())
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if err := checkText(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			if err := checkText(k, path); err != nil {
				return err
			}
			if err := checkText(v.MapIndex(k), path+"."+fmt.Sprint(k.Interface())); err != nil {
				return err
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if path != "" {
				name = path + "." + name
			}
			if err := checkText(v.Field(i), name); err != nil {
				return err
			}
		}
	}
	return nil
}

// pathParam returns a path parameter, unescaped when the router matched the escaped path.
func pathParam(r *http.Request, name string) string {
	v := chi.URLParam(r, name)
	if r.URL.RawPath != "" {
		if u, err := url.PathUnescape(v); err == nil {
			return u
		}
	}
	return v
}
