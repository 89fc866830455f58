/** How a Create, Update, Delete or ReplayParked ended (the server's `...Completed` results). */
export type ManagementOutcome =
  | { readonly kind: 'success' }
  | { readonly kind: 'fail'; readonly reason: string }
  | { readonly kind: 'exists' }
  | { readonly kind: 'does-not-exist' };

/** A refused management call. */
export type Failure = Extract<ManagementOutcome, { readonly kind: 'fail' }>;

/** A refusal with the server's reason text. */
export function failure(reason: string): Failure {
  return { kind: 'fail', reason };
}
