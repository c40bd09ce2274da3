/** STS and IAM Identity Center stand-ins, mounted by the Connect sandbox or run on their own. */
export { createIdentityService, handleIdentityRequest, sandboxIdentity, type IdentityService } from './service';
export { startIdentityServer, type IdentityServer } from './server';
export { mintSsoAccessToken } from './tokens';
export { SANDBOX_MFA_CODE, type IdentityEvent, type IdentityOptions } from './types';
