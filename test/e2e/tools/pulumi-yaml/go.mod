// Wrapper module that builds the YAML language host (cmd/pulumi-language-yaml)
// from github.com/pulumi/pulumi-yaml.
module bgplb/e2e/tools/pulumi-yaml

go 1.26.0

require github.com/pulumi/pulumi-yaml v1.25.0
