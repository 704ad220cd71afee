/** A callback token: 256 random bits as 64 lowercase hex characters. The only credential a webhook carries. */
const CALLBACK_TOKEN = /^[0-9a-f]{64}$/;

export function isCallbackToken(value: unknown): value is string {
  return typeof value === 'string' && CALLBACK_TOKEN.test(value);
}
