package service

import (
	"fmt"
	"testing"

	"github.com/innobridge/innobridge/passwd"
)

// TestDummyHashCost checks that a login with an unknown username checks a
// hash of the configured cost, so that response times do not tell which
// accounts exist.
func TestDummyHashCost(t *testing.T) {
	for _, p := range []passwd.Params{passwd.Default, {Memory: 1024, Time: 1, Threads: 1}} {
		s := &Service{Config: Config{PasswordParams: p}}
		h := s.dummyHash()
		want := fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$", p.Memory, p.Time, p.Threads)
		if len(h) < len(want) || h[:len(want)] != want {
			t.Errorf("dummy hash %q, want the cost %s", h, want)
		}
		if ok, err := passwd.Check(h, ""); err != nil || ok {
			t.Errorf("dummy hash accepts the empty password (%v, %v)", ok, err)
		}
		if s.dummyHash() != h {
			t.Error("dummy hash made twice")
		}
	}
}
