/** One call the identity stand-ins answered; tests read these (no secrets are kept). */
export interface IdentityEvent {
  service: 'sts' | 'sso';
  operation: string;
  /** 'ok' or the error code sent back. */
  outcome: string;
  roleArn?: string;
  mfaSerial?: string;
  /** The access key ID the STS request was signed with (an ID, not a secret). */
  sourceAccessKeyId?: string;
  accountId?: string;
  roleName?: string;
}

export interface IdentityOptions {
  /** The one MFA code AssumeRole accepts. Default {@link SANDBOX_MFA_CODE}. */
  mfaCode?: string;
  /** Roles whose trust policy demands MFA. Default: roles whose name contains "mfa" (any case). */
  mfaRequired?: (roleArn: string) => boolean;
  /** Account/role pairs the SSO portal grants. Default: any well-formed pair. */
  ssoAssignments?: ReadonlyArray<{ accountId: string; roleName: string }>;
  /** Clock, for expiry checks. */
  now?: () => number;
}

/** The resolved options the handlers consult. */
export interface IdentityPolicy {
  mfaCode: string;
  mfaRequired: (roleArn: string) => boolean;
  ssoGrants: (accountId: string, roleName: string) => boolean;
  now: () => number;
}

/** The MFA code the sandbox's STS accepts unless told otherwise. */
export const SANDBOX_MFA_CODE = '123456';
