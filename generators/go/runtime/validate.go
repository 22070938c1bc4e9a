package ati

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Response validation. encoding/json checks the types of what is present; it cannot tell a
// missing required field from a zero value, nor a null from an absent member. The generated
// shapes say which members must be present and which may be null, and checkShape walks the raw
// answer with a small scanner (no allocation per member) to enforce it. Enum values are not
// checked: an unknown value is kept as-is, so a newer gateway does not break an older SDK (but
// it must still be a string: encoding/json rejects a number or object for a string enum). A
// member the spec does not allow to be null is refused as null, even when optional, and numbers
// are checked against the spec's minimum and maximum.

// shape describes the JSON a schema allows, as far as encoding/json does not check it.
type shape struct {
	name string
	// props is set for objects.
	props []prop
	// items is set for arrays.
	items *shape
	// discriminator and variants are set for oneOf unions; an unknown discriminator value is
	// accepted and kept (see the union types).
	discriminator string
	variants      map[string]*shape
}

// prop is one property of an object shape.
type prop struct {
	name     string
	required bool
	nullable bool
	// sub is the shape of an object, array or union value; nil for scalars and free-form maps.
	sub *shape
	// hasMin/min and hasMax/max are the spec's inclusive minimum and maximum of a number.
	hasMin, hasMax bool
	min, max       float64
}

// decodeError is a validation failure, with a message naming the JSON path.
type decodeError struct {
	msg   string
	cause error
}

// decodeJSON decodes data into out and checks it against s.
func decodeJSON(data []byte, out any, s *shape) *decodeError {
	if len(bytes.TrimSpace(data)) == 0 {
		return &decodeError{msg: "empty body"}
	}
	if err := json.Unmarshal(data, out); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return &decodeError{msg: "not valid JSON: " + err.Error(), cause: err}
		}
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) && typ.Field != "" {
			return &decodeError{msg: fmt.Sprintf("%s: want %s, got JSON %s", typ.Field, typ.Type, typ.Value), cause: err}
		}
		return &decodeError{msg: err.Error(), cause: err}
	}
	if msg := checkShape(data, s, "$"); msg != "" {
		return &decodeError{msg: msg}
	}
	return nil
}

// checkShape returns "" when v (valid JSON, already decoded once) fits s, else a message.
func checkShape(v []byte, s *shape, path string) string {
	v = trimSpace(v)
	switch {
	case s.items != nil:
		if len(v) == 0 || v[0] != '[' {
			return path + ": want an array"
		}
		msg := ""
		i := 0
		ok := eachElement(v, func(elem []byte) bool {
			if isNull(elem) {
				msg = path + "[" + strconv.Itoa(i) + "]: must not be null"
			} else {
				msg = checkShape(elem, s.items, path+"["+strconv.Itoa(i)+"]")
			}
			i++
			return msg == ""
		})
		if !ok && msg == "" {
			msg = path + ": malformed array"
		}
		return msg
	case s.variants != nil:
		if len(v) == 0 || v[0] != '{' {
			return path + ": want an object (" + s.name + ")"
		}
		var members [16]member
		ms, ok := scanObject(v, members[:0])
		if !ok {
			return path + ": malformed object"
		}
		d, found := lookup(ms, s.discriminator)
		if !found {
			return path + "." + s.discriminator + ": missing (" + s.name + " discriminator)"
		}
		var kind string
		if json.Unmarshal(d, &kind) != nil {
			return path + "." + s.discriminator + ": want a string"
		}
		if variant := s.variants[kind]; variant != nil {
			return checkShape(v, variant, path)
		}
		return "" // an unknown kind is kept as-is
	default:
		if len(v) == 0 || v[0] != '{' {
			return path + ": want an object (" + s.name + ")"
		}
		var members [24]member
		ms, ok := scanObject(v, members[:0])
		if !ok {
			return path + ": malformed object"
		}
		if msg := checkKeys(ms, s, path); msg != "" {
			return msg
		}
		for i := range s.props {
			p := &s.props[i]
			val, found := lookup(ms, p.name)
			if !found {
				if p.required {
					return path + "." + p.name + ": missing (required by " + s.name + ")"
				}
				continue
			}
			if isNull(val) {
				// An optional member may be left out, not sent as null, unless the spec allows
				// null: Go would otherwise read null as the zero value (confidence 0, false).
				if !p.nullable {
					return path + "." + p.name + ": must not be null"
				}
				continue
			}
			if p.hasMin || p.hasMax {
				f, err := strconv.ParseFloat(string(trimSpace(val)), 64)
				if err != nil {
					return path + "." + p.name + ": want a number"
				}
				if (p.hasMin && f < p.min) || (p.hasMax && f > p.max) {
					return path + "." + p.name + ": " + strconv.FormatFloat(f, 'g', -1, 64) + " is out of range (" + s.name + ")"
				}
			}
			if p.sub != nil {
				if msg := checkShape(val, p.sub, path+"."+p.name); msg != "" {
					return msg
				}
			}
		}
		return ""
	}
}

