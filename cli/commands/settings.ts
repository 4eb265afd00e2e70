import { UsageError, type Target } from '../target';
import type { Output } from '../output';

/**
 * The anonymisation gate's deny list: words and names this partnership never wants in a
 * briefing (local school or estate names, a family name from a current case). Kept in
 * the settings table, not in the code; matched whole-word and case-insensitively.
 */
export async function denyList(target: Target, io: Output, action: string | undefined, terms: string[]): Promise<number> {
  const current = await target.settings.denyList();
  const key = (term: string) => term.trim().toLowerCase();
  switch (action) {
    case undefined:
    case 'list':
      if (!current.length) io.out('The deny list is empty. Add words or names with: npm run cli -- denylist add "Example Street" ...');
      else {
        io.out(`${current.length} term(s) on the deny list:`);
        for (const term of [...current].sort((a, b) => a.localeCompare(b))) io.out(`  ${term}`);
      }
      return 0;
    case 'add': {
      if (!terms.length) throw new UsageError('Usage: npm run cli -- denylist add <term> [more terms…] (quote a phrase: "Example Street")');
      const known = new Set(current.map(key));
      const added = terms.map((t) => t.trim()).filter((t) => t && !known.has(key(t)));
      await target.settings.setDenyList([...current, ...new Set(added)]);
      io.out(`Added ${added.length} term(s); the deny list has ${current.length + added.length}. Findings published from now on are checked against it.`);
      return 0;
    }
    case 'remove': {
      if (!terms.length) throw new UsageError('Usage: npm run cli -- denylist remove <term> [more terms…]');
      const removing = new Set(terms.map(key));
      const kept = current.filter((t) => !removing.has(key(t)));
      await target.settings.setDenyList(kept);
      io.out(`Removed ${current.length - kept.length} term(s); the deny list has ${kept.length}.`);
      return 0;
    }
    default:
      throw new UsageError(`denylist ${action} is not a command: use denylist list, add or remove.`);
  }
}
