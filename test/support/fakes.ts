import { randomUUID } from 'node:crypto';
import { distributionListSchema, memberSchema, type DistributionList, type Member } from '../../shared/core/audience';
import type { AuditEntry, AuditLog } from '../../shared/core/console/audit';
import { deliveryRowSchema, erasedStandIn, mailEventRank, openShardOf, type DeliveryRow, type MailOutcome } from '../../shared/core/delivery';
import { capNotes, holdKeyOf } from '../../shared/core/finding/held-notes';
import { errorLine, type FieldError } from '../../shared/core/finding/finding';
import type {
  Briefing,
  BriefingStore,
  DeliveryStore,
  FindingStore,
  ListStore,
  Mailer,
  PlanSummary,
  RateLimiter,
  Response,
  ResponseStore,
  SettingsStore,
  SubscriberStore,
  Suppression,
  SuppressionStore,
} from '../../shared/core/ports';
import { ALL_TOPICS, type Frequency, type Subscriber } from '../../shared/core/subscriber';
import type { TopicId } from '../../shared/core/taxonomy';
import { partitionBySchema } from '../../shared/adapters/dynamo/kit';

/**
 * In-memory stores behind the same ports as the DynamoDB adapters, so each flow has fast unit
 * tests without Java. Each keeps the adapter's conditions (a claim only from PENDING with the
 * same createdAt, a weaker mail event never replacing a stronger one, a hold never hiding a
 * planned version…) and stores copies, as a table would. test/integration/store-contract.test.ts
 * runs the same cases against these and against the DynamoDB adapters on DynamoDB Local, so a
 * fake that drifts from the real store fails there.
 */

const copy = <T>(value: T): T => structuredClone(value);

/** What DynamoDB throws when an unguarded transition's condition fails (markSent on a row that is not SENDING). */
export class FakeConditionFailure extends Error {
  override readonly name = 'ConditionalCheckFailedException';
}

export class MemoryFindingStore implements FindingStore {
  readonly items = new Map<string, Record<string, unknown>>();

  async getRaw(id: string) {
    return this.items.has(id) ? copy(this.items.get(id)) : undefined;
  }
  async putRaw(item: Record<string, unknown>) {
    this.items.set(String(item.id), copy(item));
  }
  async replaceIf(item: Record<string, unknown>, expected: { version: unknown; status: unknown }) {
    const stored = this.items.get(String(item.id));
    if (!stored || stored.version !== expected.version || stored.status !== expected.status) return false;
    this.items.set(String(item.id), copy(item));
    return true;
  }
  async listRaw() {
    return [...this.items.values()].map(copy);
  }
  async setStatus(id: string, status: 'draft' | 'published' | 'withdrawn') {
    const stored = this.items.get(id);
    if (!stored) throw new FakeConditionFailure(`no finding ${id}`);
    stored.status = status;
  }
  async markHeld(id: string, version: number | undefined, errors: FieldError[], now: Date, options: { evenIfPlanned?: boolean } = {}) {
    const stored = this.items.get(id);
    if (!stored) return false;
    const lines = errors.map(errorLine);
    const holdKey = holdKeyOf(version, lines);
    const news = stored.pipelineHoldKey === undefined || stored.pipelineHoldKey !== holdKey || stored.pipelineAdminToldAt === undefined;
    const plannedOutranks =
      !options.evenIfPlanned &&
      stored.pipelineStatus === 'planned' &&
      (version === undefined || !(typeof stored.pipelineVersion === 'number' && stored.pipelineVersion < version));
    if (!news || plannedOutranks) return false;
    delete stored.pipelineAdminToldAt;
    if (version === undefined && !options.evenIfPlanned) delete stored.pipelineVersion;
    Object.assign(stored, {
      pipelineStatus: 'held',
      pipelineErrors: capNotes(lines, 'problem'),
      pipelineAt: now.toISOString(),
      pipelineHoldKey: holdKey,
      ...(version !== undefined ? { pipelineVersion: version } : {}),
    });
    return true;
  }
  async markAdminTold(id: string, now: Date) {
    const stored = this.items.get(id);
    if (stored?.pipelineStatus === 'held') stored.pipelineAdminToldAt = now.toISOString();
  }
  async markPlanned(id: string, version: number, summary: PlanSummary, now: Date) {
    const stored = this.items.get(id);
    if (!stored) return;
    if (stored.pipelineStatus === 'planned' && typeof stored.pipelineVersion === 'number' && stored.pipelineVersion > version) return;
    Object.assign(stored, {
      pipelineStatus: 'planned',
      pipelineErrors: capNotes(summary.skipped, 'list problem'),
      pipelineWarnings: capNotes(summary.warnings ?? [], 'warning'),
      pipelineVersion: version,
      pipelineAt: now.toISOString(),
    });
  }
  async markWithdrawn(id: string, _summary: { notices: number; cancelled: number }, now: Date) {
    const stored = this.items.get(id);
    if (stored) Object.assign(stored, { pipelineStatus: 'withdrawn', pipelineErrors: [], pipelineAt: now.toISOString() });
  }
}

