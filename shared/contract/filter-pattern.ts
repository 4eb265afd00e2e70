/**
 * The shape of a Lambda event-filter pattern (the rule syntax Lambda shares with EventBridge),
 * as the function definitions write them. infra/event-filter.ts applies them locally as AWS does.
 */

export type FilterMatcher =
  | string
  | number
  | boolean
  | null
  | { readonly exists: boolean }
  | { readonly 'equals-ignore-case': string }
  | { readonly prefix: string | { readonly 'equals-ignore-case': string } }
  | { readonly suffix: string | { readonly 'equals-ignore-case': string } }
  | { readonly wildcard: string }
  | { readonly numeric: readonly (string | number)[] }
  | { readonly 'anything-but': AnythingBut };

export type AnythingBut =
  | string
  | number
  | readonly (string | number)[]
  | { readonly prefix: string }
  | { readonly suffix: string }
  | { readonly 'equals-ignore-case': string | readonly string[] }
  | { readonly wildcard: string | readonly string[] };

export type FilterPattern = { readonly [key: string]: FilterPattern | readonly FilterMatcher[] | readonly FilterPattern[] };
