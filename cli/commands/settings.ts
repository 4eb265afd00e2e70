import { UsageError, type Target } from '../target';
import type { Output } from '../output';

/** One of the gate's per-deployment word lists, as the admin keeps it with list, add and remove. */
interface ListSpec {
  command: string;
  /** 'deny list' */
  title: string;
  /** 'term' */
  unit: string;
  example: string;
  read(target: Target): Promise<string[]>;
  write(target: Target, items: readonly string[]): Promise<void>;
  emptyHint: string;
  addedHint: string;
  /** Said after an add, when something about the new items is worth knowing. */
  afterAdd?(target: Target, added: readonly string[], io: Output): Promise<void>;
}

/**
 * The anonymisation gate's deny list: words and names this partnership never wants in a
 * briefing (local school or estate names, a family name from a current case). Kept in
 * the settings table, not in the code; matched whole-word and case-insensitively.
 */
const DENY: ListSpec = {
  command: 'denylist',
  title: 'deny list',
  unit: 'term',
  example: '"Example Street"',
  read: (target) => target.settings.denyList(),
  write: (target, items) => target.settings.setDenyList(items),
  emptyHint: 'Add words or names with: npm run cli -- denylist add "Example Street" ...',
  addedHint: 'Findings published from now on are checked against it.',
};

/**
 * The gate's allow list: public names and pseudonyms the person-name rule lets through,
 * such as "Child Q" or the children named in a national review's title. Kept beside the
 * deny list in the settings table; matched whole-name and case-insensitively, so "Arthur"
 * allows "Arthur" but not "Arthur Smith".
 */
const ALLOW: ListSpec = {
  command: 'allowlist',
  title: 'allow list',
  unit: 'name',
  example: '"Child Q"',
  read: (target) => target.settings.allowList(),
  write: (target, items) => target.settings.setAllowList(items),
  emptyHint: 'Add public names or pseudonyms the name check should let through with: npm run cli -- allowlist add "Child Q" ...',
  addedHint: 'The name check lets them through in findings published from now on (whole names, any case).',
  async afterAdd(target, added, io) {
    const denied = new Set((await target.settings.denyList()).map(key));
    for (const name of added.filter((n) => denied.has(key(n)))) io.out(`Note: '${name}' is also on the deny list, which still blocks it.`);
  },
};

const key = (item: string) => item.trim().toLowerCase();

async function keepList(spec: ListSpec, target: Target, io: Output, action: string | undefined, items: string[]): Promise<number> {
  const current = await spec.read(target);
  switch (action) {
    case undefined:
    case 'list':
      if (!current.length) io.out(`The ${spec.title} is empty. ${spec.emptyHint}`);
      else {
        io.out(`${current.length} ${spec.unit}(s) on the ${spec.title}:`);
        for (const item of [...current].sort((a, b) => a.localeCompare(b))) io.out(`  ${item}`);
      }
      return 0;
    case 'add': {
      if (!items.length) throw new UsageError(`Usage: npm run cli -- ${spec.command} add <${spec.unit}> [more ${spec.unit}s…] (quote a phrase: ${spec.example})`);
      const known = new Set(current.map(key));
      const added: string[] = [];
      for (const item of items.map((i) => i.trim())) {
        if (!item || known.has(key(item))) continue;
        known.add(key(item));
        added.push(item);
      }
      await spec.write(target, [...current, ...added]);
      io.out(`Added ${added.length} ${spec.unit}(s); the ${spec.title} has ${current.length + added.length}. ${spec.addedHint}`);
      await spec.afterAdd?.(target, added, io);
      return 0;
    }
    case 'remove': {
      if (!items.length) throw new UsageError(`Usage: npm run cli -- ${spec.command} remove <${spec.unit}> [more ${spec.unit}s…]`);
      const removing = new Set(items.map(key));
      const kept = current.filter((item) => !removing.has(key(item)));
      await spec.write(target, kept);
      io.out(`Removed ${current.length - kept.length} ${spec.unit}(s); the ${spec.title} has ${kept.length}.`);
      return 0;
    }
    default:
      throw new UsageError(`${spec.command} ${action} is not a command: use ${spec.command} list, add or remove.`);
  }
}

export function denyList(target: Target, io: Output, action: string | undefined, terms: string[]): Promise<number> {
  return keepList(DENY, target, io, action, terms);
}

export function allowList(target: Target, io: Output, action: string | undefined, names: string[]): Promise<number> {
  return keepList(ALLOW, target, io, action, names);
}