export class MemoryListStore implements ListStore {
  readonly lists = new Map<string, Record<string, unknown>>();
  readonly memberRows = new Map<string, Map<string, Record<string, unknown>>>();

  async allLists() {
    return partitionBySchema([...this.lists.values()].map(copy), distributionListSchema, (item) => String(item.id));
  }
  async getList(id: string) {
    const item = this.lists.get(id);
    return partitionBySchema(item ? [copy(item)] : [], distributionListSchema, (i) => String(i.id));
  }
  async putList(list: DistributionList) {
    this.lists.set(list.id, copy(list));
  }
  async members(listId: string) {
    return partitionBySchema([...(this.memberRows.get(listId)?.values() ?? [])].map(copy), memberSchema, (item) => String(item.email));
  }
  async membershipsOf(email: string) {
    return [...this.memberRows.values()].flatMap((rows) => [...rows.values()].filter((row) => row.email === email).map((row) => copy(row) as Member & { listId: string }));
  }
  async removeMember(listId: string, email: string) {
    this.memberRows.get(listId)?.delete(email);
  }
  async putMembers(listId: string, members: Member[], onProgress?: (written: number) => void) {
    const rows = this.memberRows.get(listId) ?? new Map<string, Record<string, unknown>>();
    this.memberRows.set(listId, rows);
    members.forEach((member, i) => {
      rows.set(member.email, copy({ ...member, listId }));
      onProgress?.(i + 1);
    });
    return members.length;
  }
}

export class MemoryBriefingStore implements BriefingStore {
  readonly briefings = new Map<string, Briefing>();

  async putIfAbsent(briefing: Briefing) {
    const stored = this.briefings.get(briefing.briefingId);
    if (stored) return { briefing: copy(stored), created: false };
    this.briefings.set(briefing.briefingId, copy(briefing));
    return { briefing, created: true };
  }
  async setRecipients(briefingId: string, recipients: number) {
    const stored = this.briefings.get(briefingId);
    if (stored) stored.recipients = recipients;
    else this.briefings.set(briefingId, { briefingId, recipients } as Briefing);
  }
  async get(briefingId: string) {
    const stored = this.briefings.get(briefingId);
    return stored ? copy(stored) : undefined;
  }
  async markStopped(briefingId: string, how: 'withdrawnAt' | 'supersededAt' | 'personalDataRemovedAt', at: Date, by?: number) {
    const stored = this.briefings.get(briefingId);
    if (!stored) return;
    const byVersion = how === 'supersededAt' && by !== undefined;
    if (byVersion && stored.supersededBy !== undefined && !(stored.supersededBy < by)) return;
    stored[how] ??= at.toISOString();
    if (byVersion) stored.supersededBy = by;
  }
  async plannedSince(since: Date) {
    return [...this.briefings.values()].filter((b) => b.plannedAt >= since.toISOString()).map(copy);
  }
}

