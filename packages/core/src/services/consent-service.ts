import { inject } from 'tsyringe';
import type { Clock } from '../contracts/clock.js';
import type { IdGenerator } from '../contracts/id-generator.js';
import type { Storage, TenantStore } from '../contracts/storage.js';
import type { ResolvedCrmConfig } from '../crm/config.js';
import { service } from '../di/service.js';
import { CLOCK, CRM_CONFIG, EVENT_BUS, ID_GENERATOR, STORAGE, TENANT_STORE } from '../di/tokens.js';
import { CoreErrorCode } from '../errors/codes.js';
import { ConsentRequiredError, ConsentTokenError } from '../errors/consent-errors.js';
import { ValidationError } from '../errors/error-classes.js';
import { isRapportError } from '../errors/rapport-error.js';
import type { EventBus } from '../events/event-bus.js';
import {
  type ConsentChangeInput,
  ConsentChangeInputSchema,
  type ConsentCheckInput,
  ConsentCheckInputSchema,
  type ConsentDecideInput,
  ConsentDecideInputSchema,
  ConsentHistoryFilterSchema,
  type ConsentRecord,
  type ConsentRecordStatus,
  type ConsentStateFilter,
  ConsentStateFilterSchema,
} from '../model/consent.js';
import { type ConsentDecision, consentStates, decideConsent } from '../model/consent-decision.js';
import { DateInputSchema } from '../model/date-input.js';
import { parseInput } from '../util/parse.js';
import { assertId, assertStorable } from '../util/storable.js';
import { signConsentToken, verifyConsentToken } from './consent-tokens.js';
import { CustomerService } from './customer-service.js';
import { SegmentService } from './segment-service.js';

/** What `crm.consent.requestGrant` returns: the pending record and the token that confirms it. */
export interface ConsentRequest {
  /** The pending record now in the ledger (it decides nothing until confirmed). */
  record: ConsentRecord;
  /** A compact JWS (HS256) to send to the customer, e.g. in a confirmation link. */
  token: string;
  /** When the token stops being accepted. */
  tokenExpiresAt: Date;
}

/**
 * The consent ledger of one tenant: grants, denials, withdrawals and double opt-in
 * requests, appended and never rewritten, and the one gate that decides what they allow.
 */
@service()
export class ConsentService {
  constructor(
    @inject(TENANT_STORE) private readonly store: TenantStore,
    @inject(STORAGE) private readonly storage: Storage,
    @inject(CRM_CONFIG) private readonly config: ResolvedCrmConfig,
    @inject(EVENT_BUS) private readonly events: EventBus,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @inject(CustomerService) private readonly customers: CustomerService,
    @inject(SegmentService) private readonly segments: SegmentService,
  ) {}

  /** Records that the customer granted consent for a purpose (on a channel, or `*` for all), optionally until `expiresAt`. */
  grant(input: ConsentChangeInput): Promise<ConsentRecord> {
    return this.append(input, 'granted');
  }

  /** Records that the customer, when asked, said no. */
  deny(input: ConsentChangeInput): Promise<ConsentRecord> {
    return this.append(input, 'denied');
  }

  /** Records that the customer withdrew consent. Earlier grants stay in the ledger as history. */
  withdraw(input: ConsentChangeInput): Promise<ConsentRecord> {
    return this.append(input, 'withdrawn');
  }

  /**
   * Starts a double opt-in: records a pending grant and returns a signed token (valid for
   * `consent.tokenTtlSeconds`) that {@link ConsentService.confirm} turns into the grant.
   * Needs `consent.secret` in the `createCrm` options.
   */
  async requestGrant(input: ConsentChangeInput): Promise<ConsentRequest> {
    const secret = this.requireSecret();
    const record = await this.append(input, 'pending');
    const { token, expiresAt } = await signConsentToken(secret, {
      tenantId: this.store.tenantId,
      requestId: record.id,
      customerId: record.customerId,
      issuedAt: record.recordedAt,
      ttlSeconds: this.config.consent.tokenTtlSeconds,
    });
    return { record, token, tokenExpiresAt: expiresAt };
  }