// checkKeys refuses an object in which a declared member appears twice, or a key that differs
// from a declared one only in case ("Allowed" next to "allowed"): encoding/json matches keys
// case-insensitively and keeps the last, so {"allowed": false, "Allowed": true} would decode as
// allowed, and the checks here would have looked at the other member.
func checkKeys(ms []member, s *shape, path string) string {
	for i := range ms {
		raw := ms[i].key
		// string(raw) in a comparison does not allocate; only an escaped key is decoded.
		escaped := bytes.IndexByte(raw, '\\') >= 0
		key := ""
		if escaped {
			key = memberKey(raw)
		}
		nonASCII := hasNonASCII(raw)
		for j := range s.props {
			name := s.props[j].name
			if !escaped && !nonASCII && len(raw) != len(name) {
				continue
			}
			same := (escaped && key == name) || (!escaped && string(raw) == name)
			if same {
				for k := i + 1; k < len(ms); k++ {
					if string(ms[k].key) == name || (bytes.IndexByte(ms[k].key, '\\') >= 0 && memberKey(ms[k].key) == name) {
						return path + "." + name + ": duplicate member"
					}
				}
				continue
			}
			var folds bool
			switch {
			case escaped:
				folds = strings.EqualFold(key, name)
			case nonASCII:
				folds = strings.EqualFold(string(raw), name)
			default:
				folds = asciiEqualFold(raw, name)
			}
			if folds {
				if !escaped {
					key = string(raw)
				}
				return path + ": member " + strconv.Quote(key) + " differs from " + strconv.Quote(name) + " only in case"
			}
		}
	}
	return ""
}

// asciiEqualFold is strings.EqualFold for an ASCII key, without converting it to a string.
func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// memberKey is a member's key decoded (escapes are rare; the raw bytes serve otherwise).
func memberKey(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw)
	}
	var k string
	q := make([]byte, 0, len(raw)+2)
	q = append(append(append(q, '"'), raw...), '"')
	if json.Unmarshal(q, &k) != nil {
		return string(raw)
	}
	return k
}

// hasNonASCII reports whether s has a byte >= 0x80: strings.EqualFold also folds the Kelvin sign
// and the long s, so "ſ" (2 bytes) matches "s" and lengths alone cannot rule a match out.
func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// member is one member of a JSON object: its key as written (quotes stripped) and raw value.
type member struct {
	key, value []byte
}

func lookup(ms []member, name string) ([]byte, bool) {
	for i := range ms {
		if string(ms[i].key) == name {
			return ms[i].value, true
		}
	}
	// A key written with escapes ("\u0069d") is rare; compare it decoded.
	for i := range ms {
		if bytes.IndexByte(ms[i].key, '\\') >= 0 {
			var k string
			q := make([]byte, 0, len(ms[i].key)+2)
			q = append(append(append(q, '"'), ms[i].key...), '"')
			if json.Unmarshal(q, &k) == nil && k == name {
				return ms[i].value, true
			}
		}
	}
	return nil, false
}

func isNull(v []byte) bool { return string(trimSpace(v)) == "null" }

func trimSpace(v []byte) []byte {
	for len(v) > 0 && isSpace(v[0]) {
		v = v[1:]
	}
	for len(v) > 0 && isSpace(v[len(v)-1]) {
		v = v[:len(v)-1]
	}
	return v
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// scanObject splits a JSON object into its members. It never panics, whatever b holds; ok is
// false when b is not a well-formed object.
func scanObject(b []byte, dst []member) (ms []member, ok bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return dst, true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return nil, false
		}
		end, ok := skipString(b, i)
		if !ok {
			return nil, false
		}
		key := b[i+1 : end-1]
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return nil, false
		}
		i = skipSpace(b, i+1)
		vend, ok := skipValue(b, i)
		if !ok {
			return nil, false
		}
		dst = append(dst, member{key: key, value: b[i:vend]})
		i = skipSpace(b, vend)
		if i >= len(b) {
			return nil, false
		}
		if b[i] == '}' {
			return dst, true
		}
		if b[i] != ',' {
			return nil, false
		}
		i = skipSpace(b, i+1)
	}
}

// eachElement calls fn for each element of a JSON array until fn returns false. It returns
// false when b is not a well-formed array or fn stopped.
func eachElement(b []byte, fn func([]byte) bool) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return true
	}
	for {
		end, ok := skipValue(b, i)
		if !ok || !fn(b[i:end]) {
			return false
		}
		i = skipSpace(b, end)
		if i >= len(b) {
			return false
		}
		if b[i] == ']' {
			return true
		}
		if b[i] != ',' {
			return false
		}
		i = skipSpace(b, i+1)
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// skipString returns the index just past the string starting at b[i] == '"'.
func skipString(b []byte, i int) (int, bool) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return 0, false
}

// skipValue returns the index just past the JSON value starting at b[i]. Nesting is tracked
// with a counter, not recursion, so deep input cannot exhaust the stack.
func skipValue(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, ok := skipString(b, j)
				if !ok {
					return 0, false
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	default:
		j := i
		for j < len(b) && !isSpace(b[j]) && b[j] != ',' && b[j] != '}' && b[j] != ']' {
			j++
		}
		if j == i {
			return 0, false
		}
		return j, true
	}
}
