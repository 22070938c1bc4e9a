module github.com/agenttrustid/sdk/go

go 1.24
