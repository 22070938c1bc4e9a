module github.com/agenttrustid/sdk/go/keychain

go 1.24

require (
	github.com/agenttrustid/sdk/go v0.0.0-00010101000000-000000000000
	github.com/zalando/go-keyring v0.2.8
)

require (
	github.com/danieljoos/wincred v1.2.3 // indirect
	github.com/godbus/dbus/v5 v5.2.2 // indirect
	golang.org/x/sys v0.27.0 // indirect
)

// Built and tested beside the SDK it extends.
replace github.com/agenttrustid/sdk/go => ../
