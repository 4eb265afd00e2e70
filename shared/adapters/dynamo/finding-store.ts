import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { errorLine, type FieldError } from '../../core/finding/finding';
import { capNotes, holdKeyOf } from '../../core/finding/held-notes';
import type { FindingStore, PlanSummary } from '../../core/ports';
import { isItemTooBig, conditionally, allPages, setClause } from './kit';

export class DynamoFindingStore implements FindingStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async getRaw(id: string) {
    const result = await this.db.send(new GetCommand({ TableName: this.table, Key: { id } }));
    return result.Item;
  }

  async putRaw(item: Record<string, unknown>) {
    await this.db.send(new PutCommand({ TableName: this.table, Item: item }));
  }

  async replaceIf(item: Record<string, unknown>, expected: { version: unknown; status: unknown }) {
    return conditionally(
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: '#version = :version AND #status = :status',
          ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
          ExpressionAttributeValues: { ':version': expected.version, ':status': expected.status },
        }),
      ),
    );
  }

  async listRaw() {
    return allPages<Record<string, unknown>>((ExclusiveStartKey) =>
      this.db.send(new ScanCommand({ TableName: this.table, ExclusiveStartKey })),
    );
  }

  async setStatus(id: string, status: 'draft' | 'published' | 'withdrawn') {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { id },
        UpdateExpression: 'SET #status = :status',
        ConditionExpression: 'attribute_exists(id)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status },
      }),
    );
  }

  /** Never hides that a version at least this high was sent: a planned note outranks a held one. */
  async markHeld(id: string, version: number | undefined, errors: FieldError[], now: Date, options: { evenIfPlanned?: boolean } = {}) {
    const lines = errors.map(errorLine);
    // The same hold recorded again (a replayed record) is not news: the key makes the write a no-op.
    const holdKey = holdKeyOf(version, lines);
    // Capped, so the note always fits in the item (3,000 unknown actions keys made ~415 KB of it).
    const pipelineErrors = capNotes(lines, 'problem');
    // News: a different hold, or the same one whose admin email has not gone yet (it failed, or the
    // process died). No parentheses here: writeBack adds them, and DynamoDB refuses redundant ones.
    const news = {
      condition: 'attribute_not_exists(pipelineHoldKey) OR pipelineHoldKey <> :holdKey OR attribute_not_exists(pipelineAdminToldAt)',
      values: { ':holdKey': holdKey },
    };
    return this.writeBack(
      id,
      {
        pipelineStatus: 'held',
        pipelineMessage: `Not sent: ${errors.length} problem(s) to fix. Correct the item and save it (console), or fix your file and run findings add <file> --replace (CLI); the briefing is then sent.`,
        pipelineErrors,
        pipelineAt: now.toISOString(),
        pipelineHoldKey: holdKey,
        ...(version !== undefined ? { pipelineVersion: version } : {}),
      },
      // The admin is not told of this hold yet: see markAdminTold.
      options.evenIfPlanned
        ? { ...news, remove: ['pipelineAdminToldAt'] }
        : version !== undefined
        ? {
            condition: `(${news.condition}) AND (attribute_not_exists(pipelineStatus) OR pipelineStatus <> :planned OR pipelineVersion < :v)`,
            values: { ...news.values, ':planned': 'planned', ':v': version },
            remove: ['pipelineAdminToldAt'],
          }
        : {
            condition: `(${news.condition}) AND (attribute_not_exists(pipelineStatus) OR pipelineStatus <> :planned)`,
            values: { ...news.values, ':planned': 'planned' },
            remove: ['pipelineVersion', 'pipelineAdminToldAt'],
          },
    );
  }

  /** After the admin email went: a replay of the same hold is then not news. */
  async markAdminTold(id: string, now: Date) {
    await this.writeBack(id, { pipelineAdminToldAt: now.toISOString() }, { condition: 'pipelineStatus = :held', values: { ':held': 'held' } });
  }

  async markWithdrawn(id: string, summary: { notices: number; cancelled: number }, now: Date) {
    await this.writeBack(
      id,
      {
        pipelineStatus: 'withdrawn',
        pipelineMessage: `Withdrawn: a notice goes to ${summary.notices} person(s) who received it; ${summary.cancelled} unsent email(s) cancelled.`,
        pipelineErrors: [],
        pipelineAt: now.toISOString(),
      },
      { condition: 'attribute_exists(id)', values: {} },
    );
  }

  async markPlanned(id: string, version: number, summary: PlanSummary, now: Date) {
    await this.writeBack(
      id,
      {
        pipelineStatus: 'planned',
        pipelineMessage:
          (summary.correction
            ? `Version ${version} is a correction: it goes to the ${summary.recipients} person(s) who received an earlier version; ${summary.newDeliveries} new this time.`
            : `Version ${version} goes to ${summary.recipients} recipient(s); ${summary.newDeliveries} new this time.`) +
          (summary.suppressed ? ` ${summary.suppressed} left out (unsubscribed, bounced or complained).` : '') +
          (summary.skipped.length ? ` ${summary.skipped.length} list problem(s) left people out: see pipelineErrors.` : ''),
        pipelineErrors: capNotes(summary.skipped, 'list problem'),
        pipelineWarnings: capNotes(summary.warnings ?? [], 'warning'),
        pipelineVersion: version,
        pipelineAt: now.toISOString(),
      },
      // A late replay of an older version must not replace the note of a newer one.
      { condition: 'attribute_not_exists(pipelineStatus) OR pipelineStatus <> :planned OR pipelineVersion <= :v', values: { ':planned': 'planned', ':v': version } },
    );
  }

  /**
   * Only pipeline attributes are written, and only if the item still exists and `guard`
   * holds; otherwise nothing is written (the item was deleted, or a newer note stands).
   */
  private async writeBack(id: string, values: Record<string, unknown>, guard: { condition: string; values: Record<string, unknown>; remove?: string[] }): Promise<boolean> {
    try {
      return await this.update(id, values, guard);
    } catch (error) {
      if (!isItemTooBig(error) || !('pipelineStatus' in values)) throw error;
      // The admin's own content left no room for even the capped notes: keep the status and say why,
      // so the item still shows what happened (and the admin is still emailed) instead of dead-lettering.
      const { pipelineErrors: _errors, pipelineWarnings: _warnings, ...rest } = values;
      return this.update(
        id,
        { ...rest, pipelineMessage: `${String(values.pipelineMessage)} The item is too close to DynamoDB's 400 KB limit to hold the list: npm run cli -- findings show lists every problem.` },
        { ...guard, remove: [...new Set([...(guard.remove ?? []), 'pipelineErrors', 'pipelineWarnings'])] },
      );
    }
  }

  private async update(id: string, values: Record<string, unknown>, guard: { condition: string; values: Record<string, unknown>; remove?: string[] }): Promise<boolean> {
    const set = setClause(values);
    const remove = guard.remove?.length ? ` REMOVE ${guard.remove.join(', ')}` : '';
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { id },
          ConditionExpression: `attribute_exists(id) AND (${guard.condition})`,
          UpdateExpression: `SET ${set.clause}${remove}`,
          ExpressionAttributeNames: set.names,
          ExpressionAttributeValues: { ...set.values, ...guard.values },
        }),
      ),
    );
  }
}
