module github.com/agenttrustid/sdk/go/keychain

go 1.24

require (
	// The version is the repository's one version, set by generators/go/emit.ts on every
	// `pnpm generate`: a release tags go/vX.Y.Z and go/keychain/vX.Y.Z on the same commit.
	github.com/agenttrustid/sdk/go v0.0.0
	github.com/zalando/go-keyring v0.2.8
)

require (
	github.com/danieljoos/wincred v1.2.3 // indirect
	github.com/godbus/dbus/v5 v5.2.2 // indirect
	golang.org/x/sys v0.27.0 // indirect
)

// No replace directive: in this repository the root go.work puts ../ (the SDK) in the build,
// so go/keychain builds and tests against the SDK beside it; a user's `go get` resolves the tag.
