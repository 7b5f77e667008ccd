import { expect } from "chai";
import { describeApiError } from "../../sdk/cluster/kube";

describe("cluster/kube: describeApiError", () => {
  it("uses the message of a Kubernetes Status body", () => {
    const error = { code: 409, body: JSON.stringify({ kind: "Status", message: 'leases "bgplb" already exists' }) };
    expect(describeApiError(error)).to.equal('HTTP 409: leases "bgplb" already exists');
  });

  it("falls back to the body text when the body's message is not text, never [object Object]", () => {
    const body = JSON.stringify({ message: { reason: "Conflict" } });
    expect(describeApiError({ code: 409, body })).to.equal(`HTTP 409: ${body}`);
  });
});
