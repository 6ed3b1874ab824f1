import type { StatusClass } from "../../shared/http/delivery.ts";

/**
 * The one table of HTTP status -> delivery decision. The agent's push tests and every
 * notification channel's tests reuse it, so all senders treat a status the same way.
 */
export const HTTP_STATUS_DECISIONS: Array<[number, StatusClass]> = [
  [200, "success"],
  [202, "success"],
  [204, "success"],
  [400, "failure"],
  [401, "auth"],
  [403, "auth"],
  [404, "failure"],
  [408, "retryable"],
  [413, "failure"],
  [422, "failure"],
  [425, "retryable"],
  [429, "retryable"],
  [500, "retryable"],
  [502, "retryable"],
  [503, "retryable"],
  [504, "retryable"],
];
