import { Failure } from '../failures/failure';

export type ModelServerFailureKind = 'model-unavailable' | 'model-timeout' | 'model-rejected' | 'model-bad-response';

/** Why a call to TorchServe failed, and whether trying again can help. */
export class ModelServerError extends Failure {
  constructor(
    message: string,
    /** 5xx, 503, connection refused or timeout: worth retrying. 4xx: the request itself is wrong. */
    retryable: boolean,
    override readonly kind: ModelServerFailureKind,
    /** The connection was refused or reset: nothing was computed, another server may take the call. */
    readonly refused = false,
  ) {
    super(kind, message, retryable);
  }
}

/** A pinned model version the model server no longer has (unregistered, or a restart before it was registered again). */
export class VersionGone extends ModelServerError {
  constructor(readonly version: string) {
    super(`model version ${version} is not served`, false, 'model-rejected');
  }
}
