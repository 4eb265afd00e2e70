import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import './zod-setup';
import type { Finding } from './finding/finding';
import { knownId } from './known-id';
import { AGENCY_IDS, ROLE_IDS, TOPIC_IDS, type AgencyId, type RoleId } from './taxonomy';

/** A distribution list. Empty or absent filters match everything. */
export const distributionListSchema = z.object({
  id: z.string().check(
    z.trim(),
    z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
      error: "use lower-case letters, digits and '-', starting with a letter or digit (for example school-dsls).",
    }),
  ),
  name: z.string().check(z.trim(), z.minLength(1, { error: 'empty: give the list a name people recognise.' })),
  topics: z.optional(z.array(knownId(TOPIC_IDS, 'topic'))),
  agencies: z.optional(z.array(knownId(AGENCY_IDS, 'agency'))),
  roles: z.optional(z.array(knownId(ROLE_IDS, 'role'))),
});
export type DistributionList = z.infer<typeof distributionListSchema>;

/**
 * RFC 5321 (4.5.3.1): at most 64 octets before the @ and 255 after it, and a path of 256
 * octets with its angle brackets, so 254 for the address. A longer one is a paste gone
 * wrong, and mail servers refuse it.
 */
export const ADDRESS_LIMITS = { localPart: 64, domain: 255, address: 254 } as const;

const octets = (text: string) => new TextEncoder().encode(text).length;

/** What is too long in an address, in words a person can act on; undefined when the lengths are within RFC 5321. */
export function addressLengthProblem(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  const local = at < 0 ? email : email.slice(0, at);
  const domain = at < 0 ? '' : email.slice(at + 1);
  if (octets(local) > ADDRESS_LIMITS.localPart) {
    return `the part before the @ is ${octets(local)} characters long; an address has ${ADDRESS_LIMITS.localPart} at most there. Check it was copied whole and only once.`;
  }
  if (octets(domain) > ADDRESS_LIMITS.domain) {
    return `the part after the @ is ${octets(domain)} characters long; an address has ${ADDRESS_LIMITS.domain} at most there. Check it was copied whole and only once.`;
  }
  if (octets(email) > ADDRESS_LIMITS.address) {
    return `it is ${octets(email)} characters long; an address has ${ADDRESS_LIMITS.address} at most. Check it was copied whole and only once.`;
  }
  return undefined;
}

/** A zod check for the RFC 5321 lengths, with the message above (prefixed, as a form or a CSV line needs it). */
export const addressLengths = (prefix = '') =>
  z.superRefine((email: string, ctx) => {
    const problem = addressLengthProblem(email);
    if (problem) ctx.addIssue({ code: 'custom', message: `${prefix}${problem}` });
  });

export const memberSchema = z.object({
  email: z.pipe(
    z.string().check(z.trim(), z.toLowerCase()),
    z.email({ error: 'not a valid address: check for a missing @ or a stray space.' }).check(addressLengths('too long: ')),
  ),
  name: z.string().check(z.trim(), z.minLength(1, { error: 'empty: give the person’s name as it should appear in the greeting.' })),
  agency: knownId(AGENCY_IDS, 'agency'),
  role: knownId(ROLE_IDS, 'role'),
});
export type Member = z.infer<typeof memberSchema>;

export interface Recipient {
  email: string;
  name: string;
  agency: AgencyId;
  role: RoleId;
  /** The lists that brought this person in, for the ledger. */
  via: string[];
}

const overlaps = <T>(filter: readonly T[] | undefined, values: readonly T[]) =>
  !filter || filter.length === 0 || filter.some((value) => values.includes(value));

/** Does a list take this finding? Topic and agency filters must each share at least one id with it. */
export function listMatches(list: DistributionList, finding: Pick<Finding, 'topics' | 'agencies'>): boolean {
  return overlaps(list.topics, finding.topics) && overlaps(list.agencies, finding.agencies);
}

/** A list's role filter narrows which of its members receive what it takes. */
export function memberSelected(list: DistributionList, member: Member): boolean {
  return overlaps(list.roles, [member.role]);
}

/**
 * Everyone who should get this finding, once each. Lists are taken in id order, so
 * when one person sits on several lists with different details the result is stable.
 */
export function resolveAudience(
  finding: Pick<Finding, 'topics' | 'agencies'>,
  lists: readonly { list: DistributionList; members: readonly Member[] }[],
): Recipient[] {
  const byEmail = new Map<string, Recipient>();
  const ordered = [...lists].sort((a, b) => a.list.id.localeCompare(b.list.id));
  for (const { list, members } of ordered) {
    if (!listMatches(list, finding)) continue;
    for (const member of members) {
      if (!memberSelected(list, member)) continue;
      const email = normaliseEmail(member.email);
      const existing = byEmail.get(email);
      if (existing) {
        if (!existing.via.includes(list.id)) existing.via.push(list.id);
      } else {
        byEmail.set(email, { email, name: member.name, agency: member.agency, role: member.role, via: [list.id] });
      }
    }
  }
  return [...byEmail.values()];
}

/** Self-subscribers join after list members; a person on both gets one email, with list details kept. */
export const SUBSCRIPTION_VIA = 'topic-subscription';
export function withSubscribers(recipients: readonly Recipient[], subscribers: readonly Pick<Recipient, 'email' | 'agency' | 'role'>[]): Recipient[] {
  const byEmail = new Map(recipients.map((r) => [normaliseEmail(r.email), { ...r, via: [...r.via] }]));
  for (const subscriber of subscribers) {
    const email = normaliseEmail(subscriber.email);
    const existing = byEmail.get(email);
    if (existing) {
      if (!existing.via.includes(SUBSCRIPTION_VIA)) existing.via.push(SUBSCRIPTION_VIA);
    } else {
      byEmail.set(email, { email, name: '', agency: subscriber.agency, role: subscriber.role, via: [SUBSCRIPTION_VIA] });
    }
  }
  return [...byEmail.values()];
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** A stable, non-reversible key for a recipient: ledger keys and URLs never carry the address. */
export function recipientKey(email: string): string {
  return createHash('sha256').update(normaliseEmail(email)).digest('hex').slice(0, 24);
}
