import { z } from 'zod';
import { CoreErrorCode } from '../errors/codes.js';
import { ValidationError } from '../errors/error-classes.js';
import { isRapportError, RapportError } from '../errors/rapport-error.js';
import type { IdentityInput } from '../model/identity.js';
import type { Page } from '../model/page.js';
import type { Contributed, ContributionRegistry } from '../plugins/contributions.js';
import type { TenantContext } from '../plugins/tenant-context.js';
import { normalizeIdentityInput } from '../services/identities.js';
import type { TableBinding } from '../tables/table-binding.js';
import { parseInput } from '../util/parse.js';
import { retryOnConflict } from '../util/retry.js';
import { assertId } from '../util/storable.js';
import type { ErasureMode } from './personal-data-repository.js';
import type { PrivacyArchive } from './privacy-archive.js';
import { type ErasureSummary, eraseCustomerWithin, personalData } from './privacy-erasure.js';
import { collectArchive } from './privacy-export.js';
import { suppressionsTable } from './privacy-tables.js';
import { type PrivacyRequest, type PrivacyRequestKind, RequestLog } from './request-log.js';
import { daysBefore, RETENTION_JOB_TYPE, RETENTION_SCHEDULE_NAME, type RetentionOutcome, type RetentionReport } from './retention.js';
import { findSuppressed } from './suppression-guard.js';
import { subjectHash, suppressionHash } from './suppression-hash.js';

/** Options of {@link PrivacyService.erase}. */
export interface EraseOptions {
  /** `delete` removes everything of the person; `anonymize` keeps interactions and metrics without anything personal. */
  mode: ErasureMode;
}

/** The result of {@link PrivacyService.erase}. */
export interface ErasureResult {
  requestId: string;
  /** The live customer the id stood for (a merged-away id resolves to its survivor). */
  customerId: string;
  mergedIds: string[];
  mode: ErasureMode;
  summary: ErasureSummary;
}

/** Filters of {@link PrivacyService.requests}. */
export interface PrivacyRequestQuery {
  kind?: PrivacyRequestKind;
  /** Only the requests about this customer (matched by the keyed hash the log keeps). */
  customerId?: string;
  /** 1-1000. @defaultValue 50 */
  limit?: number;
  cursor?: string;
}

const EraseOptionsSchema = z.strictObject({ mode: z.enum(['delete', 'anonymize']) });
const RequestQuerySchema = z.strictObject({
  kind: z.enum(['access', 'erasure']).optional(),
  customerId: z.string().min(1).max(128).optional(),
  limit: z.number().int().min(1).max(1000).default(50),
  cursor: z.string().optional(),
});
const RefusalSchema = z.strictObject({
  kind: z.enum(['access', 'erasure']),
  customerId: z.string().min(1).max(128),
  basis: z.string().trim().min(1).max(500),
});

/** What {@link PrivacyService} is built from: the tenant's context and what createCrm knows. */
export interface PrivacyServiceParts {
  readonly context: TenantContext;
  readonly storageName: string;
  /** Every plugin table the storage was migrated with (core's privacy tables excluded). */
  readonly bindings: readonly TableBinding[];
  readonly contributions: ContributionRegistry;
}

/**
 * `crm.privacy`: export and erasure of one person across core and every plugin, the
 * suppression list, the request log, and retention. See docs/privacy.md.
 */
export class PrivacyService {
  private readonly log: RequestLog;

  constructor(private readonly parts: PrivacyServiceParts) {
    this.log = new RequestLog(parts.context.store);
  }

  private get ctx(): TenantContext {
    return this.parts.context;
  }

