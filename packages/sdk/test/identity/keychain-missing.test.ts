// Without @napi-rs/keyring installed, the SDK imports fine and the keychain store fails with a
// typed error that says what to install.
import { expect, it, vi } from 'vitest';

vi.mock('@napi-rs/keyring', () => {
  throw new Error("Cannot find package '@napi-rs/keyring'");
});

it('is a VALIDATION_ERROR naming the package', async () => {
  const { KeychainKeyStore } = await import('../../src/identity/index.js');
  const { ValidationError } = await import('../../src/index.js');
  const store = new KeychainKeyStore();
  const error = await store.get('agt_1').catch((e) => e);
  expect(error).toBeInstanceOf(ValidationError);
  expect(error.message).toContain('@napi-rs/keyring');
  expect(error.details).toMatchObject({ field: 'keyStore', package: '@napi-rs/keyring' });
});
