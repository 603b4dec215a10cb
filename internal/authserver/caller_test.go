package authserver

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestCallerKey(t *testing.T) {
	t.Parallel()
	trusted, err := parseTrustedProxies("10.0.0.0/8, fd00::/8,192.0.2.9")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, peer string
		xff        []string
		trusted    bool // use the trusted set
		want       string
	}{
		{"IPv4 peer", "198.51.100.7:1234", nil, false, "198.51.100.7"},
		{"IPv6 peers count by /64", "[2001:db8:1:2:aaaa::1]:1234", nil, false, "2001:db8:1:2::/64"},
		{"another address of the same /64", "[2001:db8:1:2:ffff:1:2:3]:1", nil, false, "2001:db8:1:2::/64"},
		{"IPv4-mapped IPv6 is IPv4", "[::ffff:198.51.100.7]:1", nil, false, "198.51.100.7"},
		{"XFF ignored with no trusted proxies", "10.1.1.1:1", []string{"203.0.113.5"}, false, "10.1.1.1"},
		{"XFF ignored from an untrusted peer", "198.51.100.7:1", []string{"203.0.113.5"}, true, "198.51.100.7"},
		{"trusted peer names the caller", "10.1.1.1:1", []string{"203.0.113.5"}, true, "203.0.113.5"},
		{"rightmost untrusted hop wins", "10.1.1.1:1", []string{"1.2.3.4, 203.0.113.5, 10.9.9.9"}, true, "203.0.113.5"},
		{"spoofed left part is ignored", "10.1.1.1:1", []string{"6.6.6.6", "203.0.113.5"}, true, "203.0.113.5"},
		{"a bare address is one trusted host", "192.0.2.9:1", []string{"203.0.113.5"}, true, "203.0.113.5"},
		{"its neighbour is not trusted", "192.0.2.10:1", []string{"203.0.113.5"}, true, "192.0.2.10"},
		{"all hops trusted: the leftmost", "10.1.1.1:1", []string{"10.2.2.2, 10.3.3.3"}, true, "10.2.2.2"},
		{"an unparsable hop is the one unparsable caller, not the proxy", "10.1.1.1:1", []string{"203.0.113.5, nonsense"}, true, unparsable},
		{"unknown as the rightmost hop", "10.1.1.1:1", []string{"unknown"}, true, unparsable},
		{"a trailing comma", "10.1.1.1:1", []string{"203.0.113.5,"}, true, unparsable},
		{"garbage left of the caller is never read", "10.1.1.1:1", []string{"nonsense, 203.0.113.5"}, true, "203.0.113.5"},
		{"IPv6 caller behind a proxy by /64", "[fd00::1]:1", []string{"2001:db8:5:6::7"}, true, "2001:db8:5:6::/64"},
		{"hop with a port", "10.1.1.1:1", []string{"203.0.113.5:4711"}, true, "203.0.113.5"},
		{"bracketed IPv6 hop", "10.1.1.1:1", []string{"[2001:db8:5:6::7]"}, true, "2001:db8:5:6::/64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("POST", "/token", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			c := callers{}
			if tt.trusted {
				c.trusted = trusted
			}
			if got := c.key(r); got != tt.want {
				t.Fatalf("key = %q, want %q", got, tt.want)
			}
			if peer, err := netip.ParseAddrPort(tt.peer); err == nil && !tt.trusted {
				if got := callerKey(peer.Addr().Unmap()); got != tt.want {
					t.Fatalf("callerKey = %q, want %q: the short path disagrees", got, tt.want)
				}
			}
		})
	}
}

func TestParseTrustedProxies(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"10.0.0.0/33", "localhost", "10.0.0.0/8;", "fe80::1%eth0"} {
		if _, err := parseTrustedProxies(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	got, err := parseTrustedProxies(" 10.1.2.3/8 ,, ::1 ")
	if err != nil || len(got) != 2 || got[0].String() != "10.0.0.0/8" || got[1].String() != "::1/128" {
		t.Fatalf("got %v, %v", got, err)
	}
}
