/** The API keys the mock accepts in `X-API-Key`. Anything else (or none) is a 401 AUTH_FAILED. */
export const API_KEYS = {
  /** May call every operation (an org admin's key). */
  full: 'sk_test_agenttrust',
  /** May only read (GET), and not the admin-only org settings; anything else is a 403 AUTH_DENIED. */
  readonly: 'sk_test_readonly',
} as const;
