// Wrapper module that builds the Pulumi CLI (cmd/pulumi) from
// github.com/pulumi/pulumi/pkg/v3. pkg/v3 replaces sdk/v3 with a local path,
// which blocks `go install`; here sdk/v3 is pinned to the same tag and pkg/v3's
// own clipboard replace is repeated (replaces apply only in the main module).
module bgplb/e2e/tools/pulumi

go 1.26.6

require (
	github.com/pulumi/pulumi/pkg/v3 v3.276.0
	github.com/pulumi/pulumi/sdk/v3 v3.276.0
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