type Row = Record<string, unknown> & { deliveryId: string; status: string };

export class MemoryDeliveryStore implements DeliveryStore {
  readonly rows = new Map<string, Row>();

  private parsed = (row: Row) => deliveryRowSchema.parse(copy(row));

  /** One guarded transition; `close` takes the row out of the sweeper's open rows. */
  private transition(deliveryId: string, from: string, to: string, values: Record<string, unknown>, options: { close?: boolean; remove?: string[] } = {}) {
    const row = this.rows.get(deliveryId);
    if (!row || row.status !== from) throw new FakeConditionFailure(`${deliveryId} is not ${from}`);
    Object.assign(row, { status: to, ...values });
    for (const key of [...(options.close ? ['openShard', 'openSince', 'wakeAt'] : []), ...(options.remove ?? [])]) delete row[key];
  }
  private guarded(change: () => void): boolean {
    try {
      change();
      return true;
    } catch (error) {
      if (error instanceof FakeConditionFailure) return false;
      throw error;
    }
  }

  async insertMissing(rows: DeliveryRow[]) {
    let written = 0;
    for (const row of rows) {
      if (this.rows.has(row.deliveryId)) continue;
      this.rows.set(row.deliveryId, copy(row) as Row);
      written++;
    }
    return written;
  }
  async claimMany(rows: readonly Pick<DeliveryRow, 'deliveryId' | 'createdAt'>[], now: Date) {
    const claimed = new Set<string>();
    for (const { deliveryId, createdAt } of rows) {
      const row = this.rows.get(deliveryId);
      if (!row || row.status !== 'PENDING' || row.createdAt !== createdAt) continue;
      Object.assign(row, { status: 'SENDING', claimedAt: now.toISOString(), attempts: Number(row.attempts ?? 0) + 1 });
      claimed.add(deliveryId);
    }
    return claimed;
  }
  async release(deliveryId: string, reason: string) {
    this.transition(deliveryId, 'SENDING', 'PENDING', { lastError: reason }, { remove: ['wakeAt'] });
  }
  async markSent(deliveryId: string, messageId: string, now: Date) {
    this.transition(deliveryId, 'SENDING', 'SENT', { messageId, sentAt: now.toISOString() }, { close: true });
  }
  async markSentMany(sent: readonly { deliveryId: string; messageId: string }[], now: Date) {
    const notMarked = new Set<string>();
    for (const { deliveryId, messageId } of sent) {
      if (!this.guarded(() => this.transition(deliveryId, 'SENDING', 'SENT', { messageId, sentAt: now.toISOString() }, { close: true }))) notMarked.add(deliveryId);
    }
    return notMarked;
  }
  async markFailed(deliveryId: string, reason: string, now: Date, options: { outcomeUnknown?: boolean } = {}) {
    this.transition(deliveryId, 'SENDING', 'FAILED', { reason, failedAt: now.toISOString(), ...(options.outcomeUnknown ? { outcomeUnknown: true } : {}) }, { close: true });
  }
  async openRows(status: 'PENDING' | 'SENDING', before: Date, limit: number) {
    return [...this.rows.values()]
      .filter((row) => row.status === status && typeof row.openSince === 'string' && row.openSince < before.toISOString())
      .sort((a, b) => String(a.openSince).localeCompare(String(b.openSince)))
      .slice(0, limit)
      .map(this.parsed);
  }
  async cancel(deliveryId: string, from: 'PENDING' | 'SENDING', reason: string, now: Date) {
    return this.guarded(() => this.transition(deliveryId, from, 'CANCELLED', { reason, cancelledAt: now.toISOString() }, { close: true }));
  }
  async byBriefing(briefingId: string) {
    return [...this.rows.values()].filter((row) => row.briefingId === briefingId).map(this.parsed);
  }
  async requeue(row: DeliveryRow, now: Date) {
    const stored = this.rows.get(row.deliveryId);
    if (!stored || stored.status !== row.status || stored.createdAt !== row.createdAt) return false;
    const at = now.toISOString();
    for (const key of ['messageId', 'reason', 'outcomeUnknown']) delete stored[key];
    Object.assign(stored, {
      status: 'PENDING',
      createdAt: at,
      requeuedFrom: row.status,
      openShard: openShardOf(row.deliveryId),
      openSince: at,
      wakeAt: at,
      redrives: (row.redrives ?? 0) + (row.status === 'SENDING' ? 1 : 0),
    });
    return true;
  }
  async claimNew(row: DeliveryRow, now: Date, staleSendingBefore: Date) {
    const stored = this.rows.get(row.deliveryId);
    const free = !stored || stored.status === 'FAILED' || (stored.status === 'SENDING' && String(stored.claimedAt) < staleSendingBefore.toISOString());
    if (!free) return false;
    this.rows.set(row.deliveryId, { ...copy(row), status: 'SENDING', claimedAt: now.toISOString(), openShard: openShardOf(row.deliveryId), openSince: now.toISOString() } as Row);
    return true;
  }
  async get(deliveryId: string) {
    const row = this.rows.get(deliveryId);
    return row ? this.parsed(row) : undefined;
  }
  async recordMailEvent(deliveryId: string, event: MailOutcome, at: string) {
    const row = this.rows.get(deliveryId);
    if (!row || (typeof row.mailEventRank === 'number' && row.mailEventRank > mailEventRank(event))) return false;
    Object.assign(row, { mailEvent: event, mailEventAt: at, mailEventRank: mailEventRank(event) });
    return true;
  }
  async acknowledge(deliveryId: string, at: Date) {
    const row = this.rows.get(deliveryId);
    if (!row || row.status !== 'SENT') return undefined;
    row.acknowledgedAt ??= at.toISOString();
    row.ackAgency ??= row.agency;
    row.ackRole ??= row.role;
    return { first: row.acknowledgedAt === at.toISOString(), row: this.parsed(row) };
  }
  async markAnswered(deliveryId: string) {
    const row = this.rows.get(deliveryId);
    if (!row || row.acknowledgedAt === undefined || row.answered !== undefined) return false;
    row.answered = true;
    return true;
  }
  async claimReminder(deliveryId: string, now: Date) {
    const row = this.rows.get(deliveryId);
    if (!row || row.status !== 'SENT' || row.reminderSentAt !== undefined || row.acknowledgedAt !== undefined || row.personalDataRemovedAt !== undefined) return false;
    row.reminderSentAt = now.toISOString();
    return true;
  }
  async removePersonalData(deliveryId: string, now: Date) {
    const row = this.rows.get(deliveryId);
    if (!row || row.personalDataRemovedAt !== undefined) return false;
    for (const key of ['lastError', 'messageId', 'reason']) delete row[key];
    Object.assign(row, { email: 'removed', name: '', personalDataRemovedAt: now.toISOString() });
    return true;
  }
  async byRecipient(recipientKey: string) {
    return [...this.rows.values()].filter((row) => row.recipientKey === recipientKey).map(this.parsed);
  }
  async anonymise(row: DeliveryRow, now: Date) {
    const stored = this.rows.get(row.deliveryId);
    if (!stored) return;
    const standIn = erasedStandIn(stored, row, `erased-${randomUUID()}`, now);
    this.rows.set(standIn.deliveryId, standIn);
    this.rows.delete(row.deliveryId);
  }
}

