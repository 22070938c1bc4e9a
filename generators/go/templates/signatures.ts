/**
 * Go method shapes the product guide fixes where the generic rule would differ. The generic
 * rule (see resources.ts): path parameters positional, then the request body struct when it is
 * required; an optional body or optional query parameters give a short method without them and a
 * `...With` method taking them.
 *
 * Keyed by operationId. `flatten`: body fields (wire names) that become positional string
 * parameters of the short method; `errorOnly`: the short method returns only an error (the answer
 * is still validated, and reachable with ati.WithResponseBodyInto or the `...With` method).
 */
export interface GoSignature {
  flatten?: string[];
  errorOnly?: boolean;
}

export const GO_SIGNATURES: Readonly<Record<string, GoSignature>> = {
  // Guide: `client.Approvals.Approve(ctx, approvalID, "admin@company.com")` returns an error.
  approveApproval: { flatten: ['decided_by'], errorOnly: true },
  denyApproval: { flatten: ['decided_by'], errorOnly: true },
  // Guide: `_ = client.Streaming.Test(ctx, destination.ID)`.
  testSiemDestination: { errorOnly: true },
};
