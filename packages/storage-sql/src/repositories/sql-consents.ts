import { ConflictError, type ConsentRecord, CoreErrorCode } from '@rapport/core';
import type { ConsentRepository } from '@rapport/core/storage';
import { consentFromRow } from '../rows.js';
import { chunksFor, guarded, inList, type SqlContext } from './sql-context.js';

/** The consent ledger of one tenant in SQL. */
export class SqlConsentRepository implements ConsentRepository {
  constructor(private readonly ctx: SqlContext) {}

  append(record: ConsentRecord): Promise<void> {
    return guarded(this.ctx, 'append consent', async () => {
      const insert = this.ctx.db.insertInto('rapport_consents').values({
        tenant_id: this.ctx.tenantId,
        id: record.id,
        customer_id: record.customerId,
        purpose: record.purpose,
        channel: record.channel,
        status: record.status,
        source: record.source,
        actor: record.actor,
        notice_version: record.noticeVersion,
        proof: record.proof === null ? null : this.ctx.dialect.jsonParam(record.proof, 'proof'),
        expires_at: record.expiresAt === null ? null : record.expiresAt.getTime(),
        request_id: record.requestId,
        occurred_at: record.occurredAt.getTime(),
        recorded_at: record.recordedAt.getTime(),
      });
      try {
        await insert.execute();
      } catch (error) {
        // The primary key and the (tenant, request_id) index keep the ledger append-only.
        if (this.ctx.dialect.isUniqueViolation(error)) {
          throw new ConflictError(
            CoreErrorCode.ConsentRecordExists,
            `consent record "${record.id}" or its request is already in the ledger`,
            { id: record.id, requestId: record.requestId },
            error,
          );
        }
        throw error;
      }
    });
  }

  history(customerId: string, filter: { purpose?: string } = {}): Promise<ConsentRecord[]> {
    return guarded(this.ctx, 'read consent history', async () => {
      let query = this.ctx.db
        .selectFrom('rapport_consents')
        .selectAll()
        .where('tenant_id', '=', this.ctx.tenantId)
        .where('customer_id', '=', customerId);
      if (filter.purpose !== undefined) query = query.where('purpose', '=', filter.purpose);
      const rows = await query.orderBy('occurred_at').orderBy('recorded_at').orderBy('id').execute();
      return rows.map((row) => consentFromRow(row, this.ctx.dialect));
    });
  }

  historyMany(customerIds: readonly string[], filter: { purpose?: string } = {}): Promise<Map<string, ConsentRecord[]>> {
    return guarded(this.ctx, 'read consent histories', async () => {
      const byCustomer = new Map<string, ConsentRecord[]>(customerIds.map((id) => [id, []]));
      const unique = [...new Set(customerIds)];
      for (const chunk of chunksFor(unique, 1, this.ctx.dialect, 1000)) {
        let query = this.ctx.db
          .selectFrom('rapport_consents')
          .selectAll()
          .where('tenant_id', '=', this.ctx.tenantId)
          .where(inList(this.ctx, 'customer_id', chunk));
        if (filter.purpose !== undefined) query = query.where('purpose', '=', filter.purpose);
        const rows = await query.orderBy('occurred_at').orderBy('recorded_at').orderBy('id').execute();
        for (const row of rows) byCustomer.get(row.customer_id)?.push(consentFromRow(row, this.ctx.dialect));
      }
      return byCustomer;
    });
  }

  reassignCustomer(fromId: string, toId: string): Promise<number> {
    return guarded(this.ctx, 'reassign consents', async () => {
      const result = await this.ctx.db
        .updateTable('rapport_consents')
        .set({ customer_id: toId })
        .where('tenant_id', '=', this.ctx.tenantId)
        .where('customer_id', '=', fromId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    });
  }
}