export class MemorySubscriberStore implements SubscriberStore {
  readonly subscribers = new Map<string, Subscriber>();

  async get(subscriberId: string) {
    const stored = this.subscribers.get(subscriberId);
    return stored ? copy(stored) : undefined;
  }
  async put(subscriber: Subscriber) {
    this.subscribers.set(subscriber.subscriberId, copy(subscriber));
  }
  async confirmedFor(topics: readonly TopicId[], frequency: Frequency) {
    return [...this.subscribers.values()]
      .filter((s) => s.status === 'confirmed' && s.frequency === frequency && (s.topics === ALL_TOPICS || s.topics.some((t) => topics.includes(t))))
      .map(copy);
  }
  async all() {
    return { valid: [...this.subscribers.values()].map(copy), invalid: [] };
  }
  async remove(subscriberId: string) {
    this.subscribers.delete(subscriberId);
  }
}

export class MemorySuppressionStore implements SuppressionStore {
  readonly suppressions = new Map<string, Suppression>();

  async suppressed(recipientKeys: readonly string[]) {
    return new Map(recipientKeys.filter((key) => this.suppressions.has(key)).map((key) => [key, copy(this.suppressions.get(key)!)] as const));
  }
  async get(recipientKey: string) {
    const stored = this.suppressions.get(recipientKey);
    return stored ? copy(stored) : undefined;
  }
  async put(suppression: Suppression) {
    this.suppressions.set(suppression.recipientKey, copy(suppression));
  }
  async lift(recipientKey: string) {
    this.suppressions.delete(recipientKey);
  }
}

