// Run by plain Node from an app directory: createCrm() with no storage finds @rapport/storage-sql
// where the app installed it, though @rapport/core itself does not depend on it.
import { createCrm } from '@rapport/core';

try {
  const crm = await createCrm();
  const { customer } = await crm.customers.upsert({ identities: [{ type: 'email', value: 'ESM@Example.com' }] });
  const found = await crm.customers.find({ type: 'email', value: 'esm@example.com' });
  console.log(JSON.stringify({ storage: crm.storage.name, found: found?.id === customer.id }));
  await crm.close();
} catch (error) {
  console.log(JSON.stringify({ error: error.code, message: error.message }));
}
