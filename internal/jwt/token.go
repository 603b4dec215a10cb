package jwt

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"oauthtime/internal/clock"
	"oauthtime/internal/secret"
	"oauthtime/internal/wire"
)

// Claims are the claims of an access token (RFC 9068 §2.2). All are
// required.
type Claims struct {
	Issuer   string
	Subject  string
	Audience []string
	ClientID string
	Scope    string
	IssuedAt int64
	Expiry   int64
	ID       string
}

// header returns the JOSE header of every access token this package makes
// with key. The kid names the key, so that a Verifier that holds several
// picks the one that signed (RFC 7515 §4.1.4).
func header(key *Key) []byte {
	return []byte(`{"alg":"HS256","typ":"at+jwt","kid":"` + key.ID() + `"}`)
}

// Token is an access token that was just issued.
type Token struct {
	// Raw is the compact serialization, the bearer credential itself.
	Raw secret.String
	// ID is the jti claim: safe to log, unique per token.
	ID string
	// IssuedAt and Expiry are the iat and exp claims.
	IssuedAt, Expiry time.Time
	// ExpiresIn is the lifetime promised to the client, in whole seconds:
	// the token is active for at least that long from when it was issued.
	ExpiresIn int64
}

// Issuer makes access tokens. It is safe for concurrent use.
type Issuer struct {
	key              *Key
	clock            clock.Clock
	ttl              int64 // whole seconds
	issuer, audience string
}

// NewIssuer returns an Issuer whose tokens carry iss issuer and aud audience
// and live for ttl, truncated to whole seconds (at least one).
func NewIssuer(key *Key, issuer, audience string, ttl time.Duration, clk clock.Clock) *Issuer {
	return &Issuer{key: key, clock: clk, ttl: max(int64(ttl/time.Second), 1), issuer: issuer, audience: audience}
}

// Issue signs a new access token for the resource owner subject, obtained by
// client clientID, granting scope. It fails only if the token would be
// larger than wire.MaxTokenSize, which the Verifier would refuse.
func (i *Issuer) Issue(subject, clientID, scope string) (Token, error) {
	var id [16]byte // 128 bits for jti (RFC 7519 §4.1.7)
	if _, err := rand.Read(id[:]); err != nil {
		return Token{}, fmt.Errorf("jwt: jti: %w", err)
	}
	// iat is cut to the second and exp rounded up to it, so the token is
	// active (exp after now, in whole seconds) for at least ttl from now,
	// whatever the fraction of a second it was issued in.
	now := i.clock.Now()
	iat := now.Unix()
	exp := iat + i.ttl
	if now.Nanosecond() != 0 {
		exp++
	}
	claims := struct {
		Issuer   string `json:"iss"`
		Audience string `json:"aud"`
		Subject  string `json:"sub"`
		ClientID string `json:"client_id"`
		Scope    string `json:"scope"`
		IssuedAt int64  `json:"iat"`
		Expiry   int64  `json:"exp"`
		ID       string `json:"jti"`
	}{i.issuer, i.audience, subject, clientID, scope, iat, exp, b64.EncodeToString(id[:])}
	payload, err := json.Marshal(claims)
	if err != nil {
		return Token{}, fmt.Errorf("jwt: claims: %w", err)
	}
	raw := i.key.sign(header(i.key), payload)
	if len(raw) > wire.MaxTokenSize {
		return Token{}, ErrTooLarge
	}
	return Token{
		Raw:       secret.New(raw),
		ID:        claims.ID,
		IssuedAt:  time.Unix(iat, 0),
		Expiry:    time.Unix(exp, 0),
		ExpiresIn: i.ttl,
	}, nil
}

// Verifier checks access tokens. It is safe for concurrent use.
type Verifier struct {
	keys   []*Key
	issuer string
	clock  clock.Clock
}

// NewVerifier returns a Verifier that accepts tokens signed by issuer with
// key or one of more, each picked by the kid of the token's header.
// Audience is left to the resource server that uses the token.
func NewVerifier(key *Key, issuer string, clk clock.Clock, more ...*Key) *Verifier {
	return &Verifier{keys: append([]*Key{key}, more...), issuer: issuer, clock: clk}
}

// Claim names in the order of their bits in names.known.
const (
	claimIss = iota
	claimSub
	claimAud
	claimClientID
	claimScope
	claimIat
	claimExp
	claimJti
	claimNbf
)

// required is the set of claims every access token must carry.
const required = 1<<claimIss | 1<<claimSub | 1<<claimAud | 1<<claimClientID |
	1<<claimScope | 1<<claimIat | 1<<claimExp | 1<<claimJti

var claimNames = [...]string{"iss", "sub", "aud", "client_id", "scope", "iat", "exp", "jti", "nbf"}

