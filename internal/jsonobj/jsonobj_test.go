package jsonobj

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"testing"
	"time"
)

func TestObject(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want error // nil: read; the members are a, then b
	}{
		{`{"a":"x","b":[1,{"c":null}]}`, nil},
		{` { "a" : "x\u00e9" , "b" : true } `, nil},
		{`{}`, nil},
		{`{"a":"x","a":"y"}`, ErrDuplicate},
		{`{"a":"x"} trailing`, ErrSyntax},
		{`["a"]`, ErrSyntax},
		{`{"a":"x",}`, ErrSyntax},
		{`{"a":"x" "b":1}`, ErrSyntax},
		{`{"a":01}`, ErrSyntax},
		{"{\"a\":\"\xff\"}", ErrSyntax},
		{`{"a":"\ud800"}`, ErrSyntax},
		{``, ErrSyntax},
	}
	for _, tt := range tests {
		err := Object(tt.in, func(r *Reader, name string) error { return r.Skip() })
		if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("Object(%q) = %v, want %v", tt.in, err, tt.want)
		}
	}
}

func TestValues(t *testing.T) {
	t.Parallel()
	var s, n, null string
	var b bool
	var arr []string
	err := Object(`{"s":"a\"b","n":-1.5e3,"b":false,"null":null,"arr":["x","y"]}`, func(r *Reader, name string) (err error) {
		switch name {
		case "s":
			s, err = r.String()
		case "n":
			n, err = r.Number()
		case "b":
			b, err = r.Bool()
		case "null":
			null, err = r.StringOrNull()
		case "arr":
			arr, err = r.StringOrArray()
		}
		return err
	})
	if err != nil || s != `a"b` || n != "-1.5e3" || b || null != "" || len(arr) != 2 || arr[1] != "y" {
		t.Errorf("read %q %q %v %q %q: %v", s, n, b, null, arr, err)
	}
	if err := Object(`{"b":"true"}`, func(r *Reader, _ string) error { _, err := r.Bool(); return err }); !errors.Is(err, ErrType) {
		t.Errorf(`"true" as a bool: %v`, err)
	}
}

// FuzzObject: no input panics, and what the reader accepts as an object,
// skipping every member, encoding/json finds valid too.
func FuzzObject(f *testing.F) {
	f.Add(`{"a":"x","b":[1,{"c":null}],"d":-0.5e+3,"e":"\u00e9\n"}`)
	f.Add(`{"a":}`)
	f.Fuzz(func(t *testing.T, s string) {
		if Object(s, func(r *Reader, _ string) error { return r.Skip() }) == nil && !json.Valid([]byte(s)) {
			t.Fatalf("accepted %q, which encoding/json finds invalid", s)
		}
	})
}

// TestAppendStringMatchesEncodingJSON: strings come out as encoding/json
// writes them, HTML escapes, \b and \f, bad UTF-8 and U+2028 included.
func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "plain", `"quoted" \back\slash`, "<a href='x'>&amp;</a>", "\x00\x01\b\f\n\r\t\x1f\x7f", "\xff\xfe bad", "é ü 日本 🙂", "\u2028\u2029"} {
		want, _ := json.Marshal(s)
		if got := AppendString(nil, s); string(got) != string(want) {
			t.Errorf("AppendString(%q) = %s, want %s", s, got, want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("<\u2028\xff\b")
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := AppendString(nil, s); string(got) != string(want) {
			t.Fatalf("AppendString(%q) = %s, want %s", s, got, want)
		}
	})
}

// TestEveryByte: each byte, alone and between plain ones, is written as
// encoding/json writes it (AppendString) and as slog.JSONHandler writes
// it (AppendLogString), so the table of bytes that need no escape is
// checked whole, both columns.
func TestEveryByte(t *testing.T) {
	t.Parallel()
	var logged bytes.Buffer
	h := slog.NewJSONHandler(&logged, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey || a.Key == slog.LevelKey {
			return slog.Attr{}
		}
		return a
	}})
	for c := 0; c < 256; c++ {
		for _, s := range []string{string([]byte{byte(c)}), "a" + string([]byte{byte(c)}) + "z"} {
			want, _ := json.Marshal(s)
			if got := AppendString(nil, s); string(got) != string(want) {
				t.Errorf("AppendString(%q) = %s, want %s", s, got, want)
			}
			logged.Reset()
			h.Handle(context.Background(), slog.NewRecord(time.Time{}, slog.LevelInfo, s, 0))
			want = bytes.TrimSuffix(bytes.TrimPrefix(logged.Bytes(), []byte(`{"msg":`)), []byte("}\n"))
			if got := AppendLogString(nil, s); string(got) != string(want) {
				t.Errorf("AppendLogString(%q) = %s, want %s", s, got, want)
			}
		}
	}
}
