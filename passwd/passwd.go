// Package passwd hashes and checks passwords with Argon2id (golang.org/x/crypto),
// a memory-hard KDF, and enforces the platform's password policy.
package passwd

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/crypto/argon2"
)

// Params are Argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// Default costs 32 MiB and two passes: about 40 ms on one core here.
var Default = Params{Memory: 32 * 1024, Time: 2, Threads: 2}

const saltLen, keyLen = 16, 32

var b64 = base64.RawStdEncoding

// Hash returns the PHC-style encoding of password's Argon2id hash with a
// fresh random salt: $argon2id$v=19$m=…,t=…,p=…$salt$hash.
func Hash(password string, p Params) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("passwd: reading random salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Check reports whether password matches encoded, in constant time.
func Check(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, fmt.Errorf("passwd: hash is not argon2id")
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, fmt.Errorf("passwd: bad parameters %q: %w", parts[3], err)
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, fmt.Errorf("passwd: bad salt: %w", err)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return false, fmt.Errorf("passwd: bad hash: %w", err)
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// MinLength is the shortest password the policy accepts.
const MinLength = 10

// Policy checks password against the platform policy (等保 level 3 practice):
// at least MinLength characters, at least three of upper case, lower case,
// digits and symbols, and not containing the username. It returns a message
// in Chinese and English, or "" when the password is acceptable.
func Policy(password, username string) string {
	if len([]rune(password)) < MinLength {
		return fmt.Sprintf("密码至少%d位 (at least %d characters)", MinLength, MinLength)
	}
	var upper, lower, digit, symbol int
	for _, r := range password {
		switch {
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			symbol = 1
		}
	}
	if upper+lower+digit+symbol < 3 {
		return "密码须包含大写字母、小写字母、数字、符号中的至少三类 (use three of: upper case, lower case, digits, symbols)"
	}
	if username != "" && strings.Contains(strings.ToLower(password), strings.ToLower(username)) {
		return "密码不能包含用户名 (must not contain the username)"
	}
	return ""
}