  /**
   * Everything held about the person (access and portability, GDPR Art 15 and 20): core
   * records, merged-away records, plugin table rows and contributors' data, as JSON that
   * validates against `privacyArchiveJsonSchema()`. Logged in the request log.
   */
  async export(customerId: string): Promise<PrivacyArchive> {
    assertId(customerId, 'customerId');
    const customer = await this.ctx.crm.customers.get(customerId);
    const request = await this.openRequest('access', customer.id, null);
    try {
      const core = await collectArchive(this.ctx.store, {
        customer,
        storageName: this.parts.storageName,
        bindings: this.parts.bindings,
        exportedAt: request.receivedAt,
        requestId: request.id,
      });
      const contributions: PrivacyArchive['contributions'] = [];
      for (const { plugin, value } of this.contributors())
        contributions.push({
          plugin,
          name: value.name,
          data: JSON.parse(
            JSON.stringify(
              (await this.runContributor(plugin, value.name, 'export', () =>
                value.export({ crm: this.ctx.crm, customerId: customer.id }),
              )) ?? null,
            ),
          ),
        });
      const archive: PrivacyArchive = { ...core, contributions };
      await this.log.settle(request.id, {
        status: 'completed',
        at: this.ctx.clock.now(),
        summary: {
          interactions: archive.interactions.length,
          consents: archive.consents.length,
          mergedRecords: archive.mergedRecords.length,
          tableRows: archive.tables.reduce((sum, table) => sum + table.rows.length, 0),
        },
      });
      return archive;
    } catch (error) {
      await this.failRequest(request.id, error);
      throw error;
    }
  }

  /**
   * Erases the person everywhere in one operation (GDPR Art 17, CCPA deletion, PIPL Art 47).
   * Plugins' privacy contributors run first (outside the transaction: they reach other
   * systems and must be idempotent); then one transaction writes the suppression entries
   * and erases plugin table rows and core records of the customer and every record merged
   * into them. A failure leaves the core untouched and the request `failed`; calling again
   * finishes it. Emits `customer.erased`.
   */
  async erase(customerId: string, options: EraseOptions): Promise<ErasureResult> {
    assertId(customerId, 'customerId');
    const { mode } = parseInput(EraseOptionsSchema, options, 'options');
    const customer = await this.ctx.crm.customers.get(customerId);
    personalData(this.ctx.store, this.parts.storageName);
    const request = await this.openRequest('erasure', customer.id, mode);
    try {
      for (const { plugin, value } of this.contributors())
        await this.runContributor(plugin, value.name, 'erase', () => value.erase({ crm: this.ctx.crm, customerId: customer.id, mode }));
      const erased = await retryOnConflict(() =>
        this.ctx.store.transaction(async (tx) => {
          const result = await eraseCustomerWithin(tx, {
            customerId: customer.id,
            mode,
            storageName: this.parts.storageName,
            bindings: this.parts.bindings,
            amountProperty: this.ctx.config.amountProperty,
            now: this.ctx.clock.now(),
            suppression: { key: this.ctx.config.privacy.suppressionKey, requestId: request.id },
          });
          // The audit log keeps its entries (the chain must verify) but forgets whom they were about.
          for (const id of [result.customerId, ...result.mergedIds]) await this.ctx.crm.audit.forget(id, { in: tx });
          return result;
        }),
      );
      const at = this.ctx.clock.now();
      await this.log.settle(request.id, { status: 'completed', at, summary: { ...erased.summary } });
      await this.log.supersede(request.subjectHash, 'erasure', request.id, at);
      this.ctx.events.emit('customer.erased', {
        tenantId: this.ctx.tenantId,
        customerId: erased.customerId,
        mergedIds: erased.mergedIds,
        mode,
        reason: 'request',
        requestId: request.id,
        suppressedIdentityTypes: erased.identities.map((identity) => identity.type),
        at,
      });
      return { requestId: request.id, customerId: erased.customerId, mergedIds: erased.mergedIds, mode, summary: erased.summary };
    } catch (error) {
      await this.failRequest(request.id, error);
      throw error;
    }
  }

