import 'reflect-metadata';
import { createCrm, definePlugin, memoryStorage } from '@rapport/core';
import { mysql, postgres, sqlite } from '@rapport/storage-sql';
import { FakeClock } from '@rapport/testkit';

const crm = await createCrm({ storage: sqlite({ filename: ':memory:' }), plugins: [definePlugin({ name: 'x', register() {} })] });
await crm.close();
export const factories = [postgres, mysql, memoryStorage];
export const clock = new FakeClock();
