package ati

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
)

// DigestInput returns the tool_input_digest an approval is bound to, computed identically by every
// SDK (spec/conformance/README.md, "The input digest"): SHA-256, lowercase hex, of a string's or
// []byte's bytes, or of anything else's RFC 8785 (JCS) canonical JSON. Anything else is first
// encoded with encoding/json (struct tags and json.Marshaler apply), so map[string]any{"a": 1}
// and a struct with the same JSON agree. Written here, not imported, to keep the SDK
// standard-library only; spec/conformance/vectors/digest.json checks it.
func DigestInput(input any) (string, error) {
	var data []byte
	switch v := input.(type) {
	case string:
		data = []byte(v)
	case []byte:
		data = v
	default:
		raw, err := json.Marshal(v)
		if err != nil {
			return "", validation("input", "input cannot be digested: %v", err)
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var generic any
		if err := dec.Decode(&generic); err != nil {
			return "", validation("input", "input cannot be digested: %v", err)
		}
		var buf bytes.Buffer
		if err := writeCanonical(&buf, generic); err != nil {
			return "", validation("input", "input cannot be digested: %v", err)
		}
		data = buf.Bytes()
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// writeCanonical writes JCS: object keys sorted by UTF-16 code units, numbers as IEEE-754
// doubles in ECMAScript form, strings with minimal escaping (no HTML or U+2028 escapes).
func writeCanonical(buf *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil:
		buf.WriteString("null")
	case bool:
		buf.WriteString(strconv.FormatBool(x))
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return err // beyond a double (1e400)
		}
		buf.WriteString(esNumber(f))
	case string:
		writeCanonicalString(buf, x)
	case []any:
		buf.WriteByte('[')
		for i, item := range x {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeCanonical(buf, item); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b string) int {
			return slices.Compare(utf16.Encode([]rune(a)), utf16.Encode([]rune(b)))
		})
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeCanonicalString(buf, k)
			buf.WriteByte(':')
			if err := writeCanonical(buf, x[k]); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	}
	return nil
}

func writeCanonicalString(buf *bytes.Buffer, s string) {
	buf.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			buf.WriteByte('\\')
			buf.WriteRune(r)
		case r == '\b':
			buf.WriteString(`\b`)
		case r == '\t':
			buf.WriteString(`\t`)
		case r == '\n':
			buf.WriteString(`\n`)
		case r == '\f':
			buf.WriteString(`\f`)
		case r == '\r':
			buf.WriteString(`\r`)
		case r < 0x20:
			buf.WriteString(`\u00`)
			buf.WriteString(strconv.FormatInt(int64(r>>4), 16))
			buf.WriteString(strconv.FormatInt(int64(r&0xf), 16))
		default:
			buf.WriteRune(r)
		}
	}
	buf.WriteByte('"')
}

// esNumber formats f as ECMAScript's Number::toString does (RFC 8785 section 3.2.2.3): the
// shortest digits that round-trip, plain from 1e-6 up to 1e21, exponential outside.
func esNumber(f float64) string {
	if f == 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return "0" // -0 too; NaN and infinities never get here (encoding/json refuses them)
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	mantissa, exp, _ := strings.Cut(strconv.FormatFloat(f, 'e', -1, 64), "e")
	digits := strings.Replace(mantissa, ".", "", 1)
	e, _ := strconv.Atoi(exp)
	k, n := len(digits), e+1 // f = 0.digits * 10^n
	switch {
	case k <= n && n <= 21:
		return sign + digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		return sign + digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		return sign + "0." + strings.Repeat("0", -n) + digits
	}
	expSign := "+"
	if n-1 < 0 {
		expSign = "-"
	}
	out := digits[:1]
	if k > 1 {
		out += "." + digits[1:]
	}
	return sign + out + "e" + expSign + strconv.Itoa(absInt(n-1))
}

func absInt(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
