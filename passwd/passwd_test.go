package passwd

import "testing"

var fast = Params{Memory: 1024, Time: 1, Threads: 1}

func TestHashCheck(t *testing.T) {
	h, err := Hash("Correct#Horse9", fast)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		pw   string
		want bool
	}{{"Correct#Horse9", true}, {"correct#horse9", false}, {"", false}} {
		ok, err := Check(h, tc.pw)
		if err != nil || ok != tc.want {
			t.Errorf("Check(%q) = %v, %v; want %v", tc.pw, ok, err, tc.want)
		}
	}
	h2, _ := Hash("Correct#Horse9", fast)
	if h == h2 {
		t.Error("two hashes of one password are equal: salt not random")
	}
	if _, err := Check("$bcrypt$x", "a"); err == nil {
		t.Error("Check accepted a non-argon2id hash")
	}
}

func TestPolicy(t *testing.T) {
	for _, tc := range []struct {
		name, pw, user string
		ok             bool
	}{
		{"OK", "Demo#Admin2026", "wang", true},
		{"OKThreeClasses", "abcdefgh12XY", "bob", true},
		{"ErrShort", "Ab#1234", "bob", false},
		{"ErrTwoClasses", "abcdefghij12", "bob", false},
		{"ErrContainsUsername", "Zhangsan#2026", "zhangsan", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Policy(tc.pw, tc.user) == ""; got != tc.ok {
				t.Errorf("Policy(%q) ok = %v, want %v (%s)", tc.pw, got, tc.ok, Policy(tc.pw, tc.user))
			}
		})
	}
}