  /**
   * Confirms a double opt-in token: appends the grant it asked for, with the token's id as
   * `requestId` and in the proof (`proof.tokenId`). An expired, tampered, malformed, foreign
   * or already used token fails with a `ConsentTokenError` naming the reason; of two
   * confirmations of one token, however concurrent, exactly one grants.
   */
  async confirm(token: string): Promise<ConsentRecord> {
    const secret = this.requireSecret();
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
      throw new ValidationError(CoreErrorCode.InvalidInput, [{ path: ['token'], message: 'must be a token string from requestGrant' }]);
    }
    const claims = await verifyConsentToken(secret, token, this.store.tenantId, this.clock.now());
    let record: ConsentRecord;
    try {
      record = await this.customers.writeLocked(claims.customerId, async (tx, customer) => {
        const history = await tx.consents.history(customer.id);
        const pending = history.find((entry) => entry.id === claims.requestId && entry.status === 'pending');
        if (!pending) throw new ConsentTokenError('unknown-request', claims.requestId);
        if (history.some((entry) => entry.requestId === claims.requestId)) throw new ConsentTokenError('used', claims.requestId);
        const now = this.clock.now();
        const entry: ConsentRecord = {
          ...pending,
          id: this.ids.next(),
          customerId: customer.id,
          status: 'granted',
          proof: { ...(pending.proof ?? {}), tokenId: claims.requestId },
          requestId: claims.requestId,
          occurredAt: now,
          recordedAt: now,
        };
        await tx.consents.append(entry);
        return entry;
      });
    } catch (error) {
      // The ledger's uniqueness on requestId is the last word when two confirmations race.
      if (isRapportError(error, CoreErrorCode.ConsentRecordExists)) throw new ConsentTokenError('used', claims.requestId, error);
      if (isRapportError(error, CoreErrorCode.CustomerNotFound)) throw new ConsentTokenError('unknown-request', claims.requestId, error);
      throw error;
    }
    await this.announce(record);
    return record;
  }

  /** The decision now for a purpose on a channel; the same as {@link ConsentService.decide} without `at`. */
  async check(input: ConsentCheckInput): Promise<ConsentDecision> {
    assertStorable(this.storage, input);
    return this.decide(parseInput(ConsentCheckInputSchema, input));
  }

  /**
   * The consent gate, without throwing: whether the purpose is allowed on the channel at `at`
   * (default now), its state, the reason, the deciding record and the purpose's policy.
   */
  async decide(input: ConsentDecideInput): Promise<ConsentDecision> {
    assertStorable(this.storage, input);
    const parsed = parseInput(ConsentDecideInputSchema, input);
    const customer = await this.customers.requireLive(this.store, parsed.customerId);
    const history = await this.store.consents.history(customer.id, { purpose: parsed.purpose });
    const at = parsed.at ?? this.clock.now();
    return decideConsent(history, { purpose: parsed.purpose, channel: parsed.channel, at }, this.config.consent.rules);
  }

  /** The consent gate: returns the decision when allowed, throws a `ConsentRequiredError` (`CONSENT_REQUIRED`) otherwise. */
  async assertAllowed(input: ConsentDecideInput): Promise<ConsentDecision> {
    const decision = await this.decide(input);
    if (!decision.allowed) {
      throw new ConsentRequiredError({
        customerId: input.customerId,
        purpose: decision.purpose,
        channel: decision.channel,
        reason: decision.reason,
        recordId: decision.record?.id ?? null,
      });
    }
    return decision;
  }

  /** The customer's ledger, oldest first, optionally for one purpose. */
  async history(customerId: string, filter: { purpose?: string } = {}): Promise<ConsentRecord[]> {
    assertId(customerId, 'customerId');
    assertStorable(this.storage, filter, ['filter']);
    const parsed = parseInput(ConsentHistoryFilterSchema, filter, 'filter');
    const customer = await this.customers.requireLive(this.store, customerId);
    return this.store.consents.history(customer.id, parsed.purpose === undefined ? {} : { purpose: parsed.purpose });
  }

  /** The current decision for each (purpose, channel) the customer has a record for. */
  async states(customerId: string): Promise<ConsentDecision[]> {
    return consentStates(await this.history(customerId), this.clock.now(), this.config.consent.rules);
  }

  /**
   * The decisions as they stood at `at`, from the records that had happened by then: every
   * (purpose, channel) pair on record; with `purpose`, that purpose's pairs; with `channel`,
   * each purpose on record asked for that channel; with both, that one decision.
   */
  async stateAt(customerId: string, at: Date | string, filter: ConsentStateFilter = {}): Promise<ConsentDecision[]> {
    const time = parseInput(DateInputSchema, at, 'at');
    assertStorable(this.storage, filter, ['filter']);
    const parsed = parseInput(ConsentStateFilterSchema, filter, 'filter');
    const history = await this.history(customerId, parsed.purpose === undefined ? {} : { purpose: parsed.purpose });
    const rules = this.config.consent.rules;
    if (parsed.channel === undefined) return consentStates(history, time, rules);
    const channel = parsed.channel;
    const purposes =
      parsed.purpose === undefined ? [...new Set(consentStates(history, time, rules).map((state) => state.purpose))] : [parsed.purpose];
    return purposes.map((purpose) => decideConsent(history, { purpose, channel, at: time }, rules));
  }

  private async append(input: ConsentChangeInput, status: ConsentRecordStatus): Promise<ConsentRecord> {
    assertStorable(this.storage, input);
    const parsed = parseInput(ConsentChangeInputSchema, input);
    this.checkNoticeVersion(parsed.purpose, parsed.noticeVersion);
    const written = await this.customers.writeLocked(parsed.customerId, async (tx, customer) => {
      if (parsed.ifChanged) {
        const latest = (await tx.consents.history(customer.id, { purpose: parsed.purpose }))
          .filter((entry) => entry.channel === parsed.channel)
          .at(-1);
        // A grant that renews the terms (a new expiry, as after one has lapsed, or another
        // notice version) changes something even with the same status.
        const sameTerms =
          status !== 'granted' ||
          ((latest?.expiresAt?.getTime() ?? null) === (parsed.expiresAt?.getTime() ?? null) &&
            latest?.noticeVersion === parsed.noticeVersion);
        if (latest?.status === status && sameTerms) return { entry: latest, changed: false };
      }
      const now = this.clock.now();
      const occurredAt = parsed.occurredAt ?? now;
      this.checkExpiry(status, parsed.expiresAt, occurredAt);
      const entry: ConsentRecord = {
        id: this.ids.next(),
        tenantId: this.store.tenantId,
        customerId: customer.id,
        purpose: parsed.purpose,
        channel: parsed.channel,
        status,
        source: parsed.source,
        actor: parsed.actor,
        noticeVersion: parsed.noticeVersion,
        proof: parsed.proof,
        expiresAt: parsed.expiresAt,
        requestId: null,
        occurredAt,
        recordedAt: now,
      };
      await tx.consents.append(entry);
      return { entry, changed: true };
    });
    if (written.changed) await this.announce(written.entry);
    return written.entry;
  }

  private async announce(record: ConsentRecord): Promise<void> {
    this.events.emit('consent.changed', { tenantId: this.store.tenantId, record });
    if (this.config.refreshOnChange) await this.segments.refreshCustomer(record.customerId);
  }

  /** Where notices are registered for a purpose, a record must name one of them. */
  private checkNoticeVersion(purpose: string, version: string | null): void {
    const notices = this.config.consent.rules.noticesOf(purpose);
    if (version === null || notices.length === 0 || notices.some((notice) => notice.version === version)) return;
    throw new ValidationError(CoreErrorCode.InvalidInput, [
      {
        path: ['noticeVersion'],
        message: `"${version}" is not a registered notice version of ${purpose} (registered: ${notices.map((notice) => notice.version).join(', ')})`,
      },
    ]);
  }

  private checkExpiry(status: ConsentRecordStatus, expiresAt: Date | null, occurredAt: Date): void {
    if (expiresAt === null) return;
    const message =
      status !== 'granted' && status !== 'pending'
        ? `only a grant can expire, not a ${status === 'denied' ? 'denial' : 'withdrawal'}`
        : expiresAt.getTime() <= occurredAt.getTime()
          ? `must be after occurredAt (${occurredAt.toISOString()})`
          : null;
    if (message) throw new ValidationError(CoreErrorCode.InvalidInput, [{ path: ['expiresAt'], message }]);
  }

  private requireSecret(): Uint8Array {
    const secret = this.config.consent.secret;
    if (secret === null) {
      throw new ValidationError(CoreErrorCode.InvalidOptions, [
        { path: ['options', 'consent', 'secret'], message: 'is required for double opt-in (requestGrant and confirm)' },
      ]);
    }
    return secret;
  }
}
