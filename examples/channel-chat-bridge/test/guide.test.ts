import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCrm, memoryStorage } from '@rapport/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type ChatChannel, chat } from '../src/chat-channel.js';

const guide = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'writing-a-channel-plugin.md'), 'utf8');
const block = (title: string) => new RegExp(`^\`\`\`ts title="${title}"[^\\n]*\\n([\\s\\S]*?)^\`\`\`$`, 'm').exec(guide)?.[1]?.trim();
const source = (file: string) => readFileSync(join(import.meta.dirname, file), 'utf8').trim();

describe('the channel guide (docs/writing-a-channel-plugin.md)', () => {
  it('shows the example channel, its harness and its conformance test verbatim', () => {
    expect(block('chat-channel.ts')).toBe(source('../src/chat-channel.ts'));
    expect(block('chat-server.ts')).toBe(source('chat-server.ts'));
    expect(block('chat-channel.test.ts')).toBe(source('chat-channel.test.ts'));
  });

  it('is under 150 lines', () => {
    expect(source('../src/chat-channel.ts').split('\n').length).toBeLessThan(150);
  });

  it('installs as a plugin: crm.chatChannel, and a channel contribution for the hub', async () => {
    const crm = await createCrm({ storage: memoryStorage(), plugins: [chat({ url: 'https://chat.example/api', token: 'x'.repeat(16) })] });
    expectTypeOf(crm.chatChannel).toEqualTypeOf<ChatChannel>();
    expect(crm.contributions.of('channels').map((entry) => entry.value.id)).toEqual(['chat']);
    await crm.close();
  });
});
