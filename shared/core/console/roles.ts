/**
 * Who may do what in the admin console. The user pool's groups (Cognito in AWS, cognito-local
 * locally) are the roles; an account in none of them can sign in but sees nothing.
 */
export const CONSOLE_GROUPS = ['editor', 'approver', 'viewer'] as const;
export type ConsoleGroup = (typeof CONSOLE_GROUPS)[number];

export interface ConsoleUser {
  /** The user pool's subject: stable, never shown. */
  sub: string;
  /** The work address the person signs in with: shown in the header and recorded in the audit log. */
  email: string;
  groups: ConsoleGroup[];
}

export const CAPABILITIES = {
  /** Findings, previews, reports, the audit log: every role, the scrutineer (viewer) included. */
  read: ['viewer', 'editor', 'approver'],
  /** Write and edit findings and lists. */
  edit: ['editor'],
  /** Approve someone else's finding, release a held one with a reason. */
  approve: ['approver'],
  /** Publish an approved finding, send a correction, withdraw. */
  publish: ['editor', 'approver'],
  /** Subscriber look-up, subject access export and erasure: the data-protection lead, an approver. */
  people: ['approver'],
} as const satisfies Record<string, readonly ConsoleGroup[]>;

export type Capability = keyof typeof CAPABILITIES;

export const can = (user: Pick<ConsoleUser, 'groups'>, capability: Capability): boolean =>
  user.groups.some((group) => (CAPABILITIES[capability] as readonly ConsoleGroup[]).includes(group));

export const isConsoleGroup = (value: unknown): value is ConsoleGroup => CONSOLE_GROUPS.includes(value as ConsoleGroup);
