package oauth

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"

	"oauthtime/internal/secret"
	"oauthtime/internal/wire"
)

// ClientConfig is one entry of the client registry as a clients file holds it.
type ClientConfig struct {
	ClientID     string        `json:"client_id"`
	ClientSecret secret.String `json:"client_secret"`
	GrantTypes   []string      `json:"grant_types"`
	Scope        string        `json:"scope"`
	Introspect   bool          `json:"introspect"`
}

// DefaultClients is the built-in registry: the webapp's client and the
// resource server's, with the well-known secrets README.md documents.
func DefaultClients() []ClientConfig {
	return []ClientConfig{
		{ClientID: "1234", ClientSecret: secret.New("qwerty"), GrantTypes: []string{wire.GrantPassword}, Scope: "current_time epoch_time"},
		{ClientID: "resourceserver", ClientSecret: secret.New("resourceserver-secret"), GrantTypes: []string{}, Introspect: true},
	}
}

// ParseClients reads a clients file: a JSON array of ClientConfig objects.
// Unknown fields, names in another case ("Client_Secret"), a repeated name
// and anything after the array are errors, so a typo cannot silently drop
// or replace a setting.
func ParseClients(r io.Reader) ([]ClientConfig, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("clients file: %w", err)
	}
	if err := checkMembers(raw); err != nil {
		return nil, fmt.Errorf("clients file: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var cs []ClientConfig
	if err := dec.Decode(&cs); err != nil {
		return nil, fmt.Errorf("clients file: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("clients file: data after the array")
	}
	if cs == nil {
		return nil, errors.New("clients file: not an array")
	}
	return cs, nil
}

// isClientField reports whether name is exactly the json name of a
// ClientConfig field: the struct tags are the one list of them.
func isClientField(name string) bool {
	t := reflect.TypeOf(ClientConfig{})
	for i := 0; i < t.NumField(); i++ {
		if t.Field(i).Tag.Get("json") == name {
			return true
		}
	}
	return false
}

// checkMembers walks a clients file token by token and refuses a member
// name that is not exactly a ClientConfig field's, or is given twice in one
// object: encoding/json would match the first case-insensitively and let a
// repeated one win silently. Anything else is left to the decoder.
func checkMembers(raw []byte) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	var stack []map[string]bool // the names seen in each open object; nil for an array
	expectKey := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return nil // malformed: the decoder says how
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				stack = append(stack, map[string]bool{})
				expectKey = true
				continue
			case '[':
				stack = append(stack, nil)
			case '}', ']':
				stack = stack[:len(stack)-1]
			}
		case string:
			if expectKey {
				seen := stack[len(stack)-1]
				if len(stack) == 2 && !isClientField(v) {
					return fmt.Errorf("unknown field %q (names are lower case)", v)
				}
				if seen[v] {
					return fmt.Errorf("field %q given twice", v)
				}
				seen[v] = true
				expectKey = false
				continue
			}
		}
		// After a value, the next token is a key if we are in an object.
		expectKey = len(stack) > 0 && stack[len(stack)-1] != nil
	}
}

// Client is a registered client.
type Client struct {
	ID         string
	GrantTypes []string
	// Scope is the client's registered scope: what it may ask for, and what
	// it gets when it asks for nothing.
	Scope []string
	// Introspect says whether the client may call the introspection
	// endpoint (RFC 7662 §4: callers are specifically authorized).
	Introspect bool
	// secretHash is compared instead of the secret, so that comparisons take
	// the same time whatever the lengths.
	secretHash [sha256.Size]byte
}

// Allows reports whether the client is registered for grantType.
func (c *Client) Allows(grantType string) bool { return slices.Contains(c.GrantTypes, grantType) }

// Registry holds the registered clients. It is read-only once built.
type Registry struct {
	clients map[string]*Client
	// unknown is compared against when the client ID is unknown, so that an
	// unknown ID takes as long as a wrong secret.
	unknown [sha256.Size]byte
}

// NewRegistry checks cfgs and builds a Registry from them.
func NewRegistry(cfgs []ClientConfig) (*Registry, error) {
	r := &Registry{clients: make(map[string]*Client, len(cfgs))}
	for i, cfg := range cfgs {
		if cfg.ClientID == "" {
			return nil, fmt.Errorf("client %d: client_id is empty", i)
		}
		if _, dup := r.clients[cfg.ClientID]; dup {
			return nil, fmt.Errorf("client %q: registered twice", cfg.ClientID)
		}
		if cfg.ClientSecret.Empty() {
			return nil, fmt.Errorf("client %q: client_secret is empty", cfg.ClientID)
		}
		for _, g := range cfg.GrantTypes {
			if g != wire.GrantPassword {
				return nil, fmt.Errorf("client %q: grant type %q is not supported", cfg.ClientID, g)
			}
		}
		scope, ok := parseScope(cfg.Scope)
		if !ok {
			return nil, fmt.Errorf("client %q: scope %q is malformed", cfg.ClientID, cfg.Scope)
		}
		r.clients[cfg.ClientID] = &Client{
			ID:         cfg.ClientID,
			GrantTypes: slices.Clone(cfg.GrantTypes),
			Scope:      scope,
			Introspect: cfg.Introspect,
			secretHash: sha256.Sum256([]byte(cfg.ClientSecret.Reveal())),
		}
	}
	if len(r.clients) == 0 {
		return nil, errors.New("no clients registered")
	}
	return r, nil
}

// Authenticate returns the client with id if sec is its secret. The secret
// is compared in constant time, and an unknown id costs the same.
func (r *Registry) Authenticate(id string, sec secret.String) (*Client, bool) {
	h := hashSecret(sec)
	c, _ := r.match(id, &h)
	return c, c != nil
}

// hashSecret is what the registry compares: the SHA-256 of a secret, so
// that comparisons take the same time whatever the lengths.
func hashSecret(sec secret.String) [sha256.Size]byte {
	return sha256.Sum256([]byte(sec.Reveal()))
}

// match returns the client with id if presented is the hash of its secret,
// and whether id is registered at all. It does the same work either way.
func (r *Registry) match(id string, presented *[sha256.Size]byte) (c *Client, known bool) {
	c, known = r.clients[id]
	want := &r.unknown
	if known {
		want = &c.secretHash
	}
	if subtle.ConstantTimeCompare(presented[:], want[:]) != 1 || !known {
		return nil, known
	}
	return c, true
}

// IDs returns the registered client IDs, sorted.
func (r *Registry) IDs() []string {
	ids := make([]string, 0, len(r.clients))
	for id := range r.clients {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Scopes returns every scope some client may be granted, sorted.
func (r *Registry) Scopes() []string {
	var all []string
	for _, c := range r.clients {
		for _, s := range c.Scope {
			if !slices.Contains(all, s) {
				all = append(all, s)
			}
		}
	}
	slices.Sort(all)
	return all
}

// Uses reports whether client id is registered with secret sec. It lets the
// server warn when a well-known default secret is in use.
func (r *Registry) Uses(id string, sec secret.String) bool {
	c, ok := r.Authenticate(id, sec)
	return ok && c != nil
}
