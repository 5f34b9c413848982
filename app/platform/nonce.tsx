import { createContext, type ReactNode, useContext } from 'react';

// The CSP nonce the launcher made for this response; empty in the browser, where React does not need it.
const NonceContext = createContext('');

export function NonceProvider({ value, children }: { value: string; children: ReactNode }) {
  return <NonceContext.Provider value={value}>{children}</NonceContext.Provider>;
}

export function useNonce() {
  return useContext(NonceContext);
}
