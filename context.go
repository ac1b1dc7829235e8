package innobridge

import "context"

type ctxKey int

const userKey ctxKey = iota

// NewContextWithUser returns a context that carries the acting user. Services
// read it with UserFromContext to authorise what the caller does.
func NewContextWithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey, u)
}

// UserFromContext returns the acting user, or nil for an anonymous caller.
func UserFromContext(ctx context.Context) *User {
	u, _ := ctx.Value(userKey).(*User)
	return u
}
