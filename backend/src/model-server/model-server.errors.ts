/** Why a call to TorchServe failed, and whether trying again can help. */
export class ModelServerError extends Error {
  constructor(
    message: string,
    /** 5xx, 503, connection refused or timeout: worth retrying. 4xx: the request itself is wrong. */
    readonly retryable: boolean,
    readonly kind: 'unavailable' | 'timeout' | 'rejected' | 'bad_response',
    /** The connection was refused or reset: nothing was computed, another server may take the call. */
    readonly refused = false,
  ) {
    super(message);
    this.name = 'ModelServerError';
  }
}
