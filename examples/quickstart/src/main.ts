import { memoryStorage } from '@rapport/core';
import { runQuickstart } from './quickstart.js';

const crm = await runQuickstart(memoryStorage(), (line) => console.log(line));
await crm.close();
