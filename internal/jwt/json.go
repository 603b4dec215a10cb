package jwt

import (
	"errors"
	"math"
	"strconv"
)

// numericDate reads a NumericDate (RFC 7519 §2): seconds since the epoch,
// which may have a fraction. The fraction is dropped.
func numericDate(p *jsonReader) (int64, error) {
	text, err := p.Number()
	if err != nil {
		return 0, err
	}
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || f >= math.MaxInt64 || f <= math.MinInt64 {
		return 0, errRange
	}
	return int64(math.Floor(f)), nil
}

var errRange = errors.New("number out of range")