  /**
   * Whether an identity belongs to an erased person (it is on the suppression list). New
   * customers with such an identity are refused (`HOOK_VETOED` with reason
   * `CUSTOMER_SUPPRESSED`); messaging checks this at send time.
   */
  async isSuppressed(identity: IdentityInput): Promise<boolean> {
    const normalized = normalizeIdentityInput(identity, ['identity'], this.ctx.config.defaultRegion);
    return (await findSuppressed(this.ctx.store, this.ctx.config.privacy.suppressionKey, [normalized])) !== null;
  }

  /**
   * Which of `identities` belong to erased people, in one read: one answer per identity, in
   * order (a send worker checks a whole batch of recipients at once). An identity that cannot
   * be normalised is a `ValidationError` naming its index.
   */
  async suppressedAmong(identities: readonly IdentityInput[]): Promise<boolean[]> {
    if (!Array.isArray(identities))
      throw new ValidationError(CoreErrorCode.InvalidInput, [{ path: ['identities'], message: 'must be a list of identities' }]);
    const key = this.ctx.config.privacy.suppressionKey;
    // Array.from visits holes (map skips them), so a sparse list is refused at the hole.
    const hashes = Array.from(identities, (identity, index) =>
      suppressionHash(key, normalizeIdentityInput(identity, ['identities', index], this.ctx.config.defaultRegion)),
    );
    if (hashes.length === 0) return [];
    const found = new Set<string>();
    for (let start = 0; start < hashes.length; start += 1000) {
      const chunk = [...new Set(hashes.slice(start, start + 1000))];
      const page = await this.ctx.store.table(suppressionsTable).find({ where: { hash: { in: chunk } }, limit: 1000 });
      for (const row of page.items) found.add(row.hash);
    }
    return hashes.map((hash) => found.has(hash));
  }

  /**
   * Takes an identity off the suppression list (the person came back and asked to be known
   * again); true if it was on it. Their earlier erasure is not undone.
   */
  async unsuppress(identity: IdentityInput): Promise<boolean> {
    const normalized = normalizeIdentityInput(identity, ['identity'], this.ctx.config.defaultRegion);
    return this.ctx.store.table(suppressionsTable).delete({ hash: suppressionHash(this.ctx.config.privacy.suppressionKey, normalized) });
  }

  /** The request log, newest first. */
  async requests(query: PrivacyRequestQuery = {}): Promise<Page<PrivacyRequest>> {
    const parsed = parseInput(RequestQuerySchema, query, 'query');
    return this.log.list({
      limit: parsed.limit,
      ...(parsed.kind ? { kind: parsed.kind } : {}),
      ...(parsed.cursor ? { cursor: parsed.cursor } : {}),
      ...(parsed.customerId ? { subjectHash: this.subject(parsed.customerId) } : {}),
    });
  }

  /** Logs a request the business refuses (say a legal hold), with the basis of the refusal. */
  async refuse(input: { kind: PrivacyRequestKind; customerId: string; basis: string }): Promise<PrivacyRequest> {
    const parsed = parseInput(RefusalSchema, input, 'input');
    const now = this.ctx.clock.now();
    return this.log.open({
      id: this.ctx.ids.next(),
      kind: parsed.kind,
      status: 'refused',
      mode: null,
      subjectHash: this.subject(parsed.customerId),
      receivedAt: now,
      completedAt: now,
      refusalBasis: parsed.basis,
    });
  }

