// Package innobridge holds the domain of the innobridge platform: the plain
// types (organisations, users, achievements, demands, audit entries), the code
// lists and validators of the Chinese conventions they follow (统一社会信用代码,
// GB/T 2260 regions, GB/T 4754 industries, TRL), the error vocabulary, and the
// interfaces that storage backends and services implement.
//
// It imports no database, HTTP or file-format package: those live in their own
// subpackages (sqlite, postgres, http, xlsx, …) and speak to each other in
// terms of this package.
package innobridge
