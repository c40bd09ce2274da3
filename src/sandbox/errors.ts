/**
 * Errors as the two services send them. A handler throws a ServiceError; the HTTP layer turns it
 * into the status, `x-amzn-ErrorType` header and `{"Message": ...}` body that the SDKs and the
 * AWS CLI read (see the reference, §5.3).
 */

export type ServiceName = 'connect' | 'participant' | 'logs';

export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    /** Extra modelled members for the body (e.g. `Reason`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = type;
  }
}

/** Connect and Participant name their server fault differently. */
export function internalError(service: ServiceName, message: string): ServiceError {
  if (service === 'logs') return new ServiceError(500, 'ServiceUnavailableException', message);
  return service === 'connect'
    ? new ServiceError(500, 'InternalServiceException', message)
    : new ServiceError(500, 'InternalServerException', message);
}

export function resourceNotFound(message: string): ServiceError {
  return new ServiceError(404, 'ResourceNotFoundException', message);
}

export function invalidRequest(message: string): ServiceError {
  return new ServiceError(400, 'InvalidRequestException', message);
}

export function invalidParameter(message: string): ServiceError {
  return new ServiceError(400, 'InvalidParameterException', message);
}

export function participantValidation(message: string): ServiceError {
  return new ServiceError(400, 'ValidationException', message);
}

export function accessDenied(message: string): ServiceError {
  return new ServiceError(403, 'AccessDeniedException', message);
}
