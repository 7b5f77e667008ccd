// Wrapper module that builds the Kubernetes resource provider
// (cmd/pulumi-resource-kubernetes). The only served version of provider/v4 is
// this pseudo-version, the commit of the v4.25.0 release; the npm package
// @pulumi/kubernetes is pinned to the same release in package.json.
// build.sh copies the command's package out of the module cache and generates
// the schema-embed.json it embeds (absent from the module zip) with
// VERSION=4.25.0.
//
// provider-release: v4.25.0
module bgplb/e2e/tools/pulumi-kubernetes

go 1.26.0

require github.com/pulumi/pulumi-kubernetes/provider/v4 v4.0.0-20260115033456-f47bc2d6f199
