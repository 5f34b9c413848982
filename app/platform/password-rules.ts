// PCI DSS v4 (8.3.6) asks for at least 12 characters; 128 keeps hashing cheap to bound.
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;