/** Fixed windows, as the DynamoDB limiter counts them. */
export class MemoryRateLimiter implements RateLimiter {
  readonly hits = new Map<string, number>();

  async allow(key: string, limit: number, windowSeconds: number, now: Date) {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const windowKey = `${key}#${nowSeconds - (nowSeconds % windowSeconds)}`;
    const hits = this.hits.get(windowKey) ?? 0;
    if (hits >= limit) return false;
    this.hits.set(windowKey, hits + 1);
    return true;
  }
}

export class MemorySettingsStore implements SettingsStore {
  deny: string[] = [];
  allow: string[] = [];
  async denyList() {
    return [...this.deny];
  }
  async setDenyList(terms: readonly string[]) {
    this.deny = [...terms];
  }
  async allowList() {
    return [...this.allow];
  }
  async setAllowList(names: readonly string[]) {
    this.allow = [...names];
  }
}

export class MemoryResponseStore implements ResponseStore {
  readonly responses: Response[] = [];
  async put(response: Response) {
    this.responses.push(copy(response));
  }
  async byBriefing(briefingId: string) {
    return this.responses.filter((r) => r.briefingId === briefingId).map(copy);
  }
}

export class MemoryAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = [];
  async append(entry: Omit<AuditEntry, 'at'>, now: Date) {
    this.entries.push({ ...entry, at: now.toISOString() });
  }
  async month(month: string, limit = 100) {
    return this.entries.filter((e) => e.at.startsWith(month)).reverse().slice(0, limit);
  }
}

/** Keeps every raw message it is given, as the SES emulator's inbox would; `failWith` makes the next sends throw. */
export class CapturingMailer implements Mailer {
  readonly sent: Buffer[] = [];
  failWith: Error[] = [];
  async sendRaw(raw: Buffer) {
    const failure = this.failWith.shift();
    if (failure) throw failure;
    this.sent.push(raw);
    return `message-${this.sent.length}`;
  }
  /** The raw messages as text, for assertions on headers and bodies. */
  get texts(): string[] {
    return this.sent.map((raw) => raw.toString('utf8'));
  }
}

/** Every store of a deployment, in memory: the shape `stores(config)` gives the handlers. */
export function memoryStores() {
  return {
    findings: new MemoryFindingStore(),
    lists: new MemoryListStore(),
    briefings: new MemoryBriefingStore(),
    deliveries: new MemoryDeliveryStore(),
    subscribers: new MemorySubscriberStore(),
    suppressions: new MemorySuppressionStore(),
    rateLimiter: new MemoryRateLimiter(),
    settings: new MemorySettingsStore(),
    responses: new MemoryResponseStore(),
    audit: new MemoryAuditLog(),
  };
}
