/** A stack setting or definition that cannot be deployed, with what to change. */
export class StackConfigError extends Error {
  override readonly name = 'StackConfigError';
}

