// TEMPORARY STUB (lead): replaced by the person-names helper's module.
export function findPersonNames(_text: string, _allowList?: readonly string[]): Array<{ position: number; length: number }> {
  return [];
}
