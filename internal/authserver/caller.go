package authserver

import (
	"errors"
	"net/http"
	"net/netip"
	"strings"
)

// callers finds who is calling, the key of the brute-force limit. The peer
// address is the caller, unless the peer is a trusted proxy: then the
// caller is the rightmost address in X-Forwarded-For that is not a trusted
// proxy, the last hop that no one we trust could have written.
type callers struct {
	trusted []netip.Prefix
}

// parseTrustedProxies reads AUTH_TRUSTED_PROXIES: comma-separated CIDRs, or
// bare addresses for one host each.
func parseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil || a.Zone() != "" {
			return nil, errors.New("want comma-separated CIDRs such as 10.0.0.0/8, fd00::/8")
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// key returns the caller of r as the limiter counts it: an IPv4 address, or
// the /64 of an IPv6 one, since one host gets a whole /64 to pick from.
func (c callers) key(r *http.Request) string {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr // not an IP peer (a test, a unix socket): as is
	}
	a := peer.Addr()
	if a.Is4() && !c.isTrusted(a) {
		// The common case, every request: the peer's own IPv4 address,
		// which RemoteAddr spells as the key does, so no new string.
		return r.RemoteAddr[:strings.LastIndexByte(r.RemoteAddr, ':')]
	}
	caller, ok := c.resolve(a.Unmap(), r.Header.Values("X-Forwarded-For"))
	if !ok {
		return unparsable
	}
	return callerKey(caller)
}

// unparsable is the one caller that every request whose X-Forwarded-For
// has a hop we cannot read counts as: not the proxy, which would let one
// such caller block everyone behind it, and not a new caller per request,
// which would escape the limit.
const unparsable = "unparsable"

// resolve walks X-Forwarded-For from the right while the hops are trusted;
// not ok if it meets a hop that is not an address.
func (c callers) resolve(peer netip.Addr, forwarded []string) (netip.Addr, bool) {
	caller := peer
	for i := len(forwarded) - 1; i >= 0 && c.isTrusted(caller); i-- {
		hops := strings.Split(forwarded[i], ",")
		for j := len(hops) - 1; j >= 0 && c.isTrusted(caller); j-- {
			a, ok := parseHop(hops[j])
			if !ok {
				return netip.Addr{}, false
			}
			caller = a
		}
	}
	return caller, true
}

func (c callers) isTrusted(a netip.Addr) bool {
	for _, p := range c.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseHop reads one X-Forwarded-For entry: an address, possibly with a
// port or in brackets.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.WithZone("").Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().WithZone("").Unmap(), true
	}
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		return a.WithZone("").Unmap(), true
	}
	return netip.Addr{}, false
}

// callerKey is a as the limiter counts it.
func callerKey(a netip.Addr) string {
	a = a.WithZone("")
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}