// Verify checks token as an access token and returns its claims. Any failed
// check rejects the whole token; the error wraps the Err* value of the rule.
func (v *Verifier) Verify(token string) (Claims, error) {
	dot1, dot2, err := split(token)
	if err != nil {
		return Claims{}, err
	}
	// The MAC picks the key; only then is the header, its kid naming that
	// same key included, read and checked whole.
	var key *Key
	var h, p []byte
	for _, k := range v.keys {
		if h, p, err = k.verify(token, dot1, dot2); err == nil {
			key = k
			break
		}
	}
	if err != nil {
		return Claims{}, err
	}
	kid, err := checkHeader(h)
	if err != nil {
		return Claims{}, err
	}
	if kid != key.ID() {
		return Claims{}, fmt.Errorf("%w: %.40q", ErrKeyID, kid)
	}
	var c Claims
	var nbf int64
	seen, err := parseClaims(p, &c, &nbf)
	if err != nil {
		return Claims{}, err
	}
	for i, name := range claimNames {
		if required&(1<<i) != 0 && seen&(1<<i) == 0 {
			return Claims{}, fmt.Errorf("%w: %s", ErrMissingClaim, name)
		}
	}
	if c.Subject == "" || c.ClientID == "" || c.ID == "" || len(c.Audience) == 0 {
		return Claims{}, fmt.Errorf("%w: sub, aud, client_id and jti must not be empty", ErrMissingClaim)
	}
	if c.Issuer != v.issuer {
		return Claims{}, ErrIssuer
	}
	// Whole seconds, no leeway: exp must be after now; nbf not after now;
	// iat at most one second ahead.
	now := v.clock.Now().Unix()
	if c.Expiry <= now {
		return Claims{}, ErrExpired
	}
	if seen&(1<<claimNbf) != 0 && nbf > now {
		return Claims{}, ErrNotYetValid
	}
	if c.IssuedAt > now+1 {
		return Claims{}, ErrIssuedInFuture
	}
	return c, nil
}

// checkHeader accepts exactly the header of an RFC 9068 access token under
// HS256 that names its key, and returns the kid. The algorithm is never
// chosen from the header: it is only compared.
func checkHeader(text []byte) (kid string, err error) {
	p, err := newJSONReader(text)
	if err != nil {
		return "", fmt.Errorf("%w: header: %v", ErrJSON, err)
	}
	const (
		bitAlg = iota
		bitTyp
		bitKid
	)
	var seen jsonNames
	var alg, typ string
	for {
		name, ok, err := p.Member()
		if err != nil {
			return "", fmt.Errorf("%w: header: %v", ErrJSON, err)
		}
		if !ok {
			break
		}
		bit := -1
		switch name {
		case "alg":
			bit = bitAlg
			if !p.IsString() {
				return "", fmt.Errorf("%w: alg is not a string", ErrAlgorithm)
			}
			alg, err = p.String()
		case "typ":
			bit = bitTyp
			if !p.IsString() {
				return "", fmt.Errorf("%w: typ is not a string", ErrType)
			}
			typ, err = p.String()
		case "kid":
			bit = bitKid
			if !p.IsString() {
				return "", fmt.Errorf("%w: kid is not a string", ErrKeyID)
			}
			kid, err = p.String()
		case "crit", "jku", "jwk", "x5u", "x5c":
			return "", fmt.Errorf("%w: %s", ErrHeaderParameter, name)
		default:
			err = p.Skip()
		}
		if err != nil {
			return "", fmt.Errorf("%w: header: %v", ErrJSON, err)
		}
		if !seen.Add(name, bit) {
			return "", fmt.Errorf("%w: header: duplicate member %q", ErrJSON, name)
		}
	}
	if alg != "HS256" {
		return "", fmt.Errorf("%w: got %q", ErrAlgorithm, alg)
	}
	// A media type, compared case-insensitively (RFC 9068 §4, RFC 8725 §3.11).
	if !strings.EqualFold(typ, "at+jwt") && !strings.EqualFold(typ, "application/at+jwt") {
		return "", fmt.Errorf("%w: got %q", ErrType, typ)
	}
	if !seen.Has(bitKid) {
		return "", fmt.Errorf("%w: no kid", ErrKeyID)
	}
	return kid, nil
}

// parseClaims reads the claims set into c and nbf and returns the bit set
// of the claims it saw.
func parseClaims(text []byte, c *Claims, nbf *int64) (uint32, error) {
	p, err := newJSONReader(text)
	if err != nil {
		return 0, fmt.Errorf("%w: claims: %v", ErrJSON, err)
	}
	var seen jsonNames
	for {
		name, ok, err := p.Member()
		if err != nil {
			return 0, fmt.Errorf("%w: claims: %v", ErrJSON, err)
		}
		if !ok {
			break
		}
		bit := -1
		switch name {
		case "iss":
			bit, err = claimIss, claimString(&p, &c.Issuer)
		case "sub":
			bit, err = claimSub, claimString(&p, &c.Subject)
		case "client_id":
			bit, err = claimClientID, claimString(&p, &c.ClientID)
		case "scope":
			bit, err = claimScope, claimString(&p, &c.Scope)
		case "jti":
			bit, err = claimJti, claimString(&p, &c.ID)
		case "iat":
			bit, err = claimIat, claimDate(&p, &c.IssuedAt)
		case "exp":
			bit, err = claimExp, claimDate(&p, &c.Expiry)
		case "nbf":
			bit, err = claimNbf, claimDate(&p, nbf)
		case "aud":
			bit = claimAud
			c.Audience, err = p.StringOrArray()
			if errors.Is(err, errJSONType) {
				err = ErrClaimType
			}
		default:
			err = p.Skip()
		}
		if err != nil {
			if errors.Is(err, ErrClaimType) {
				return 0, fmt.Errorf("%w (%s)", err, name)
			}
			return 0, fmt.Errorf("%w: claims: %v", ErrJSON, err)
		}
		if !seen.Add(name, bit) {
			return 0, fmt.Errorf("%w: claims: duplicate member %q", ErrJSON, name)
		}
	}
	return seen.Known(), nil
}

func claimString(p *jsonReader, dst *string) error {
	if !p.IsString() {
		return ErrClaimType
	}
	s, err := p.String()
	*dst = s
	return err
}

func claimDate(p *jsonReader, dst *int64) error {
	if !p.IsNumber() {
		return ErrClaimType
	}
	n, err := numericDate(p)
	if errors.Is(err, errRange) {
		return ErrClaimType
	}
	*dst = n
	return err
}
