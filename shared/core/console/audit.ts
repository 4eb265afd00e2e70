/** One line of the audit log: who did what, when, to which finding (or list, or person's record). */
export interface AuditEntry {
  at: string;
  /** The signed-in person's work address. */
  who: string;
  action: string;
  findingId?: string;
  version?: number;
  /** A list id, or what was done ("subject access export"); never a subscriber's address. */
  detail?: string;
}

export interface AuditLog {
  append(entry: Omit<AuditEntry, 'at'>, now: Date): Promise<void>;
  /** One month (YYYY-MM), newest first. */
  month(month: string, limit?: number): Promise<AuditEntry[]>;
}