  /**
   * Runs the configured retention policies now and reports what they removed (also emitted
   * as `privacy.retention.completed`). The `rapport.privacy.retention` job calls this.
   */
  async runRetention(): Promise<RetentionReport> {
    const { retention, requestLogRetentionDays } = this.ctx.config.privacy;
    const ranAt = this.ctx.clock.now();
    const repository = personalData(this.ctx.store, this.parts.storageName);
    let interactions: RetentionOutcome | null = null;
    if (retention.interactions) {
      const before = daysBefore(ranAt, retention.interactions.days);
      let count = 0;
      const limit = 5000;
      for (;;) {
        const changed = await this.ctx.store.transaction((tx) =>
          personalData(tx, this.parts.storageName).retainInteractions(before, retention.interactions?.action ?? 'delete', {
            amountProperty: this.ctx.config.amountProperty,
            limit,
          }),
        );
        count += changed;
        if (changed < limit) break;
      }
      interactions = { action: retention.interactions.action, before, count };
    }
    let inactiveCustomers: RetentionOutcome | null = null;
    if (retention.inactiveCustomers) {
      const rule = retention.inactiveCustomers;
      const before = daysBefore(ranAt, rule.days);
      let count = 0;
      let afterId: string | undefined;
      for (;;) {
        const ids = await repository.inactiveCustomers(before, { limit: 200, afterId });
        for (const id of ids) if (await this.eraseInactive(id, rule.action, ranAt)) count++;
        if (ids.length < 200) break;
        afterId = ids[ids.length - 1];
      }
      inactiveCustomers = { action: rule.action, before, count };
    }
    const requestLogEntries = await this.log.purge(daysBefore(ranAt, requestLogRetentionDays));
    const report: RetentionReport = { ranAt, interactions, inactiveCustomers, requestLogEntries };
    this.ctx.events.emit('privacy.retention.completed', { tenantId: this.ctx.tenantId, report });
    return report;
  }

  /** Schedules the retention job for this tenant (`createCrm` does it for its own tenant when a policy is set). */
  async scheduleRetention(): Promise<void> {
    await this.ctx.jobs.schedule({ name: RETENTION_SCHEDULE_NAME, type: RETENTION_JOB_TYPE, cron: this.ctx.config.privacy.retention.cron });
  }

  /** Erases one inactive customer (no suppression: they may come back); false if it was gone or active again. */
  private async eraseInactive(id: string, mode: ErasureMode, now: Date): Promise<boolean> {
    try {
      const erased = await retryOnConflict(() =>
        this.ctx.store.transaction((tx) =>
          eraseCustomerWithin(tx, {
            customerId: id,
            mode,
            storageName: this.parts.storageName,
            bindings: this.parts.bindings,
            amountProperty: this.ctx.config.amountProperty,
            now,
            suppression: null,
          }),
        ),
      );
      this.ctx.events.emit('customer.erased', {
        tenantId: this.ctx.tenantId,
        customerId: erased.customerId,
        mergedIds: erased.mergedIds,
        mode,
        reason: 'retention',
        requestId: null,
        suppressedIdentityTypes: [],
        at: now,
      });
      return true;
    } catch (error) {
      if (isRapportError(error, CoreErrorCode.CustomerNotFound)) return false;
      throw error;
    }
  }

  private contributors(): readonly Contributed<'privacy'>[] {
    return this.parts.contributions.of('privacy');
  }

  private async runContributor<T>(plugin: string, name: string, step: 'export' | 'erase', work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new RapportError({
        code: CoreErrorCode.PrivacyContributorFailed,
        kind: 'unavailable',
        message: `privacy contributor "${name}" of ${plugin} failed to ${step}: ${reason}`,
        details: { plugin, contributor: name, step },
        cause: error,
      });
    }
  }

  private subject(customerId: string): string {
    return subjectHash(this.ctx.config.privacy.suppressionKey, this.ctx.tenantId, customerId);
  }

  private openRequest(kind: PrivacyRequestKind, customerId: string, mode: ErasureMode | null): Promise<PrivacyRequest> {
    return this.log.open({
      id: this.ctx.ids.next(),
      kind,
      status: 'received',
      mode,
      subjectHash: this.subject(customerId),
      receivedAt: this.ctx.clock.now(),
    });
  }

  private async failRequest(id: string, error: unknown): Promise<void> {
    const reason = isRapportError(error) ? error.code : 'INTERNAL';
    await this.log.settle(id, { status: 'failed', at: this.ctx.clock.now(), refusalBasis: `failed: ${reason}` }).catch(() => undefined);
  }
}
